"""Scripts and manifests for the headset client tests (no server, no sample scenes needed)."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import yaml

from content_tools.format import AssetRef, BundleManifest, SceneSource, Script
from tests.support.scripts import question, scene_meta, step

ROOT = Path(__file__).resolve().parents[2]
COOK_SCENE = ROOT / "scenes" / "cook" / "scene.yaml"
T = {"th": "ข้อความ", "en": "Some narration for the visitor to hear"}


def every_kind_script() -> Script:
    """One step per action kind (continue, select, grab_place, look_at, quiz), with hints."""
    questions = [
        question(q, answer, T, "abc") for q, answer in (("q1", "a"), ("q2", "b"), ("q3", "c"))
    ]
    return Script.model_validate(
        {
            "steps": [
                step("intro", T, expected_s=10),
                step(
                    "pick-knife",
                    T,
                    highlight="knife",
                    action={"kind": "select", "node": "knife"},
                    hints=(4, 9),
                    expected_s=20,
                ),
                step(
                    "place-pan",
                    T,
                    action={"kind": "grab_place", "node": "pan", "target": "stove"},
                    hints=(6,),
                    expected_s=20,
                ),
                step(
                    "look-exit",
                    T,
                    action={"kind": "look_at", "node": "fire_exit", "dwell_s": 2},
                    hints=(5,),
                    expected_s=10,
                ),
                step(
                    "quiz",
                    T,
                    action={"kind": "quiz", "questions": questions},
                    hints=(12,),
                    expected_s=30,
                ),
            ]
        }
    )


def cook_script() -> Script:
    """The sample cook scene's script (the repository ships it: no silent stand-in)."""
    source = SceneSource.model_validate(yaml.safe_load(COOK_SCENE.read_text(encoding="utf-8")))
    return source.script


def fake_glb(size: int = 1_500_000, seed: int = 7) -> bytes:
    return b"glTF" + random.Random(seed).randbytes(size - 4)


def build_manifest(script: Script, glb: bytes) -> BundleManifest:
    sha = hashlib.sha256(glb).hexdigest()
    meta = scene_meta(summary=T, skills=[T], riasec=["R", "A"])
    return BundleManifest(
        scene=meta,
        script=script,
        glb=AssetRef(sha256=sha, size=len(glb), media_type="model/gltf-binary", path=f"{sha}.glb"),
        tool_version="test",
    )
