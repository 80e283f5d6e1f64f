"""The headset app draws a scene packaged with KTX2 textures: three.js's KTX2Loader, its Basis
Universal transcoder served from /vendor/, and the textures on screen as they look with PNG
(sampled in screenshots: not black, and close to the PNG render pixel by pixel)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser

from content_tools.package import package_scene
from tests.conftest import SCENES_DIR
from tests.support.generated import generated_copy
from tests.support.harness import ServerProcess

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
def cook_glbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    scene = generated_copy(SCENES_DIR / "cook", tmp_path_factory.mktemp("cook"))
    out: dict[str, bytes] = {}
    for mode in ("keep", "ktx2"):
        result = package_scene(scene, tmp_path_factory.mktemp(mode), textures=mode)
        out[mode] = Path(result.glb_path).read_bytes()
    return out


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
