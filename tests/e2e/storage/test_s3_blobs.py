"""Blobs in an S3-compatible bucket (moto's server, tests/support/s3_server.py), each instance's
blob directory a cache of it: content published through instance A is served by instance B from
the bucket, B knows what A stored, a tampered object is never served nor cached, an unreachable
bucket refuses uploads with 503 and stores nothing while cached blobs are still served, and
`vr-server serve` refuses to start on a missing bucket."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.bundles import tiny_glb, write_bundle
from tests.support.harness import STAFF_PASSWORD, free_port, past_first_start
from tests.support.s3_server import UNSET, S3Server
from vr_server.app import create_app
from vr_server.errors import Unavailable
from vr_server.services import Services
from vr_server.settings import Settings
from vr_server.storage.blobs_s3 import S3Blobs

PREFIX = "venue/blobs"


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dummy credentials of the test server, for this test only."""
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in S3Server.env(max_attempts=1).items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    return s3_server.new_bucket()


@dataclass
class Instance:
    http: httpx.AsyncClient
    services: Services
    blob_dir: Path

    def cached(self) -> list[Path]:
        """Every file in this instance's blob directory (temporary files too)."""
        return sorted(p for p in self.blob_dir.rglob("*") if p.is_file())


@dataclass
class Deployment:
    """Instances sharing one database and one bucket, each with its own blob directory."""

    root: Path
    s3: S3Server
    bucket: str
    tokens: dict[str, str]

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.root / 'db.sqlite3'}"

    @asynccontextmanager
    async def instance(self, name: str, *, endpoint: str | None = None) -> AsyncIterator[Instance]:
        settings = Settings(
            environment="test",
            data_dir=self.root / name,
            database_url=self.database_url,
            blob_dir=self.root / name / "cache",
            blob_s3_url=f"s3://{self.bucket}/{PREFIX}/",
            blob_s3_endpoint=endpoint or self.s3.endpoint,
        )
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://vr") as http,
        ):
            services: Services = app.state.services
            if not self.tokens:
                await past_first_start(services)
                for role in ("staff", "author"):
                    account = await services.auth.create_account(role, STAFF_PASSWORD, role)
                    self.tokens[role] = (await services.auth.issue_token(account)).token
            yield Instance(http, services, settings.resolved_blob_dir)

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def key_for(self, sha: str) -> str:
        return f"{PREFIX}/{sha[:2]}/{sha}"


@pytest.fixture
def deployment(tmp_path: Path, s3_server: S3Server, bucket: str) -> Deployment:
    return Deployment(tmp_path, s3_server, bucket, {})


async def publish(dep: Deployment, via: Instance, folder: Path) -> dict[str, Any]:
    """What `vr-content publish` does: ask which blobs are missing, upload them, post the
    manifest."""
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    glb = manifest["glb"]
    author = dep.headers("author")
    missing = await via.http.post(
        "/api/content/blobs/missing", json={"sha256": [glb["sha256"]]}, headers=author
    )
    assert missing.status_code == 200, missing.text
    for sha in missing.json()["missing"]:
        put = await via.http.put(
            f"/api/content/blobs/{sha}", content=(folder / glb["path"]).read_bytes(), headers=author
        )
        assert put.status_code == 201, put.text
    posted = await via.http.post("/api/content/scenes", json={"manifest": manifest}, headers=author)
    assert posted.status_code in (200, 201), posted.text
    return manifest


async def get_asset(via: Instance, dep: Deployment, sha: str, **headers: str) -> httpx.Response:
    return await via.http.get(f"/assets/{sha}", headers=dep.headers("staff", **headers))


def new_bundle(tmp_path: Path, scene_id: str, seed: int) -> tuple[Path, bytes, str]:
    glb = tiny_glb(seed=seed)
    return write_bundle(tmp_path, scene_id=scene_id, glb=glb), glb, hashlib.sha256(glb).hexdigest()


@asynccontextmanager
async def publishing_through_a(
    deployment: Deployment, tmp_path: Path, scene_id: str, seed: int
) -> AsyncIterator[tuple[Instance, bytes, str]]:
    """A new scene published through instance "a": a, the scene's GLB and its sha256 while "a"
    runs (it stops after)."""
    folder, glb, sha = new_bundle(tmp_path / "dist", scene_id, seed)
    async with deployment.instance("a") as a:
        await publish(deployment, a, folder)
        yield a, glb, sha


async def published_through_a(
    deployment: Deployment, tmp_path: Path, scene_id: str, seed: int
) -> tuple[bytes, str]:
    """A new scene published through instance "a" (which then stops); its GLB and sha256."""
    async with publishing_through_a(deployment, tmp_path, scene_id, seed) as (_, glb, sha):
        return glb, sha


# ---------------------------------------------------------------- two instances, one bucket


async def test_published_through_a_is_served_by_b_from_the_bucket(
    deployment: Deployment, tmp_path: Path
) -> None:
    async with publishing_through_a(deployment, tmp_path, "s3-served", 31) as (a, glb, sha):
        assert a.cached() == [a.blob_dir / sha[:2] / sha]
    stored = deployment.s3.client().get_object(
        Bucket=deployment.bucket, Key=deployment.key_for(sha)
    )
    assert stored["Body"].read() == glb  # written through, under <prefix>/<aa>/<sha256>

    async with deployment.instance("b") as b:
        assert b.cached() == []
        response = await get_asset(b, deployment, sha)
        assert response.status_code == 200, response.text
        assert response.content == glb
        assert response.headers["content-length"] == str(len(glb))
        assert b.cached() == [b.blob_dir / sha[:2] / sha]  # and kept: read-through
        assert (b.blob_dir / sha[:2] / sha).read_bytes() == glb
        assert (b.blob_dir / sha[:2] / sha).stat().st_mode & 0o777 == 0o644


async def test_b_knows_what_only_the_bucket_has_and_publishes_it(
    deployment: Deployment, tmp_path: Path
) -> None:
    folder, glb, sha = new_bundle(tmp_path / "dist", "s3-known", seed=32)
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    async with deployment.instance("a") as a:
        put = await a.http.put(
            f"/api/content/blobs/{sha}", content=glb, headers=deployment.headers("author")
        )
        assert (put.status_code, put.json()["stored"]) == (201, True)
    async with deployment.instance("b") as b:
        response = await b.http.post(
            "/api/content/blobs/missing",
            json={"sha256": [sha, unknown]},
            headers=deployment.headers("author"),
        )
        assert response.status_code == 200, response.text
        assert response.json()["missing"] == [unknown]
        assert b.cached() == []  # asking does not download
        # Uploading it again through B stores nothing new.
        again = await b.http.put(
            f"/api/content/blobs/{sha}", content=glb, headers=deployment.headers("author")
        )
        assert (again.status_code, again.json()["stored"]) == (200, False)
        # Publishing through B checks and re-validates the blob only the bucket had.
        (b.blob_dir / sha[:2] / sha).unlink()
        manifest = await publish(deployment, b, folder)
        assert manifest["glb"]["sha256"] == sha
        assert b.cached() == [b.blob_dir / sha[:2] / sha]
        summary = await b.http.get("/api/catalog/s3-known", headers=deployment.headers("staff"))
        assert summary.json()["glb_sha256"] == sha


async def test_range_and_304_for_a_blob_fetched_from_the_bucket(
    deployment: Deployment, tmp_path: Path
) -> None:
    glb, sha = await published_through_a(deployment, tmp_path, "s3-ranges", seed=33)
    async with deployment.instance("b") as b:
        assert b.cached() == []
        part = await get_asset(b, deployment, sha, Range="bytes=10-99")
        assert part.status_code == 206, part.text
        assert part.content == glb[10:100]
        assert part.headers["content-range"] == f"bytes 10-99/{len(glb)}"
        assert part.headers["etag"] == f'"{sha}"'
        tail = await get_asset(b, deployment, sha, Range="bytes=-16")
        assert (tail.status_code, tail.content) == (206, glb[-16:])
        fresh = await get_asset(b, deployment, sha, **{"If-None-Match": f'"{sha}"'})
        assert (fresh.status_code, fresh.content) == (304, b"")
    async with deployment.instance("c") as c:  # a 304 needs no bytes: nothing is downloaded
        fresh = await get_asset(c, deployment, sha, **{"If-None-Match": f'"{sha}"'})
        assert fresh.status_code == 304
        assert c.cached() == []
        head = await c.http.head(f"/assets/{sha}", headers=deployment.headers("staff"))
        assert (head.status_code, head.headers["content-length"]) == (200, str(len(glb)))


async def test_a_tampered_object_is_neither_served_nor_cached(
    deployment: Deployment, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    glb, sha = await published_through_a(deployment, tmp_path, "s3-tampered", seed=34)
    deployment.s3.client().put_object(
        Bucket=deployment.bucket, Key=deployment.key_for(sha), Body=glb[:-4] + b"EVIL"
    )
    async with deployment.instance("b") as b:
        with caplog.at_level(logging.ERROR, logger="vr_server.storage.blobs"):
            for _ in range(2):  # the second request fetches again: nothing was kept
                response = await get_asset(b, deployment, sha)
                assert response.status_code == 502
                assert sha in response.json()["detail"]
                assert deployment.bucket in response.json()["detail"]
                assert b"EVIL" not in response.content
                assert b.cached() == []
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 2
        assert "changed in the bucket" in errors[0].getMessage()
        ranged = await get_asset(b, deployment, sha, Range="bytes=0-9")
        assert ranged.status_code == 502
        assert b.cached() == []


# ---------------------------------------------------------------- the bucket out of reach


async def test_unreachable_bucket_refuses_uploads_and_cached_blobs_are_still_served(
    deployment: Deployment, tmp_path: Path
) -> None:
    async with publishing_through_a(deployment, tmp_path, "s3-cached", 35) as (a, glb, sha):
        health = (await a.http.get("/health")).json()
        assert health["blob_bucket"] == "ok"
    closed = f"http://127.0.0.1:{free_port()}"
    async with deployment.instance("a", endpoint=closed) as a:
        served = await get_asset(a, deployment, sha)
        assert (served.status_code, served.content) == (200, glb)

        new = tiny_glb(seed=36)
        new_sha = hashlib.sha256(new).hexdigest()
        started = time.monotonic()
        put = await a.http.put(
            f"/api/content/blobs/{new_sha}", content=new, headers=deployment.headers("author")
        )
        assert time.monotonic() - started < 10
        assert put.status_code == 503, put.text
        detail = put.json()["detail"]
        assert deployment.bucket in detail
        assert closed in detail
        assert "cannot reach" in detail
        assert not (a.blob_dir / new_sha[:2] / new_sha).exists()
        assert a.cached() == [a.blob_dir / sha[:2] / sha]  # no temporary file left either
        health = await a.http.get("/health")  # says so, and the instance is still healthy
        assert (health.status_code, health.json()["blob_bucket"]) == (200, "unreachable")

        # An import (VR_CONTENT_DIRS, `vr-server import`) stores no blob row, no version.
        other = write_bundle(tmp_path / "other", scene_id="s3-offline", glb=new)
        with pytest.raises(Unavailable, match="cannot reach"):
            await a.services.catalog.import_bundle(other)
        assert await a.services.store.content.blob_media_type(new_sha) is None
        assert await a.services.store.content.get_active("s3-offline") is None
        assert not (a.blob_dir / new_sha[:2] / new_sha).exists()

        # A blob the cache lacks cannot be fetched: 503, not 404.
        (a.blob_dir / sha[:2] / sha).unlink()
        gone = await get_asset(a, deployment, sha)
        assert gone.status_code == 503
        assert deployment.bucket in gone.json()["detail"]


def serve(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vr_server", "serve"],
        env={
            **{k: v for k, v in env.items() if k not in UNSET},
            "VR_DATA_DIR": str(tmp_path / "data"),
            "VR_PORT": str(free_port()),
        },
        capture_output=True,
        text=True,
        timeout=30,  # a server that starts anyway would run until then
    )


def test_serve_refuses_to_start_on_a_missing_bucket(s3_server: S3Server, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "VR_BLOB_S3_URL": "s3://no-such-bucket-here/blobs",
        "VR_BLOB_S3_ENDPOINT": s3_server.endpoint,
    }
    done = serve(env, tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"vr-server: VR_BLOB_S3_URL: s3://no-such-bucket-here/blobs at {s3_server.endpoint}: "
        "the bucket 'no-such-bucket-here' does not exist"
    )
    assert not (tmp_path / "data" / "blobs").exists()


def test_bucket_check_names_the_reason(s3_server: S3Server, bucket: str) -> None:
    S3Blobs(bucket, endpoint=s3_server.endpoint).check()  # there: no error
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(Unavailable, match=f"s3://{bucket} at {closed}: cannot reach {closed}"):
        S3Blobs(bucket, endpoint=closed).check()

    class Denying:
        def head_bucket(self, **_: Any) -> None:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadBucket")

    with pytest.raises(Unavailable, match=r"access denied \(403\)"):
        S3Blobs(bucket, endpoint=closed, client=Denying()).check()


# ---------------------------------------------------------------- the store's pieces


def test_s3_blobs_round_trip_under_the_prefix(s3_server: S3Server, bucket: str, tmp_path) -> None:
    remote = S3Blobs(bucket, "/a/b/", endpoint=s3_server.endpoint)
    data = b"some bytes" * 1000
    sha = hashlib.sha256(data).hexdigest()
    source = tmp_path / "file"
    source.write_bytes(data)
    assert remote.exists(sha) is False
    remote.upload(source, sha)
    assert remote.exists(sha) is True
    listed = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == [f"a/b/{sha[:2]}/{sha}"]
    pieces: list[bytes] = []
    assert remote.download(sha, pieces.append) is True
    assert b"".join(pieces) == data
    assert remote.download("0" * 64, pieces.append) is False
    assert remote.location == f"s3://{bucket}/a/b at {s3_server.endpoint}"
