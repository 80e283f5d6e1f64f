"""The servers of `bench.sessions` (one `vr-server` on SQLite, or several on one PostgreSQL
database and Redis prefix) and the two ways to enroll its headsets: straight into the
database, or through `POST /api/devices/enroll`."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.servers import server_command
from tests.support.bundles import write_bundle
from tests.support.harness import ServerProcess

# ---------------------------------------------------------------- servers and enrollment


class Cluster:
    """The vr-server instances, and the PostgreSQL database and Redis prefix they share."""

    def __init__(self, root: Path, args: argparse.Namespace) -> None:
        self.root = root
        self.args = args
        self.servers: list[ServerProcess] = []
        self.pg_admin_url: str | None = None
        self.database: str | None = None
        self.redis_prefix: str | None = None

    def start(self) -> None:
        dist = self.root / "dist"
        write_bundle(dist)
        settings: dict[str, Any] = {"outbox_size": 2048}
        for item in self.args.server_env:
            key, _, value = item.partition("=")
            settings[key.removeprefix("VR_").lower()] = value
        if self.args.instances > 1:
            self.database = f"vr_bench_{os.getpid()}_{secrets.token_hex(3)}"
            self.pg_admin_url = self.args.postgres
            _psql(self.pg_admin_url, f'CREATE DATABASE "{self.database}"')
            base = self.pg_admin_url.rsplit("/", 1)[0]
            settings["database_url"] = f"{base}/{self.database}".replace(
                "postgresql://", "postgresql+asyncpg://", 1
            )
            self.redis_prefix = f"vrbench{os.getpid()}:"
            settings["redis_url"] = self.args.redis
            settings["redis_prefix"] = self.redis_prefix
        for n in range(self.args.instances):
            server = ServerProcess(
                self.root / f"server-{n}",
                [dist],
                server_command=server_command(self.args),
                **settings,
            )
            if n == 0:
                server.create_staff()
            server.start()  # one after the other: the first one runs the migrations
            self.servers.append(server)

    @property
    def database_url(self) -> str:
        env = self.servers[0].env
        return env.get("VR_DATABASE_URL") or (
            f"sqlite+aiosqlite:///{(self.servers[0].data_dir / 'vr.sqlite3').resolve()}"
        )

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.database and self.pg_admin_url:
            _psql(self.pg_admin_url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, timeout=60)


async def enroll_bulk(database_url: str, n: int) -> list[dict[str, str]]:
    """The rows `POST /api/devices/enroll` writes (a headset and its device token), for N
    headsets in one transaction."""
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import create_async_engine

    from vr_server.services.auth import token_hash
    from vr_server.storage import tables as t

    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:6]
    idents, headsets, tokens = [], [], []
    for i in range(n):
        headset_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
        device_id, name = f"bench-{i:05d}-{tag}", f"bench-{i:05d}-{tag}"
        headsets.append(
            {
                "id": headset_id,
                "device_id": device_id,
                "name": name,
                "status": "available",
                "enrolled_at": now,
            }
        )
        tokens.append(
            {
                "token_hash": token_hash(token),
                "kind": "device",
                "subject_id": headset_id,
                "created_at": now,
                "expires_at": None,
                "revoked": False,
            }
        )
        idents.append({"headset_id": headset_id, "device_token": token, "device_id": device_id})
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(t.headsets), headsets)
            await conn.execute(insert(t.tokens), tokens)
    finally:
        await engine.dispose()
    return idents


async def enroll_api(url: str, code: str, n: int) -> list[dict[str, str]]:
    sem = asyncio.Semaphore(32)
    tag = uuid.uuid4().hex[:6]

    async def one(client: httpx.AsyncClient, i: int) -> dict[str, str]:
        device_id = f"bench-{i:05d}-{tag}"
        async with sem:
            r = await client.post(
                "/api/devices/enroll",
                json={"code": code, "device_id": device_id, "name": device_id},
            )
        r.raise_for_status()
        return {**r.json(), "device_id": device_id}

    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        return list(await asyncio.gather(*(one(client, i) for i in range(n))))
