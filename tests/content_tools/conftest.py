"""Fixtures for the content tools tests: a tiny scene built in a temporary folder, and the
cook scene built and packaged once per test session (in process: no generator subprocess)."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from content_tools.glb import build_glb
from content_tools.package import PackageResult, package_scene
from tests.support.generated import generated_copy

REPO = Path(__file__).resolve().parents[2]
COOK_DIR = REPO / "scenes" / "cook"

MINI_NODES = ("spawn", "button", "cup", "tray", "sign")

# A small but complete scene.yaml whose script uses every kind of action.
MINI_SCENE_YAML = """\
id: mini
version: 0.1.0
title: {th: ฉากทดสอบ, en: Test scene}
summary: {th: ฉากเล็ก ๆ สำหรับการทดสอบ, en: A small scene for tests}
isco08: "5120"
riasec: [R]
skills:
  - {th: ทดสอบ, en: Testing}
duration_min: 4
job_search_url: "https://example.org/jobs?isco={isco08}&q={query}"
job_query: {th: ทดสอบ, en: test}
model: scene.glb
script:
  steps:
    - id: start
      title: {th: เริ่ม, en: Start}
      narration: {th: ยินดีต้อนรับ, en: Welcome}
    - id: press
      title: {th: กดปุ่ม, en: Press}
      narration: {th: กดปุ่ม, en: Press the button}
      action: {kind: select, node: button}
    - id: move
      title: {th: ย้ายแก้ว, en: Move}
      narration: {th: วางแก้วบนถาด, en: Put the cup on the tray}
      action: {kind: grab_place, node: cup, target: tray, tolerance_m: 0.2}
    - id: look
      title: {th: ดูป้าย, en: Look}
      narration: {th: มองป้าย, en: Look at the sign}
      action: {kind: look_at, node: sign}
    - id: quiz
      title: {th: คำถาม, en: Quiz}
      narration: {th: ตอบคำถาม, en: Answer}
      action:
        kind: quiz
        questions:
          - id: q1
            prompt: {th: ข้อไหนถูก, en: "Which is right?"}
            choices:
              - {id: a, text: {th: ก, en: A}}
              - {id: b, text: {th: ข, en: B}}
            answer: a
"""


def scene_of_nodes(node_names: Sequence[str], meshes: int) -> dict[str, Any]:
    """A test glTF document's asset, scene and nodes: one scene of all the nodes, the first
    `meshes` of them carrying meshes 0, 1, ... in order."""
    return {
        "asset": {"version": "2.0", "generator": "tests"},
        "scene": 0,
        "scenes": [{"nodes": list(range(len(node_names)))}],
        "nodes": [
            {"name": name, "mesh": index} if index < meshes else {"name": name}
            for index, name in enumerate(node_names)
        ],
    }


def unit_square_positions(count: int) -> dict[str, Any]:
    """The POSITION accessor (buffer view 0) of `count` points in the unit square at z = 0."""
    return {
        "bufferView": 0,
        "componentType": 5126,
        "count": count,
        "type": "VEC3",
        "min": [0, 0, 0],
        "max": [1, 1, 0],
    }


def tiny_gltf(node_names: Sequence[str]) -> tuple[dict[str, Any], bytes]:
    """A glTF document with one triangle on the first node, plus its binary buffer."""
    positions = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
    document: dict[str, Any] = {
        **scene_of_nodes(node_names, meshes=1),
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "accessors": [unit_square_positions(3)],
        "bufferViews": [{"buffer": 0, "byteLength": len(positions)}],
        "buffers": [{"byteLength": len(positions)}],
    }
    return document, positions


MakeScene = Callable[..., Path]


@pytest.fixture
def make_scene(tmp_path: Path) -> MakeScene:
    """Create a scene folder with MINI_SCENE_YAML (or `yaml_text`) and a tiny GLB model."""

    def make(
        name: str = "mini",
        *,
        nodes: Sequence[str] = MINI_NODES,
        yaml_text: str = MINI_SCENE_YAML,
        model: bytes | None = None,
    ) -> Path:
        scene_dir = tmp_path / name
        scene_dir.mkdir()
        (scene_dir / "scene.yaml").write_text(yaml_text, encoding="utf-8")
        if model is None:
            document, binary = tiny_gltf(nodes)
            model = build_glb(document, binary)
        (scene_dir / "scene.glb").write_bytes(model)
        return scene_dir

    return make


@pytest.fixture(scope="session")
def cook_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the cook scene with its model and thumbnail built once per session, in
    process, and no generator line: packaging it runs no subprocess
    (tests/support/generated.py)."""
    return generated_copy(COOK_DIR, tmp_path_factory.mktemp("cook-static"))


@pytest.fixture(scope="session")
def cook_bundle(cook_static: Path, tmp_path_factory: pytest.TempPathFactory) -> PackageResult:
    """The cook scene, packaged once for the session."""
    return package_scene(cook_static, tmp_path_factory.mktemp("cook-dist"))


@pytest.fixture
def gltf_parts() -> Callable[[Sequence[str]], tuple[dict[str, Any], bytes]]:
    """`tiny_gltf` for tests that build their own model files."""
    return tiny_gltf


@pytest.fixture
def cook_dir() -> Path:
    return COOK_DIR


@pytest.fixture
def mini_yaml() -> str:
    """The text of the tiny scene's scene.yaml."""
    return MINI_SCENE_YAML
