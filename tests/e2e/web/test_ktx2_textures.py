"""The headset app draws a scene packaged with KTX2 textures: three.js's KTX2Loader, its Basis
Universal transcoder served from /vendor/, and the textures on screen as they look with PNG
(sampled in screenshots: not black, and close to the PNG render pixel by pixel); and a visitor
on an emulated Quest 3 completes the KTX2-textured cook scene served by a kiosk server."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser

from content_tools.package import package_scene
from tests.conftest import SCENES_DIR
from tests.e2e.web.driver import Headset
from tests.e2e.web.test_headset_app import _colours, _enter_lobby, _pick, _play_to_the_end
from tests.support.generated import generated_copy
from tests.support.harness import ServerProcess, running_server

# Draw the scene from its spawn point on a canvas of its own, with the loader the app uses.
RENDER = """async ([glb]) => {
  const THREE = await import('three');
  const { createGltfLoader } = await import('/headset/xr.js');
  document.getElementById('probe')?.remove();
  const canvas = document.createElement('canvas');
  canvas.id = 'probe';
  canvas.style.cssText = 'position:fixed;left:0;top:0;width:320px;height:240px;z-index:99999';
  document.body.appendChild(canvas);
  const renderer = new THREE.WebGLRenderer({ canvas, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  renderer.setSize(320, 240, false);
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  const bytes = Uint8Array.from(atob(glb), (c) => c.charCodeAt(0));
  const gltf = await createGltfLoader(renderer).parseAsync(bytes.buffer, '');
  const scene = new THREE.Scene();
  scene.add(gltf.scene, new THREE.AmbientLight(0xffffff, 2.5));
  gltf.scene.updateMatrixWorld(true);
  const at = new THREE.Vector3();
  gltf.scene.getObjectByName('spawn').getWorldPosition(at);
  const camera = new THREE.PerspectiveCamera(75, 4 / 3, 0.05, 100);
  camera.position.set(at.x, at.y + 1.6, at.z);
  camera.lookAt(at.x, at.y + 0.9, at.z - 2);
  const maps = new Set();
  gltf.scene.traverse((o) => { if (o.isMesh && o.material.map) maps.add(o.material.map); });
  renderer.render(scene, camera);
  return {
    maps: maps.size,
    compressed: [...maps].filter((t) => t.isCompressedTexture).length,
    srgb: [...maps].filter((t) => t.colorSpace === THREE.SRGBColorSpace).length,
  };
}"""


@pytest.fixture(scope="module")
def cook_bundles(tmp_path_factory: pytest.TempPathFactory, ktx2_cache: Path) -> dict[str, Path]:
    """The cook scene packaged with PNG textures and with KTX2 (through the run's cache):
    mode -> its bundle folder's parent (a content folder holding that one bundle)."""
    scene = generated_copy(SCENES_DIR / "cook", tmp_path_factory.mktemp("cook"))
    out: dict[str, Path] = {}
    for mode in ("keep", "ktx2"):
        dist = tmp_path_factory.mktemp(mode)
        package_scene(scene, dist, textures=mode, ktx2_cache=ktx2_cache)
        out[mode] = dist
    return out


@pytest.fixture(scope="module")
def cook_glbs(cook_bundles: dict[str, Path]) -> dict[str, bytes]:
    return {mode: next(dist.glob("*/*.glb")).read_bytes() for mode, dist in cook_bundles.items()}


@pytest.fixture(scope="module")
def ktx2_kiosk(
    tmp_path_factory: pytest.TempPathFactory, cook_bundles: dict[str, Path]
) -> Iterator[ServerProcess]:
    """A kiosk server whose one scene is the cook scene with KTX2 textures."""
    with running_server(
        tmp_path_factory.mktemp("server"), [cook_bundles["ktx2"]], self_service="true"
    ) as proc:
        yield proc


def _draw(browser: Browser, url: str, glb: bytes) -> tuple[dict[str, Any], np.ndarray]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url + "/headset/")
        result = page.evaluate(RENDER, [base64.b64encode(glb).decode()])
        shot = page.locator("#probe").screenshot()
    finally:
        page.close()
    assert errors == []
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=np.float64)
    return result, pixels


def test_the_app_draws_ktx2_textures_like_the_png_ones(
    browser: Browser, server: ServerProcess, cook_glbs: dict[str, bytes]
) -> None:
    png_info, png_pixels = _draw(browser, server.url, cook_glbs["keep"])
    ktx2_info, ktx2_pixels = _draw(browser, server.url, cook_glbs["ktx2"])
    assert len(cook_glbs["ktx2"]) < len(cook_glbs["keep"])
    assert png_info["maps"] == ktx2_info["maps"] > 0
    assert png_info["compressed"] == 0
    assert ktx2_info["compressed"] == ktx2_info["maps"]  # every map came through KTX2Loader
    assert ktx2_info["srgb"] == ktx2_info["maps"]  # base colours: sRGB, as the PNGs
    # textures on screen: not black, not one flat colour
    assert ktx2_pixels.mean() > 40
    assert ktx2_pixels.std() > 10
    # and the same picture as with PNG, up to the codec's loss
    difference = np.abs(ktx2_pixels - png_pixels)
    # (measured: mean 0.7, 99th percentile 4 of 255; black or missing textures give tens)
    assert difference.mean() < 3, difference.mean()
    assert np.percentile(difference, 99) < 24


@pytest.mark.slow
def test_a_visitor_completes_the_ktx2_scene(browser: Browser, ktx2_kiosk: ServerProcess) -> None:
    """The app's own loading path (XRView.loadScene with its renderer's KTX2Loader)."""
    headset = Headset(browser, ktx2_kiosk.url)
    try:
        _enter_lobby(headset, ktx2_kiosk.enrollment_code())
        _pick(headset, "cook")
        assert _colours(headset.page.screenshot()) > 200, "the headset view looks blank"
        result = _play_to_the_end(headset)
        assert result["result"]["percent"] == 100.0
        assert not headset.state()["errors"]
    finally:
        headset.close()
