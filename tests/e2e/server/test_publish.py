"""Publishing content to a running server (`vr-content publish`, `/api/content/...`): the happy
path, an idempotent re-publish, every refusal leaving the stored and active versions as they
were, rollback, running sessions keeping their version, and who may publish."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trimesh

from content_tools.cli import main as vr_content
from tests.support.bundles import tiny_glb, write_bundle
from tests.support.harness import (
    STAFF_PASSWORD,
    RawSocket,
    ServerProcess,
    free_port,
    running_server,
)
from tests.support.http import http
from tests.support.sockets import headset_in_session, ping_ok, welcomed

AUTHOR = "author"
MAX_MODEL_MB = 0.1  # the test GLBs have about 3 KB
MAX_UPLOAD_MB = 0.5
MAX_TRIANGLES = 100  # the test GLBs have 60


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, test_bundles: Path) -> Iterator[ServerProcess]:
    """This module's server: small upload, model and triangle limits, a staff and an author
    account."""
    profile = tmp_path_factory.mktemp("profile") / "tiny-headset.json"
    profile.write_text(json.dumps({"name": "tiny-headset", "max_triangles": MAX_TRIANGLES}))
    with running_server(
        tmp_path_factory.mktemp("server"),
        [test_bundles],
        authors=(AUTHOR,),
        max_model_mb=MAX_MODEL_MB,
        max_upload_mb=MAX_UPLOAD_MB,
        publish_profile=str(profile),
    ) as proc:
        yield proc


@pytest.fixture(scope="module")
def author(server: ServerProcess) -> str:
    """An author token from `vr-server author token`."""
    done = server.cli("author", "token", AUTHOR, "--json")
    assert done.returncode == 0, done.stderr
    token: str = json.loads(done.stdout)["token"]
    return token


@pytest.fixture(autouse=True)
def _no_env_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VR_AUTHOR_TOKEN", raising=False)


# ---------------------------------------------------------------- helpers


def cli(
    capsys: pytest.CaptureFixture[str], *argv: str, as_json: bool = True
) -> tuple[int, Any, str]:
    """Run `vr-content ARGV [--json]` in-process: (exit status, parsed stdout, stderr)."""
    capsys.readouterr()
    status = vr_content([*argv, "--json"] if as_json else list(argv))
    out, err = capsys.readouterr()
    return status, (json.loads(out) if as_json and out.strip() else out), err


def publish(
    capsys: pytest.CaptureFixture[str], server: ServerProcess, token: str, *args: str
) -> tuple[int, Any, str]:
    return cli(capsys, "publish", *args, "--server", server.url, "--token", token)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def versions(server: ServerProcess, token: str, scene_id: str) -> dict[str, Any]:
    response = server.api(token, "GET", f"/api/content/scenes/{scene_id}/versions")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def stored_state(server: ServerProcess, author: str, staff: str, scene_id: str) -> Any:
    """Everything a refused publish must leave alone: the stored versions, the active one,
    and what staff and headsets see of the scene."""
    data = versions(server, author, scene_id)
    catalog = server.api(staff, "GET", f"/api/catalog/{scene_id}").json()
    manifest = server.api(staff, "GET", f"/api/catalog/{scene_id}/manifest").json()
    return (
        data["active_version"],
        [(v["version"], v["manifest_sha256"], v["active"]) for v in data["versions"]],
        catalog["version"],
        catalog["versions"],
        manifest["scene"]["version"],
    )


def put_blob(server: ServerProcess, token: str, data: bytes, sha: str | None = None, **params: Any):
    sha = sha or hashlib.sha256(data).hexdigest()
    return http().put(
        f"{server.url}/api/content/blobs/{sha}", content=data, params=params, headers=auth(token)
    )


def missing(server: ServerProcess, token: str, *shas: str) -> list[str]:
    response = server.api(token, "POST", "/api/content/blobs/missing", {"sha256": list(shas)})
    assert response.status_code == 200, response.text
    found: list[str] = response.json()["missing"]
    return found


def manifest_of(bundle: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((bundle / "manifest.json").read_text())
    return data


def post_manifest(server: ServerProcess, token: str, manifest: dict[str, Any], **extra: Any):
    return server.api(token, "POST", "/api/content/scenes", {"manifest": manifest, **extra})


def glb_with_nodes(*names: str) -> bytes:
    scene = trimesh.Scene()
    for name in names:
        scene.add_geometry(trimesh.creation.box(), node_name=name, geom_name=f"{name}-mesh")
    data: bytes = scene.export(file_type="glb")
    return data


def blob_path(server: ServerProcess, sha: str) -> Path:
    return server.data_dir / "blobs" / sha[:2] / sha


# ---------------------------------------------------------------- happy path


def test_publish_activates_and_a_second_publish_uploads_nothing(
    server: ServerProcess, author: str, token: str, tmp_path: Path, capsys
) -> None:
    glb = tiny_glb(seed=11)
    sha = hashlib.sha256(glb).hexdigest()
    write_bundle(tmp_path / "dist", scene_id="pub-happy", version="1.0.0", glb=glb)

    status, report, err = publish(capsys, server, author, str(tmp_path / "dist"))
    assert status == 0, err
    assert report["ok"] is True
    assert [u["sha256"] for u in report["uploaded"]] == [sha]
    assert report["uploaded_bytes"] == len(glb)
    (result,) = report["results"]
    assert result["scene_id"] == "pub-happy"
    assert result["version"] == "1.0.0"
    assert result["new"] is True
    assert result["activated"] is True
    assert result["active_version"] == "1.0.0"

    # staff and headsets see it, and its model is served
    summary = server.api(token, "GET", "/api/catalog/pub-happy").json()
    assert (summary["version"], summary["glb_sha256"]) == ("1.0.0", sha)
    asset = http().get(f"{server.url}/assets/{sha}", headers=auth(token))
    assert asset.status_code == 200
    assert asset.content == glb
    stored_at = blob_path(server, sha).stat().st_mtime_ns

    # publishing the same bundle again (one bundle folder this time) uploads nothing
    bundle = str(tmp_path / "dist" / "pub-happy-1.0.0")
    status, again, err = publish(capsys, server, author, bundle)
    assert status == 0, err
    assert again["missing"] == []
    assert again["uploaded"] == []
    assert again["results"][0]["new"] is False
    assert again["results"][0]["activated"] is True
    assert blob_path(server, sha).stat().st_mtime_ns == stored_at
    assert [v["version"] for v in versions(server, author, "pub-happy")["versions"]] == ["1.0.0"]

    # without --json: what became active, and that nothing was uploaded
    status, text, err = cli(
        capsys, "publish", bundle, "--server", server.url, "--token", author, as_json=False
    )
    assert status == 0, err
    assert "pub-happy 1.0.0: already published, active" in text
    assert "uploaded 0 file(s), 0 bytes" in text


def test_token_from_environment_and_a_folder_of_bundles(
    server: ServerProcess, author: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    dist = tmp_path / "dist"
    write_bundle(dist, scene_id="pub-env-a", version="1.0.0", glb=tiny_glb(seed=12))
    write_bundle(dist, scene_id="pub-env-b", version="1.0.0", glb=tiny_glb(seed=13))
    monkeypatch.setenv("VR_AUTHOR_TOKEN", author)
    status, report, err = cli(capsys, "publish", str(dist), "--server", server.url)
    assert status == 0, err
    assert sorted(r["scene_id"] for r in report["results"]) == ["pub-env-a", "pub-env-b"]
    assert len(report["uploaded"]) == 2


# ---------------------------------------------------------------- versions and rollback


async def staff_catalog(server: ServerProcess, token: str) -> dict[str, str]:
    sock = await RawSocket.open(server.ws_url + "/ws/staff")
    try:
        await sock.send({"type": "auth", "token": token})
        snapshot = await sock.recv()
        assert snapshot["type"] == "snapshot"
        return {s["id"]: s["version"] for s in snapshot["catalog"]}
    finally:
        await sock.close()


async def test_no_activate_rollback_and_versions(
    server: ServerProcess, author: str, token: str, tmp_path: Path, capsys
) -> None:
    scene = "pub-roll"
    write_bundle(tmp_path / "v1", scene_id=scene, version="1.0.0", glb=tiny_glb(seed=21))
    write_bundle(tmp_path / "v2", scene_id=scene, version="2.0.0", glb=tiny_glb(seed=22))
    assert publish(capsys, server, author, str(tmp_path / "v1"))[0] == 0

    status, report, err = publish(capsys, server, author, str(tmp_path / "v2"), "--no-activate")
    assert status == 0, err
    result = report["results"][0]
    assert (result["new"], result["activated"], result["active_version"]) == (True, False, "1.0.0")
    assert server.api(token, "GET", f"/api/catalog/{scene}").json()["version"] == "1.0.0"

    common = ("--server", server.url, "--token", author)
    status, report, err = cli(capsys, "rollback", scene, "2.0.0", *common)
    assert status == 0, err
    assert (report["active_version"], report["previous_active"]) == ("2.0.0", "1.0.0")
    summary = server.api(token, "GET", f"/api/catalog/{scene}").json()
    assert summary["version"] == "2.0.0"
    assert summary["versions"] == ["1.0.0", "2.0.0"]
    manifest = server.api(token, "GET", f"/api/catalog/{scene}/manifest").json()
    assert manifest["scene"]["version"] == "2.0.0"
    assert (await staff_catalog(server, token))[scene] == "2.0.0"

    status, report, err = cli(capsys, "rollback", scene, "1.0.0", *common)
    assert status == 0, err
    assert server.api(token, "GET", f"/api/catalog/{scene}").json()["version"] == "1.0.0"
    assert (await staff_catalog(server, token))[scene] == "1.0.0"

    status, report, err = cli(capsys, "versions", scene, *common)
    assert status == 0, err
    assert report["active_version"] == "1.0.0"
    assert [(v["version"], v["active"]) for v in report["versions"]] == [
        ("1.0.0", True),
        ("2.0.0", False),
    ]
    status, text, err = cli(capsys, "versions", scene, *common, as_json=False)
    assert status == 0, err
    assert text.splitlines()[0].startswith("* 1.0.0")
    assert text.splitlines()[1].startswith("  2.0.0")

    # rolling back to a version or a scene that does not exist changes nothing
    before = stored_state(server, author, token, scene)
    status, report, err = cli(capsys, "rollback", scene, "9.9.9", *common)
    assert status == 1
    assert "no version 9.9.9" in report["error"]
    assert "1.0.0, 2.0.0" in report["error"]
    status, report, err = cli(capsys, "rollback", "no-such-scene", "1.0.0", *common)
    assert status == 1
    assert "no-such-scene" in report["error"]
    assert stored_state(server, author, token, scene) == before


# ---------------------------------------------------------------- refusals


@pytest.fixture(scope="module")
def guarded(server: ServerProcess, author: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Scene `pub-guard` 1.0.0, published and active: every refusal below must leave it so."""
    bundle = write_bundle(
        tmp_path_factory.mktemp("guard"), scene_id="pub-guard", glb=tiny_glb(seed=31)
    )
    assert put_blob(server, author, tiny_glb(seed=31)).status_code == 201
    response = post_manifest(server, author, manifest_of(bundle))
    assert response.status_code == 201, response.text
    return bundle


@pytest.fixture
def unchanged(server: ServerProcess, author: str, token: str, guarded: Path) -> Iterator[None]:
    before = stored_state(server, author, token, "pub-guard")
    assert before[0] == "1.0.0"
    yield
    assert stored_state(server, author, token, "pub-guard") == before


def new_version(guarded: Path, glb: bytes, version: str = "1.1.0") -> dict[str, Any]:
    """pub-guard's manifest as a new version with another model."""
    manifest = manifest_of(guarded)
    sha = hashlib.sha256(glb).hexdigest()
    manifest["scene"]["version"] = version
    manifest["glb"] = {**manifest["glb"], "sha256": sha, "size": len(glb), "path": f"{sha}.glb"}
    return manifest


def refused(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    for word in words:
        assert word in detail, detail


def test_refuses_an_upload_whose_bytes_do_not_hash_to_its_name(
    server: ServerProcess, author: str, unchanged: None
) -> None:
    claimed = hashlib.sha256(b"what the manifest says").hexdigest()
    response = put_blob(server, author, b"other bytes", sha=claimed)
    refused(response, 422, claimed, hashlib.sha256(b"other bytes").hexdigest(), "nothing")
    assert missing(server, author, claimed) == [claimed]


def test_refuses_an_upload_whose_length_differs(
    server: ServerProcess, author: str, unchanged: None
) -> None:
    data = b"twelve bytes"
    refused(put_blob(server, author, data, size=len(data) + 1), 422, "13")
    assert missing(server, author, hashlib.sha256(data).hexdigest()) != []


def test_refuses_an_upload_over_the_limit(
    server: ServerProcess, author: str, unchanged: None
) -> None:
    data = os.urandom(int(MAX_UPLOAD_MB * 1024 * 1024) + 1)
    refused(put_blob(server, author, data), 413, "VR_MAX_UPLOAD_MB")
    # streamed without a Content-Length: refused once the limit is passed
    sha = hashlib.sha256(data).hexdigest()
    chunks = (data[i : i + 65536] for i in range(0, len(data), 65536))
    response = http().put(
        f"{server.url}/api/content/blobs/{sha}", content=chunks, headers=auth(author)
    )
    refused(response, 413, "VR_MAX_UPLOAD_MB")
    assert missing(server, author, sha) == [sha]
    assert not list((server.data_dir / "blobs" / sha[:2]).glob(".upload-*"))


def test_refuses_a_manifest_naming_a_blob_never_uploaded(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    manifest = new_version(guarded, tiny_glb(seed=32))
    sha = manifest["glb"]["sha256"]
    refused(post_manifest(server, author, manifest), 422, sha, "has not been uploaded")


def test_refuses_a_manifest_whose_size_differs_from_the_blob(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    glb = tiny_glb(seed=33)
    assert put_blob(server, author, glb).status_code == 201
    manifest = new_version(guarded, glb)
    manifest["glb"]["size"] += 1
    refused(post_manifest(server, author, manifest), 422, str(len(glb)), str(len(glb) + 1))


def test_refuses_a_manifest_naming_another_file_as_the_model(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    """The manifest says the model is blob X, but X holds other bytes (here: a PNG)."""
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(64)
    assert put_blob(server, author, png).status_code == 201
    manifest = new_version(guarded, png)
    refused(post_manifest(server, author, manifest), 422, "pub-guard 1.1.0 is invalid")


def test_refuses_a_broken_model(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    broken = tiny_glb(seed=34)[:-100]  # cut short: the GLB's lengths no longer add up
    assert put_blob(server, author, broken).status_code == 201
    manifest = new_version(guarded, broken)
    refused(post_manifest(server, author, manifest), 422, "invalid", manifest["glb"]["path"])


def test_refuses_a_model_over_the_budget_profile(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    glb = glb_with_nodes("knife", "pan", "stove", "fire_exit", "spawn", *"abcde")  # 120 triangles
    assert put_blob(server, author, glb).status_code == 201
    response = post_manifest(server, author, new_version(guarded, glb))
    refused(response, 422, "BUDGET_TRIANGLES", "120 is over the tiny-headset budget of 100")


def test_refuses_a_model_without_the_nodes_the_script_names(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    glb = glb_with_nodes("spawn", "pan")
    assert put_blob(server, author, glb).status_code == 201
    response = post_manifest(server, author, new_version(guarded, glb))
    refused(response, 422, "SCRIPT_NODE_MISSING", "knife", "stove")


def test_refuses_an_invalid_manifest(
    server: ServerProcess, author: str, guarded: Path, unchanged: None
) -> None:
    manifest = new_version(guarded, tiny_glb(seed=31))
    manifest["scene"]["version"] = "1.1"
    refused(post_manifest(server, author, manifest), 422, "invalid manifest", "scene.version")
    manifest = new_version(guarded, tiny_glb(seed=31))
    del manifest["script"]
    refused(post_manifest(server, author, manifest), 422, "invalid manifest", "script")
    response = server.api(author, "POST", "/api/content/scenes", {"manifest": "not an object"})
    refused(response, 422, "manifest")


def test_refuses_a_published_version_with_other_content(
    server: ServerProcess, author: str, guarded: Path, unchanged: None, tmp_path: Path, capsys
) -> None:
    glb = tiny_glb(seed=35)
    assert put_blob(server, author, glb).status_code == 201
    refused(
        post_manifest(server, author, new_version(guarded, glb, version="1.0.0")),
        409,
        "pub-guard 1.0.0 exists already",
    )
    # the same through the CLI
    write_bundle(tmp_path, scene_id="pub-guard", version="1.0.0", glb=glb)
    status, report, _err = publish(capsys, server, author, str(tmp_path))
    assert status == 1
    assert report["ok"] is False
    assert "exists already" in report["results"][0]["error"]["message"]
    assert report["results"][0]["error"]["status"] == 409


def test_refuses_an_oversize_model(
    server: ServerProcess, author: str, guarded: Path, unchanged: None, tmp_path: Path, capsys
) -> None:
    big = os.urandom(int(MAX_MODEL_MB * 1024 * 1024) + 1)  # under the upload limit
    assert put_blob(server, author, big).status_code == 201
    refused(post_manifest(server, author, new_version(guarded, big)), 413, "VR_MAX_MODEL_MB")
    # the CLI learns the limit first and uploads nothing
    write_bundle(tmp_path, scene_id="pub-guard", version="1.2.0", glb=os.urandom(len(big)))
    status, report, _err = publish(capsys, server, author, str(tmp_path))
    assert status == 1
    assert report["uploaded"] == []
    assert "VR_MAX_MODEL_MB" in report["results"][0]["error"]["message"]


def test_cli_refuses_a_bundle_that_does_not_match_its_manifest_before_uploading(
    server: ServerProcess, author: str, guarded: Path, unchanged: None, tmp_path: Path, capsys
) -> None:
    bundle = write_bundle(tmp_path, scene_id="pub-guard", version="1.3.0", glb=tiny_glb(seed=36))
    manifest = manifest_of(bundle)
    path = bundle / manifest["glb"]["path"]
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size, one bit changed
    status, report, err = publish(capsys, server, author, str(tmp_path))
    assert status == 1
    assert "sha256" in report["results"][0]["error"]["message"]
    assert report["uploaded"] == []
    assert "not published" in err
    assert missing(server, author, manifest["glb"]["sha256"]) == [manifest["glb"]["sha256"]]


def test_cli_usage_errors(server: ServerProcess, author: str, tmp_path: Path, capsys) -> None:
    assert publish(capsys, server, author, str(tmp_path / "nowhere"))[0] == 2
    assert publish(capsys, server, author, str(tmp_path))[0] == 2  # no bundle in it
    write_bundle(tmp_path, scene_id="pub-usage")
    status, report, _err = cli(capsys, "publish", str(tmp_path), "--server", server.url)
    assert status == 2
    assert "VR_AUTHOR_TOKEN" in report["error"]


# ---------------------------------------------------------------- running sessions


async def reconnect(
    server: ServerProcess, creds: dict[str, str]
) -> tuple[RawSocket, dict[str, Any]]:
    sock = await welcomed(server, creds["device_id"], creds["device_token"])
    return sock, await sock.recv_type("assignment")


async def test_a_running_session_keeps_its_version(
    server: ServerProcess, author: str, token: str, code: str, tmp_path: Path, capsys
) -> None:
    old = server.api(token, "GET", "/api/catalog/test-kitchen/manifest").json()
    sock, creds, assignment = await headset_in_session(server, code, token)
    session_id = assignment["session_id"]
    assert assignment["manifest"] == old

    new_glb = tiny_glb(seed=41)
    new_version = "1.1.0" if old["scene"]["version"] == "1.0.0" else "9.0.0"
    write_bundle(tmp_path, scene_id="test-kitchen", version=new_version, glb=new_glb)
    status, report, err = publish(capsys, server, author, str(tmp_path))
    assert status == 0, err
    assert report["results"][0]["activated"] is True

    # the running session is still served, still on its version
    await ping_ok(sock)
    view = server.api(token, "GET", f"/api/sessions/{session_id}").json()
    assert (view["scene_version"], view["state"]) == (old["scene"]["version"], "running")
    # a reconnecting headset gets its session back with the old manifest ...
    await sock.close()
    sock, again = await reconnect(server, creds)
    assert again["session_id"] == session_id
    assert again["manifest"] == old
    # ... whose model it can still download
    old_sha = old["glb"]["sha256"]
    async with httpx.AsyncClient(headers=auth(creds["device_token"])) as client:
        asset = await client.get(f"{server.url}/assets/{old_sha}")
    assert asset.status_code == 200
    assert hashlib.sha256(asset.content).hexdigest() == old_sha
    await sock.close()

    # a new session starts on the new version
    sock2, _creds2, fresh = await headset_in_session(server, code, token)
    assert fresh["manifest"]["scene"]["version"] == new_version
    assert fresh["manifest"]["glb"]["sha256"] == hashlib.sha256(new_glb).hexdigest()
    await sock2.close()


# ---------------------------------------------------------------- credentials


ENDPOINTS: list[tuple[str, str, Any]] = [
    ("POST", "/api/content/blobs/missing", {"sha256": []}),
    ("PUT", "/api/content/blobs/" + "0" * 64, None),
    ("POST", "/api/content/scenes", {"manifest": {}}),
    ("GET", "/api/content/scenes/test-kitchen/versions", None),
    ("POST", "/api/content/scenes/test-kitchen/activate", {"version": "1.0.0"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_only_author_tokens_may_publish(
    server: ServerProcess, author: str, token: str, code: str, method: str, path: str, body: Any
) -> None:
    device = server.enroll(code, f"dev-publish-{method}-{len(path)}")["device_token"]
    url = server.url + path
    assert http().request(method, url, json=body).status_code == 401
    assert http().request(method, url, json=body, headers=auth("wrong")).status_code == 401
    assert http().request(method, url, json=body, headers=auth(token)).status_code == 403
    assert http().request(method, url, json=body, headers=auth(device)).status_code == 403
    assert http().request(method, url, json=body, headers=auth(author)).status_code not in (
        401,
        403,
    )


def test_an_author_login_token_publishes(server: ServerProcess) -> None:
    response = http().post(
        server.url + "/api/auth/login", json={"username": AUTHOR, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "author"
    assert missing(server, response.json()["token"], "0" * 64) == ["0" * 64]


def test_author_token_command_only_for_authors(server: ServerProcess) -> None:
    done = server.cli("author", "token", "staff")
    assert done.returncode == 1
    assert "not an enabled author or editor account" in done.stderr


def test_cli_exit_3_for_a_refused_token_or_no_server(
    server: ServerProcess, tmp_path: Path, capsys
) -> None:
    write_bundle(tmp_path, scene_id="pub-auth", glb=tiny_glb(seed=51))
    status, report, _err = publish(capsys, server, "wrong-token", str(tmp_path))
    assert status == 3
    assert "HTTP 401" in report["error"]
    staff = server.staff_token()
    status, report, _err = publish(capsys, server, staff, str(tmp_path))
    assert status == 3
    assert "HTTP 403" in report["error"]
    nowhere = f"http://127.0.0.1:{free_port()}"
    status, report, _err = cli(
        capsys, "publish", str(tmp_path), "--server", nowhere, "--token", "t"
    )
    assert status == 3
    assert "cannot reach the server" in report["error"]
    status, report, _err = cli(capsys, "versions", "pub-auth", "--server", nowhere, "--token", "t")
    assert status == 3


def test_only_the_owner_an_editor_or_an_admin_publish_and_activate_a_scene(
    server: ServerProcess, author: str, tmp_path: Path, capsys
) -> None:
    """Item 10 of issue 15: the first publisher owns a scene."""
    scene = "pub-owned"
    for version, seed in (("1.0.0", 61), ("2.0.0", 62), ("3.0.0", 63)):
        write_bundle(tmp_path / version, scene_id=scene, version=version, glb=tiny_glb(seed=seed))
    assert publish(capsys, server, author, str(tmp_path / "1.0.0"))[0] == 0
    server.create_staff("other-author", STAFF_PASSWORD, "author")
    other = server.staff_token("other-author", STAFF_PASSWORD)

    status, report, _err = publish(capsys, server, other, str(tmp_path / "2.0.0"))
    assert status == 3
    assert "HTTP 403" in report["error"]
    assert "belongs to another author" in report["error"]
    activate = f"/api/content/scenes/{scene}/activate"
    assert server.api(other, "POST", activate, {"version": "1.0.0"}).status_code == 403
    assert versions(server, author, scene)["active_version"] == "1.0.0"

    # the owner publishes and rolls back; an admin may too
    assert publish(capsys, server, author, str(tmp_path / "2.0.0"))[0] == 0
    assert server.api(author, "POST", activate, {"version": "1.0.0"}).status_code == 200
    admin = server.admin_token()
    assert server.api(admin, "POST", activate, {"version": "2.0.0"}).status_code == 200

    # an admin makes the other author an editor: it may publish every scene
    made = server.api(admin, "POST", "/api/admin/accounts/other-author/role", {"role": "editor"})
    assert made.json()["role"] == "editor"
    assert server.api(other, "GET", f"/api/content/scenes/{scene}/versions").status_code == 401
    editor = server.staff_token("other-author", STAFF_PASSWORD)
    assert publish(capsys, server, editor, str(tmp_path / "3.0.0"))[0] == 0
    assert server.api(editor, "POST", activate, {"version": "1.0.0"}).status_code == 200
    assert versions(server, author, scene)["active_version"] == "1.0.0"
