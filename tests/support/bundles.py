"""Build small bundles for server tests, independent of the sample scenes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import trimesh

from content_tools.format import AssetRef, BundleManifest, Script, SoundCue, SoundTrigger
from tests.support.scripts import every_action_script, scene_meta

NODES = ("knife", "pan", "stove", "fire_exit")


def tiny_glb(seed: int = 0) -> bytes:
    scene = trimesh.Scene()
    for i, name in enumerate(NODES):
        box = trimesh.creation.box(extents=(0.2, 0.1 + 0.01 * seed, 0.3))
        box.apply_translation(np.array([i * 0.5, 1.0, -1.0]))
        scene.add_geometry(box, node_name=name, geom_name=f"{name}-mesh")
    spawn = trimesh.creation.box(extents=(0.01, 0.01, 0.01))
    scene.add_geometry(spawn, node_name="spawn", geom_name="spawn-mesh")
    data: bytes = scene.export(file_type="glb")
    return data


def write_bundle(
    out: Path,
    *,
    scene_id: str = "test-kitchen",
    version: str = "1.0.0",
    script: Script | None = None,
    glb: bytes | None = None,
    sounds: tuple[bytes, ...] = (),
    **meta: object,
) -> Path:
    """A bundle of the test scene; `meta` replaces fields of its metadata (`scene_meta`).
    `sounds`: Ogg files, each played at the stove from the session's start."""
    glb = glb if glb is not None else tiny_glb()
    sha = hashlib.sha256(glb).hexdigest()
    folder = out / f"{scene_id}-{version}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{sha}.glb").write_bytes(glb)
    refs = []
    for data in sounds:
        name = f"{hashlib.sha256(data).hexdigest()}.ogg"
        (folder / name).write_bytes(data)
        refs.append(AssetRef(sha256=name[:64], size=len(data), media_type="audio/ogg", path=name))
    script = script or every_action_script()
    if refs:
        start = [SoundTrigger(event="session_start")]
        cues = [
            SoundCue(id=f"sound{i}", file=ref.path, node="stove", start=start)
            for i, ref in enumerate(refs)
        ]
        script = script.model_copy(update={"sounds": cues})
    manifest = BundleManifest(
        scene=scene_meta(scene_id, version, **meta),
        script=script,
        glb=AssetRef(sha256=sha, size=len(glb), media_type="model/gltf-binary", path=f"{sha}.glb"),
        tool_version="test",
        sounds=refs,
    )
    (folder / "manifest.json").write_text(
        json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    )
    return folder
