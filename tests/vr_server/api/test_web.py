"""`/vendor/`: the files three.js's loaders fetch at run time are served with the media types
browsers require (WebAssembly is compiled by streaming only as application/wasm)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from vr_server.api import web
from vr_server.errors import NotFound


def _client() -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(web.router)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("three/examples/jsm/libs/basis/basis_transcoder.js", "text/javascript; charset=utf-8"),
        ("three/examples/jsm/libs/basis/basis_transcoder.wasm", "application/wasm"),
        ("three/examples/jsm/loaders/KTX2Loader.js", "text/javascript; charset=utf-8"),
        ("three/examples/jsm/libs/draco/gltf/draco_decoder.wasm", "application/wasm"),
    ],
)
async def test_the_transcoders_are_served_with_their_media_types(
    path: str, media_type: str
) -> None:
    async with _client() as client:
        response = await client.get("/vendor/" + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (web.NODE_MODULES / path).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "three/examples/jsm/libs/basis/README.md",  # not a served type
        "ktx2-encoder/dist/basis/basis_encoder.wasm",  # the packager's encoder: not a vendor
    ],
)
async def test_the_transcoders_neighbours_are_not(path: str) -> None:
    """(The server's error handler turns NotFound into 404: tests/e2e/web/test_serving.py.)"""
    async with _client() as client:
        with pytest.raises(NotFound):
            await client.get("/vendor/" + path)
