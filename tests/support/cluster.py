"""Two real `vr-server` processes behind no proxy, as several instances run in production: one
PostgreSQL database, one Redis (under a fresh key prefix), one blob directory. Helpers for the
staff sockets that watch them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.harness import RawSocket, ServerProcess, wait_frame
from tests.support.postgres import Postgres
from tests.support.redis_server import check_redis, delete_prefix, new_prefix


@dataclass
class Cluster:
    a: ServerProcess
    b: ServerProcess
    database_url: str
    prefix: str
    blob_dir: Path

    def stop(self) -> None:
        for server in (self.a, self.b):
            server.stop()


def start_cluster(
    root: Path, bundles: Path, database_url: str, prefix: str, **extra: Any
) -> Cluster:
    blob_dir = root / "shared-blobs"
    settings: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": check_redis(),
        "redis_prefix": prefix,
        "blob_dir": blob_dir,
        # presence refreshed every 2 s and kept 6 s; the test sockets ping rarely
        "heartbeat_s": 2,
        "heartbeat_timeout_s": 120,
        **extra,
    }
    cluster = Cluster(
        ServerProcess(root / "a", [bundles], **settings),
        ServerProcess(root / "b", [bundles], **settings),
        database_url,
        prefix,
        blob_dir,
    )
    try:
        cluster.a.create_staff()
        cluster.a.start()  # migrates the shared database and imports the bundle
        cluster.b.start()  # finds both done
    except BaseException:
        cluster.stop()
        raise
    return cluster


@contextlib.contextmanager
def running_cluster(root: Path, bundles: Path, postgres: Postgres) -> Iterator[Cluster]:
    """A cluster on a fresh database and Redis prefix, all removed afterwards."""
    check_redis()
    prefix = new_prefix()
    database_url = postgres.create()
    try:
        cluster = start_cluster(root, bundles, database_url, prefix)
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        postgres.drop(database_url)
        delete_prefix(prefix)


async def staff_socket(server: ServerProcess, token: str) -> tuple[RawSocket, dict[str, Any]]:
    """A staff connection and the snapshot it opened with."""
    sock = await RawSocket.open(server.ws_url + "/ws/staff")
    await sock.send({"type": "auth", "token": token})
    snapshot = await sock.recv()
    assert snapshot["type"] == "snapshot", snapshot
    return sock, snapshot


def headset_is(name: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda f: (
        f["type"] == "headset_update"
        and f["headset"]["name"] == name
        and all(f["headset"][k] == v for k, v in fields.items())
    )


def headset_live(headset_id: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    """A `headsets_live` frame with these figures for the headset."""
    return lambda f: (
        f["type"] == "headsets_live"
        and any(
            h["id"] == headset_id and all(h[k] == v for k, v in fields.items())
            for h in f["headsets"]
        )
    )


def session_is(session_id: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda f: (
        f["type"] == "session_update"
        and f["session"]["id"] == session_id
        and all(f["session"][k] == v for k, v in fields.items())
    )


async def on_both(
    socks: tuple[RawSocket, ...], match: Callable[[dict[str, Any]], bool], timeout: float = 30
) -> list[dict[str, Any]]:
    """The first matching frame on each socket."""
    return list(await asyncio.gather(*(wait_frame(s, match, timeout) for s in socks)))


def live_state(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What a dashboard shows, without the clock-dependent fields."""
    headsets = {
        h["id"]: {k: h[k] for k in ("online", "status", "session_id", "battery", "fps", "step_id")}
        for h in snapshot["headsets"]
    }
    sessions = {
        s["id"]: {k: s[k] for k in ("state", "step_index", "next_seq", "language")}
        for s in snapshot["sessions"]
    }
    return {"headsets": headsets, "sessions": sessions}


class Dashboard:
    """What a staff client shows: its last snapshot with every later update applied."""

    def __init__(self, sock: RawSocket, snapshot: dict[str, Any]) -> None:
        self.sock = sock
        self.headsets: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.snapshots = 0
        self.apply(snapshot)

    @classmethod
    async def open(cls, server: ServerProcess, token: str) -> Dashboard:
        return cls(*await staff_socket(server, token))

    def apply(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "snapshot":
            self.snapshots += 1
            self.headsets = {h["id"]: h for h in frame["headsets"]}
            self.sessions = {s["id"]: s for s in frame["sessions"]}
        elif frame["type"] == "headset_update":
            self.headsets[frame["headset"]["id"]] = frame["headset"]
        elif frame["type"] == "headsets_live":
            for live in frame["headsets"]:
                if live["id"] in self.headsets:
                    self.headsets[live["id"]].update(live)
        elif frame["type"] == "session_update":
            self.sessions[frame["session"]["id"]] = frame["session"]

    async def until(self, condition: Callable[[Dashboard], bool], timeout: float = 30) -> None:
        async with asyncio.timeout(timeout):
            while not condition(self):
                self.apply(await self.sock.recv(timeout))

    async def close(self) -> None:
        await self.sock.close()
