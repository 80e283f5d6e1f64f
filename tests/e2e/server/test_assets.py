"""`/assets/{sha256}`: immutable content-addressed files with ETag, 304 and single ranges; and
the catalog import that guarantees a URL never serves two different byte strings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest

from tests.support.bundles import tiny_glb, write_bundle
from tests.support.harness import ServerProcess
from tests.support.http import http


@pytest.fixture(scope="module")
def glb(server: ServerProcess, token: str) -> tuple[str, bytes]:
    scene = server.api(token, "GET", "/api/catalog/test-kitchen").json()
    data = tiny_glb()
    assert scene["glb_sha256"] == hashlib.sha256(data).hexdigest()
    return scene["glb_sha256"], data


def get(server: ServerProcess, token: str, sha: str, **headers: str) -> httpx.Response:
    return http().get(
        f"{server.url}/assets/{sha}", headers={"Authorization": f"Bearer {token}", **headers}
    )


def test_full_download_with_cache_headers(server, token, glb) -> None:
    sha, data = glb
    response = get(server, token, sha)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["etag"] == f'"{sha}"'
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["content-type"] == "model/gltf-binary"
    assert response.headers["accept-ranges"] == "bytes"


def test_head_gives_headers_without_body(server, token, glb) -> None:
    sha, data = glb
    response = http().head(
        f"{server.url}/assets/{sha}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["etag"] == f'"{sha}"'
    assert response.content == b""


def test_if_none_match_gives_304(server, token, glb) -> None:
    sha, _ = glb
    response = get(server, token, sha, **{"If-None-Match": f'"{sha}"'})
    assert response.status_code == 304
    assert response.content == b""
    other = get(server, token, sha, **{"If-None-Match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, None),
        ("bytes=-50", -50, None),
        ("bytes=10-10", 10, 10),
        ("bytes=0-999999999", 0, None),
    ],
)
def test_single_ranges_give_206(server, token, glb, header, start, end) -> None:
    sha, data = glb
    response = get(server, token, sha, Range=header)
    assert response.status_code == 206
    expected = data[start:] if end is None else data[start : end + 1]
    assert response.content == expected
    first = start if start >= 0 else len(data) + start
    assert (
        response.headers["content-range"]
        == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    )


def test_unsatisfiable_range_gives_416(server, token, glb) -> None:
    sha, data = glb
    response = get(server, token, sha, Range=f"bytes={len(data)}-")
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(data)}"


def test_if_range_with_another_etag_gives_the_whole_file(server, token, glb) -> None:
    sha, data = glb
    response = get(server, token, sha, Range="bytes=0-9", **{"If-Range": '"old"'})
    assert (response.status_code, response.content) == (200, data)


def test_unknown_and_malformed_names_give_404(server, token) -> None:
    assert get(server, token, "0" * 64).status_code == 404
    assert get(server, token, "../../etc/passwd").status_code == 404
    assert get(server, token, "A" * 64).status_code == 404


def test_tampered_bundle_is_refused_and_nothing_changes(server, token, glb, tmp_path: Path) -> None:
    sha, _ = glb
    folder = write_bundle(tmp_path, scene_id="test-kitchen", version="9.9.9")
    manifest = json.loads((folder / "manifest.json").read_text())
    glb_file = folder / manifest["glb"]["path"]
    glb_file.write_bytes(glb_file.read_bytes()[:-4] + b"EVIL")  # bytes no longer match the sha
    done = server.cli("import", str(folder))
    assert done.returncode == 1
    assert "sha256" in done.stderr
    scene = server.api(token, "GET", "/api/catalog/test-kitchen").json()
    assert (scene["version"], scene["glb_sha256"]) == ("1.0.0", sha)
    assert "9.9.9" not in scene["versions"]


def test_same_version_with_other_content_is_refused(server, token, tmp_path: Path) -> None:
    write_bundle(tmp_path, scene_id="test-kitchen", version="1.0.0", glb=tiny_glb(seed=7))
    done = server.cli("import", str(tmp_path))
    assert done.returncode == 1
    assert "exists already with other content" in done.stderr
    scene = server.api(token, "GET", "/api/catalog/test-kitchen").json()
    assert scene["glb_sha256"] == hashlib.sha256(tiny_glb()).hexdigest()
