"""`/headset/` serves the WebXR app and `/vendor/...` an allow-list of npm files; nothing else."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.support.harness import ServerProcess
from tests.support.http import http


def test_the_app_is_served(server: ServerProcess) -> None:
    page = http().get(server.url + "/headset/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert '<script type="importmap">' in page.text
    redirect = http().get(server.url + "/headset?enroll=X")
    assert redirect.status_code == 307
    assert redirect.headers["location"] == "/headset/?enroll=X"
    module = http().get(server.url + "/headset/app.js")
    assert module.headers["content-type"].startswith("text/javascript")
    schema = http().get(server.url + "/headset/protocol.schema.json")
    assert schema.headers["content-type"] == "application/json"
    assert schema.json()["x-protocol-version"] == 1
    again = http().get(
        server.url + "/headset/app.js", headers={"If-None-Match": module.headers["etag"]}
    )
    assert again.status_code == 304


def test_every_import_resolves(server: ServerProcess) -> None:
    """The import map and every relative import of the app modules are served."""
    page = http().get(server.url + "/headset/").text
    importmap = json.loads(page.split('<script type="importmap">')[1].split("</script>")[0])
    for target in importmap["imports"].values():
        if not target.endswith("/"):
            response = http().head(server.url + target)
            assert response.status_code == 200, target
            assert response.headers["content-type"].startswith("text/javascript"), target
    names = {"app.js"}
    seen: set[str] = set()
    while names:
        name = names.pop()
        seen.add(name)
        source = http().get(f"{server.url}/headset/{name}")
        assert source.status_code == 200, name
        for found in re.findall(r"from '\./([\w.]+)'", source.text):
            if found not in seen:
                names.add(found)
    assert {"connection.js", "session.js", "xr.js", "loader.js", "lobby.js", "results.js"} <= seen
    for css in re.findall(r'href="(/vendor/[^"]+)"', page):
        assert http().get(server.url + css).status_code == 200
    font = http().get(
        server.url + "/vendor/@fontsource/noto-sans-thai/files/noto-sans-thai-thai-400-normal.woff2"
    )
    assert font.status_code == 200
    assert font.headers["content-type"] == "font/woff2"
    assert "max-age=86400" in font.headers["cache-control"]
    addon = http().get(server.url + "/vendor/three/examples/jsm/loaders/GLTFLoader.js")
    assert addon.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/three/build/%2e%2e/%2e%2e/%2e%2e/package.json",
        "/vendor/three/build/..%2f..%2f..%2fpackage.json",
        "/vendor/three/package.json",
        "/vendor/gltf-validator/package.json",
        "/vendor/three/build/..%5c..%5cpackage.json",
        "/vendor/%2e%2e/package.json",
        "/vendor/iwer/lib/index.js",
        "/headset/%2e%2e/client.py",
        "/headset/..%2f..%2fpyproject.toml",
        "/headset/%2fetc%2fpasswd",
        "/headset/missing.js",
        "/headset/.hidden",
    ],
)
def test_traversal_and_unlisted_files_are_refused(server: ServerProcess, path: str) -> None:
    with httpx.Client(base_url=server.url) as client:
        request = client.build_request("GET", path)
        request.url = request.url.copy_with(raw_path=path.encode())
        response = client.send(request)
    assert response.status_code == 404, path
