"""Deterministic GLB export, atomic writes, the thumbnail, and the `main` of every generator.

`export_glb` bakes the light into the builder's scene (`scenes.kit.bake`: vertex colours) and
writes it with trimesh (positions, normals, vertex colours, texture coordinates, materials and
PNG textures in one binary buffer), then adds what trimesh does not write:
KHR_lights_punctual lights and repeating texture samplers. The same scene gives the same bytes.

`main(argv, build)` is what `scenes/<id>/generate.py` runs: it writes the model to `argv[0]`
(default `scene.glb` next to the generator) and `thumbnail.png` next to the model, rendered from
the GLB bytes by `content_tools.render.render_thumbnail` (from the `thumbnail_camera` node,
else from `spawn`). Both files are replaced atomically; when the record beside the model
(`scenes.kit.inputs`) shows that nothing they are made from changed, `main` writes nothing
(the packager runs the generator on every packaging). `script_nodes(__file__)` gives the
`required` nodes: the ones scene.yaml's script uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from content_tools.files import write_atomic
from content_tools.glb import build_glb, parse_glb
from content_tools.source import load_scene_source
from scenes.kit.bake import bake_scene
from scenes.kit.builder import SceneBuilder
from scenes.kit.inputs import Record
from scenes.kit.shapes import trimesh
from scenes.kit.sound import Clip, write_sounds

__all__ = [
    "THUMBNAIL_NAME",
    "export_glb",
    "main",
    "render_thumbnail",
    "script_nodes",
]

THUMBNAIL_NAME = "thumbnail.png"
_REPEAT = 10497
_LINEAR = 9729
_LINEAR_MIPMAP_LINEAR = 9987
_ARRAY_BUFFER = 34962
_ELEMENT_ARRAY_BUFFER = 34963


def export_glb(builder: SceneBuilder, required: tuple[str, ...] = ()) -> bytes:
    """The builder's scene as GLB bytes (`required`: node names that must exist)."""
    scene = builder.finish(required)
    bake_scene(scene)
    raw = bytes(trimesh.exchange.gltf.export_glb(scene, include_normals=True))
    document, binary = parse_glb(raw, path=Path("scene.glb"))
    _add_samplers(document)
    _set_buffer_view_targets(document)
    _add_lights(document, builder)
    return build_glb(document, binary)


def _add_samplers(document: dict[str, Any]) -> None:
    textures = document.get("textures") or []
    if not textures:
        return
    document["samplers"] = [
        {
            "magFilter": _LINEAR,
            "minFilter": _LINEAR_MIPMAP_LINEAR,
            "wrapS": _REPEAT,
            "wrapT": _REPEAT,
        }
    ]
    for texture in textures:
        texture["sampler"] = 0


def _set_buffer_view_targets(document: dict[str, Any]) -> None:
    """Mark vertex and index buffer views as such (lets a GPU upload them directly)."""
    accessors = document.get("accessors", [])
    views = document.get("bufferViews", [])
    for mesh in document.get("meshes", []):
        for primitive in mesh["primitives"]:
            pairs = [(index, _ARRAY_BUFFER) for index in primitive["attributes"].values()]
            if "indices" in primitive:
                pairs.append((primitive["indices"], _ELEMENT_ARRAY_BUFFER))
            for accessor, target in pairs:
                view = accessors[accessor].get("bufferView")
                if view is not None:
                    views[view]["target"] = target


def _add_lights(document: dict[str, Any], builder: SceneBuilder) -> None:
    if not builder.lights:
        return
    index = {node.get("name"): i for i, node in enumerate(document["nodes"])}
    lights = []
    for number, light in enumerate(builder.lights):
        entry: dict[str, Any] = {
            "name": light.node,
            "type": light.kind,
            "color": [round(c / 255, 4) for c in light.color],
            "intensity": light.intensity,
        }
        if light.range_m is not None:
            entry["range"] = light.range_m
        if light.kind == "spot":
            entry["spot"] = {"innerConeAngle": 0.3, "outerConeAngle": 0.7}
        lights.append(entry)
        node = document["nodes"][index[light.node]]
        node.setdefault("extensions", {})["KHR_lights_punctual"] = {"light": number}
    document.setdefault("extensions", {})["KHR_lights_punctual"] = {"lights": lights}
    used = set(document.get("extensionsUsed", [])) | {"KHR_lights_punctual"}
    document["extensionsUsed"] = sorted(used)


def render_thumbnail(glb: bytes) -> bytes | None:
    """The scene's thumbnail (PNG bytes), or None when the renderer is not installed."""
    try:
        render: Any = importlib.import_module("content_tools.render")
    except ImportError:
        return None
    png = render.render_thumbnail(glb)
    return bytes(png)


def script_nodes(generator: str, *also: str) -> tuple[str, ...]:
    """The nodes a generator's model must have: those the scene's script uses (`scene.yaml`
    beside the `generator` file), its spawn point, and `also` (nodes the headset relies on)."""
    source = load_scene_source(Path(generator).resolve().parent)
    return tuple(sorted(source.script.referenced_nodes() | {source.spawn_node, *also}))


def main(
    argv: list[str],
    build: Callable[[], SceneBuilder],
    *,
    here: Path,
    required: tuple[str, ...] = (),
    sounds: Callable[[], Mapping[str, Clip]] | None = None,
) -> int:
    """Write the model to argv[0] (default `here/scene.glb`) and the thumbnail next to it, and
    each of `sounds()` as `sounds/<name>.ogg` beside them (scenes.kit.sound)."""
    out = Path(argv[0]) if argv else here / "scene.glb"
    record = Record(here, out)
    if record.up_to_date():
        print(f"{out} and the files beside it are up to date ({record.path.name})")
        return 0
    if sounds is not None:
        written = write_sounds(out.parent, sounds())
        print(f"wrote {len(written)} sounds ({sum(p.stat().st_size for p in written)} bytes)")
    data = export_glb(build(), required)
    write_atomic(out, data)
    print(f"wrote {out} ({len(data)} bytes)")
    png = render_thumbnail(data)
    if png is None:
        print("content_tools.render is not available: no thumbnail written")
    else:
        thumbnail = out.with_name(THUMBNAIL_NAME)
        write_atomic(thumbnail, png)
        print(f"wrote {thumbnail} ({len(png)} bytes)")
    record.write()
    return 0
