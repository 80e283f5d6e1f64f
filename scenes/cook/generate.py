"""Build `scene.glb` for the cook scene: a small Thai restaurant kitchen.

Run by the packager (`vr-content package scenes/cook`) with the scene folder as the working
directory; `python generate.py [OUTPUT]` writes OUTPUT (default: `scene.glb` next to this file).
The output is deterministic: the same trimesh and numpy give the same bytes.

Conventions (glTF): metres, +Y up, the visitor stands at the `spawn` node looking towards -Z,
at the counter along the back wall. Every node's origin is the centre of its base, so a node's
position is where it stands; nodes the session script uses keep the names listed in NODES.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import trimesh as _trimesh

# trimesh is only partly annotated (some functions are untyped): use it through Any.
trimesh: Any = _trimesh

FloatArray = npt.NDArray[np.float64]
RGBA = tuple[int, int, int, int]

COUNTER_TOP = 0.9  # height of the work surface (m)
COUNTER_FRONT = -1.55  # z of the counter's front edge
SPAWN_Z = COUNTER_FRONT + 1.5  # the visitor starts 1.5 m in front of the counter
CREASE_DEG = 40.0  # edges sharper than this are shaded flat

# Nodes the session script (scene.yaml) and the headset rely on.
NODES = (
    "spawn",
    "order_ticket",
    "sink",
    "sink_tap",
    "cutting_board",
    "knife",
    "chili",
    "garlic",
    "lime",
    "basil",
    "pork_bowl",
    "stove",
    "burner",
    "stove_knob",
    "wok",
    "spatula",
    "plate",
    "plate_target",
    "rice",
    "shelf",
    "fish_sauce",
    "oyster_sauce",
    "soy_sauce",
    "sugar",
    "chili_flakes",
)


def _material(
    name: str,
    rgba: RGBA,
    *,
    metallic: float = 0.0,
    roughness: float = 0.8,
    double_sided: bool = False,
    emissive: tuple[int, int, int] | None = None,
) -> Any:
    return trimesh.visual.material.PBRMaterial(
        name=name,
        baseColorFactor=rgba,
        metallicFactor=metallic,
        roughnessFactor=roughness,
        doubleSided=double_sided,
        emissiveFactor=None if emissive is None else [c / 255 for c in emissive],
    )


MATERIALS: dict[str, Any] = {
    "floor_tile": _material("floor_tile", (150, 146, 138, 255), roughness=0.7),
    "wall_paint": _material("wall_paint", (236, 228, 205, 255), roughness=0.9),
    "wall_tile": _material("wall_tile", (245, 247, 244, 255), roughness=0.3),
    "ceiling": _material("ceiling", (240, 240, 236, 255), roughness=0.95),
    "lamp": _material("lamp", (255, 250, 235, 255), roughness=0.5, emissive=(255, 244, 214)),
    "stainless": _material("stainless", (200, 203, 207, 255), metallic=0.9, roughness=0.35),
    "steel_dark": _material("steel_dark", (70, 72, 76, 255), metallic=0.8, roughness=0.45),
    "cast_iron": _material("cast_iron", (38, 38, 40, 255), metallic=0.7, roughness=0.55),
    "carbon_steel": _material(
        "carbon_steel", (52, 50, 48, 255), metallic=0.85, roughness=0.4, double_sided=True
    ),
    "knob_red": _material("knob_red", (190, 30, 28, 255), roughness=0.4),
    "lpg_red": _material("lpg_red", (196, 38, 30, 255), metallic=0.3, roughness=0.45),
    "wood": _material("wood", (166, 118, 72, 255), roughness=0.75),
    "wood_dark": _material("wood_dark", (88, 56, 34, 255), roughness=0.7),
    "chili_red": _material("chili_red", (214, 24, 18, 255), roughness=0.35),
    "stem_green": _material("stem_green", (70, 120, 40, 255), roughness=0.6),
    "basil_green": _material("basil_green", (46, 110, 38, 255), roughness=0.55),
    "lime_green": _material("lime_green", (120, 176, 48, 255), roughness=0.45),
    "garlic_white": _material("garlic_white", (236, 230, 214, 255), roughness=0.6),
    "pork": _material("pork", (214, 150, 140, 255), roughness=0.7),
    "ceramic": _material("ceramic", (248, 248, 246, 255), roughness=0.2),
    "rice": _material("rice", (250, 250, 244, 255), roughness=0.9),
    "paper": _material("paper", (252, 252, 248, 255), roughness=0.9),
    "fish_sauce": _material("fish_sauce", (150, 80, 20, 255), roughness=0.15),
    "oyster_sauce": _material("oyster_sauce", (60, 36, 22, 255), roughness=0.2),
    "soy_sauce": _material("soy_sauce", (40, 28, 20, 255), roughness=0.2),
    "cap_red": _material("cap_red", (200, 40, 30, 255), roughness=0.4),
    "cap_green": _material("cap_green", (40, 130, 60, 255), roughness=0.4),
    "cap_yellow": _material("cap_yellow", (230, 190, 40, 255), roughness=0.4),
    "sugar": _material("sugar", (244, 238, 222, 255), roughness=0.8),
    "chili_flakes": _material("chili_flakes", (170, 40, 20, 255), roughness=0.85),
}


# ---------------------------------------------------------------------------------------------
# Geometry helpers. Meshes are built in local coordinates around the node's origin.


def translate(x: float, y: float, z: float) -> FloatArray:
    matrix = np.eye(4)
    matrix[:3, 3] = (x, y, z)
    return matrix


def _rotation(axis: int, degrees: float) -> FloatArray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    matrix = np.eye(4)
    matrix[i, i], matrix[i, j], matrix[j, i], matrix[j, j] = c, -s, s, c
    return matrix


def rotate_x(degrees: float) -> FloatArray:
    return _rotation(0, degrees)


def rotate_y(degrees: float) -> FloatArray:
    return _rotation(1, degrees)


def box(size: tuple[float, float, float], base: tuple[float, float, float] = (0, 0, 0)) -> Any:
    """A box `size` (x, y, z) whose bottom face is centred on `base`."""
    x, y, z = base
    return trimesh.creation.box(extents=size, transform=translate(x, y + size[1] / 2, z))


def cylinder(radius: float, height: float, *, base_y: float = 0.0, sections: int = 20) -> Any:
    """A vertical cylinder standing on y = base_y."""
    return trimesh.creation.cylinder(
        radius=radius, segment=[(0, base_y, 0), (0, base_y + height, 0)], sections=sections
    )


def rod(start: tuple[float, float, float], end: tuple[float, float, float], radius: float) -> Any:
    return trimesh.creation.cylinder(radius=radius, segment=[start, end], sections=10)


def ellipsoid(radii: tuple[float, float, float], *, subdivisions: int = 2) -> Any:
    """An ellipsoid resting on y = 0."""
    mesh = trimesh.creation.icosphere(subdivisions=subdivisions, radius=1.0)
    mesh.apply_scale(radii)
    mesh.apply_translation((0, radii[1], 0))
    return mesh


def lathe(profile: list[tuple[float, float]], *, sections: int = 28) -> Any:
    """Revolve a (radius, height) profile around the Y axis."""
    mesh = trimesh.creation.revolve(np.asarray(profile, dtype=float), sections=sections)
    mesh.apply_transform(rotate_x(-90))  # trimesh revolves around Z; glTF is Y-up
    return mesh


def merge(*meshes: Any) -> Any:
    return trimesh.util.concatenate(list(meshes))


def crease_shaded(mesh: Any, crease_deg: float = CREASE_DEG) -> Any:
    """Split vertices along sharp edges and give every vertex a normal: smooth curved surfaces,
    flat faces on boxes. Deterministic and numpy-only (no scipy or networkx needed)."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    tri = vertices[faces]
    face_normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    lengths = np.linalg.norm(face_normals, axis=1)
    keep = lengths > 1e-12
    tri, face_normals = tri[keep], face_normals[keep] / lengths[keep, None]
    corners = tri.reshape(-1, 3)
    corner_face = np.repeat(np.arange(len(tri)), 3)
    _, group = np.unique(np.round(corners * 1e6).astype(np.int64), axis=0, return_inverse=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    normals = np.zeros_like(corners)
    limit = math.cos(math.radians(crease_deg))
    for members in np.split(order, bounds):
        fn = face_normals[corner_face[members]]
        similar = (fn @ fn.T) >= limit
        summed = similar.astype(np.float64) @ fn
        normals[members] = summed / np.linalg.norm(summed, axis=1, keepdims=True)
    key = np.round(np.hstack([corners * 1e6, normals * 1e4])).astype(np.int64)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    order_first = np.argsort(first, kind="stable")  # keep the original vertex order
    remap = np.empty_like(order_first)
    remap[order_first] = np.arange(len(order_first))
    new_index = remap[inverse.reshape(-1)]
    # Rounded so that tiny floating-point differences between machines rarely change the bytes.
    out_vertices = np.round(corners[first[order_first]], 6)
    out_normals = np.round(normals[first[order_first]], 5)
    return trimesh.Trimesh(
        vertices=out_vertices,
        faces=new_index.reshape(-1, 3),
        vertex_normals=out_normals,
        process=False,
    )


# ---------------------------------------------------------------------------------------------
# The kitchen


class Kitchen:
    """Collects named nodes into a trimesh scene."""

    def __init__(self) -> None:
        self.scene = trimesh.Scene()
        self._meshes: dict[str, Any] = {}

    def add(
        self,
        name: str,
        mesh: Any,
        material: str,
        transform: FloatArray,
        *,
        parent: str | None = None,
        mesh_name: str | None = None,
    ) -> None:
        """Add node `name` showing `mesh`; nodes sharing `mesh_name` share one glTF mesh."""
        key = f"{mesh_name}_{material}" if mesh_name else name
        transform = np.round(transform, 9)
        if key in self._meshes:  # another instance of a mesh: reference it, do not copy it
            self.scene.graph.update(
                frame_from=parent or self.scene.graph.base_frame,
                frame_to=name,
                matrix=transform,
                geometry=key,
            )
            return
        shaded = crease_shaded(mesh)
        shaded.visual = trimesh.visual.TextureVisuals(material=MATERIALS[material])
        self._meshes[key] = shaded
        self.scene.add_geometry(
            shaded, node_name=name, geom_name=key, parent_node_name=parent, transform=transform
        )

    def marker(self, name: str, transform: FloatArray, *, parent: str | None = None) -> None:
        """An empty node: a place, not a thing (spawn point, drop target)."""
        transform = np.round(transform, 9)
        self.scene.graph.update(
            frame_from=parent or self.scene.graph.base_frame, frame_to=name, matrix=transform
        )


def build_room(k: Kitchen) -> None:
    width, depth, height = 5.0, 4.0, 2.8
    back, front = -2.2, -2.2 + depth
    k.add(
        "floor", box((width, 0.02, depth), (0, -0.02, (back + front) / 2)), "floor_tile", np.eye(4)
    )
    k.add("wall_back", box((width, height, 0.05)), "wall_paint", translate(0, 0, back - 0.025))
    k.add("wall_front", box((width, height, 0.05)), "wall_paint", translate(0, 0, front + 0.025))
    k.add(
        "wall_left",
        box((0.05, height, depth)),
        "wall_paint",
        translate(-width / 2 - 0.025, 0, (back + front) / 2),
    )
    k.add(
        "wall_right",
        box((0.05, height, depth)),
        "wall_paint",
        translate(width / 2 + 0.025, 0, (back + front) / 2),
    )
    k.add("ceiling", box((width, 0.05, depth)), "ceiling", translate(0, height, (back + front) / 2))
    k.add("backsplash", box((3.8, 0.6, 0.01)), "wall_tile", translate(-0.1, COUNTER_TOP, back))
    k.add("ceiling_light", box((1.2, 0.04, 0.2)), "lamp", translate(0, height - 0.04, -1.2))
    k.marker("spawn", translate(0, 0, SPAWN_Z))


def build_counter(k: Kitchen) -> None:
    left, right, back = -2.0, 1.8, -2.2
    depth = COUNTER_FRONT - back
    mid_z = (back + COUNTER_FRONT) / 2
    k.add(
        "counter",
        box((right - left, COUNTER_TOP - 0.04, depth)),
        "stainless",
        translate((left + right) / 2, 0, mid_z),
    )
    # The top is four slabs around the sink's opening.
    sink_x, sink_w, sink_d, sink_z = -1.5, 0.5, 0.35, -1.875
    slab = 0.04
    top = merge(
        box(
            (sink_x - sink_w / 2 - left, slab, depth), ((left + sink_x - sink_w / 2) / 2, 0, mid_z)
        ),
        box(
            (right - sink_x - sink_w / 2, slab, depth),
            ((right + sink_x + sink_w / 2) / 2, 0, mid_z),
        ),
        box(
            (sink_w, slab, sink_z - sink_d / 2 - back),
            (sink_x, 0, (back + sink_z - sink_d / 2) / 2),
        ),
        box(
            (sink_w, slab, COUNTER_FRONT - sink_z - sink_d / 2),
            (sink_x, 0, (COUNTER_FRONT + sink_z + sink_d / 2) / 2),
        ),
    )
    k.add("counter_top", top, "stainless", translate(0, COUNTER_TOP - slab, 0))
    basin_depth, wall = 0.2, 0.01
    basin = merge(
        box((sink_w, wall, sink_d), (0, -basin_depth, 0)),
        box((wall, basin_depth, sink_d), (-sink_w / 2 + wall / 2, -basin_depth, 0)),
        box((wall, basin_depth, sink_d), (sink_w / 2 - wall / 2, -basin_depth, 0)),
        box((sink_w, basin_depth, wall), (0, -basin_depth, -sink_d / 2 + wall / 2)),
        box((sink_w, basin_depth, wall), (0, -basin_depth, sink_d / 2 - wall / 2)),
    )
    k.add("sink", basin, "steel_dark", translate(sink_x, COUNTER_TOP, sink_z))
    tap = merge(
        rod((0, 0, 0), (0, 0.32, 0), 0.012),
        rod((0, 0.32, 0), (0, 0.32, 0.16), 0.012),
        rod((0, 0.32, 0.16), (0, 0.27, 0.16), 0.01),
        box((0.08, 0.015, 0.02), (0, 0.2, 0.0)),
    )
    k.add("sink_tap", tap, "stainless", translate(sink_x, COUNTER_TOP, back + 0.09))
    k.add(
        "gas_tank",
        merge(cylinder(0.16, 0.55), cylinder(0.04, 0.08, base_y=0.55)),
        "lpg_red",
        translate(2.15, 0, -1.9),
    )


def build_prep_area(k: Kitchen) -> None:
    y = COUNTER_TOP
    k.add("cutting_board", cylinder(0.17, 0.035, sections=32), "wood", translate(-0.75, y, -1.85))
    # A Thai cleaver (มีดอีโต้): the blade is the node, its wooden handle a child.
    k.add(
        "knife",
        box((0.2, 0.004, 0.08), (0.1, 0, 0)),
        "steel_dark",
        translate(-0.47, y, -1.72) @ rotate_y(-20),
    )
    k.add(
        "knife_handle",
        box((0.11, 0.022, 0.026)),
        "wood_dark",
        translate(-0.055, 0, -0.02),
        parent="knife",
    )
    chili = merge(
        ellipsoid((0.034, 0.008, 0.008), subdivisions=1),
        rod((-0.034, 0.008, 0), (-0.046, 0.012, 0), 0.0025),
    )
    chilis = [(-1.05, -1.7, 10.0), (-1.02, -1.73, 40.0), (-1.09, -1.75, -25.0)]
    for index, (x, z, angle) in enumerate(chilis):
        name = "chili" if index == 0 else f"chili_{index + 1}"
        k.add(name, chili, "chili_red", translate(x, y, z) @ rotate_y(angle), mesh_name="chili")
    garlic = merge(ellipsoid((0.024, 0.021, 0.024)), rod((0, 0.04, 0), (0, 0.05, 0), 0.003))
    k.add("garlic", garlic, "garlic_white", translate(-1.08, y, -1.96), mesh_name="garlic")
    k.add("garlic_2", garlic, "garlic_white", translate(-1.0, y, -1.99), mesh_name="garlic")
    k.add("lime", ellipsoid((0.03, 0.027, 0.027)), "lime_green", translate(-0.98, y, -2.08))
    leaf = ellipsoid((0.022, 0.003, 0.011), subdivisions=1)
    leaves = merge(
        *(
            leaf.copy().apply_transform(
                translate(0.02 * math.cos(a), 0.006 * (i % 2), 0.02 * math.sin(a)) @ rotate_y(-a)
            )
            for i, a in enumerate(np.linspace(0, 2 * math.pi, 7, endpoint=False))
        )
    )
    k.add("basil", leaves, "basil_green", translate(-0.12, y, -1.7))
    bowl = lathe(
        [(0.0, 0.0), (0.05, 0.0), (0.075, 0.05), (0.07, 0.05), (0.045, 0.006), (0.0, 0.006)]
    )
    k.add("pork_bowl", bowl, "ceramic", translate(-0.2, y, -1.95))
    k.add(
        "minced_pork",
        ellipsoid((0.062, 0.018, 0.062)),
        "pork",
        translate(0, 0.012, 0),
        parent="pork_bowl",
    )


def build_stove(k: Kitchen) -> None:
    y = COUNTER_TOP
    k.add("stove", box((0.5, 0.12, 0.44)), "cast_iron", translate(0.45, y, -1.85))
    ring = merge(
        cylinder(0.06, 0.03, sections=20),
        *(
            box((0.16, 0.02, 0.015), (0, 0.03, 0)).apply_transform(rotate_y(a))
            for a in (0.0, 60.0, 120.0)
        ),
    )
    k.add("burner", ring, "steel_dark", translate(0, 0.12, 0), parent="stove")
    knob = merge(rod((0, 0, 0), (0, 0, 0.03), 0.025), box((0.008, 0.04, 0.01), (0, -0.02, 0.035)))
    k.add("stove_knob", knob, "knob_red", translate(0.16, 0.06, 0.22), parent="stove")
    k.add("range_hood", box((0.8, 0.3, 0.5)), "stainless", translate(0.45, 1.95, -1.95))
    radius, depth, wall = 0.18, 0.085, 0.004
    outer = [(radius * t, depth * t * t) for t in np.linspace(0, 1, 9)]
    inner = [(r * (1 - wall / radius), h + wall) for r, h in reversed(outer)]
    wok = merge(
        lathe([*outer, *inner], sections=32),
        rod((radius - 0.01, depth, 0), (radius + 0.2, depth + 0.05, 0), 0.008),
    )
    k.add("wok", wok, "carbon_steel", translate(1.1, y, -1.95) @ rotate_y(20))
    # A wok turner (ตะหลิว): steel head and shaft, wooden grip.
    spatula = merge(
        box((0.1, 0.003, 0.09), (0.05, 0.0, 0)),
        rod((0.1, 0.002, 0), (0.26, 0.02, 0), 0.006),
    )
    k.add("spatula", spatula, "steel_dark", translate(0.82, y, -1.66) @ rotate_y(-10))
    k.add(
        "spatula_handle",
        rod((0.26, 0.02, 0), (0.4, 0.036, 0), 0.011),
        "wood_dark",
        np.eye(4),
        parent="spatula",
    )


def build_pass(k: Kitchen) -> None:
    y = COUNTER_TOP
    plate = lathe(
        [(0.0, 0.0), (0.08, 0.0), (0.13, 0.02), (0.126, 0.022), (0.078, 0.005), (0.0, 0.005)],
        sections=36,
    )
    k.add("plate", plate, "ceramic", translate(1.5, y, -1.78))
    k.add(
        "rice",
        ellipsoid((0.055, 0.04, 0.05)),
        "rice",
        translate(-0.04, 0.004, 0.02),
        parent="plate",
    )
    k.marker("plate_target", translate(0.04, 0.01, -0.01), parent="plate")
    k.add("ticket_rail", box((0.6, 0.02, 0.03)), "stainless", translate(1.4, 1.45, -2.185))
    k.add("order_ticket", box((0.08, 0.12, 0.002)), "paper", translate(1.3, 1.33, -2.168))


def build_shelf(k: Kitchen) -> None:
    k.add("shelf", box((1.3, 0.03, 0.24)), "wood", translate(-0.75, 1.52, -2.08))
    for x in (-1.3, -0.2):
        k.add(
            f"shelf_bracket_{'left' if x < -1 else 'right'}",
            box((0.02, 0.15, 0.2)),
            "steel_dark",
            translate(x, 1.37, -2.1),
            mesh_name="shelf_bracket",
        )
    bottle = cylinder(0.035, 0.2)
    neck = cylinder(0.014, 0.06, base_y=0.2)
    cap = cylinder(0.016, 0.025, base_y=0.26)
    jar = cylinder(0.05, 0.1)
    jar_lid = cylinder(0.052, 0.02, base_y=0.1)
    on_shelf = 1.55
    shapes = {"bottle": (merge(bottle, neck), cap), "jar": (jar, jar_lid)}
    items = [  # node (and its material), shape, colour of the cap, x
        ("fish_sauce", "bottle", "cap_red", -1.25),
        ("oyster_sauce", "bottle", "cap_red", -1.1),
        ("soy_sauce", "bottle", "cap_green", -0.95),
        ("sugar", "jar", "cap_yellow", -0.72),
        ("chili_flakes", "jar", "cap_red", -0.5),
    ]
    for name, shape, cap_material, x in items:
        body, top = shapes[shape]
        k.add(name, body, name, translate(x, on_shelf, -2.07), mesh_name=shape)
        k.add(f"{name}_cap", top, cap_material, np.eye(4), parent=name, mesh_name=f"{shape}_cap")


def build() -> Any:
    kitchen = Kitchen()
    build_room(kitchen)
    build_counter(kitchen)
    build_prep_area(kitchen)
    build_stove(kitchen)
    build_pass(kitchen)
    build_shelf(kitchen)
    missing = set(NODES) - set(kitchen.scene.graph.nodes)
    if missing:
        raise RuntimeError(f"the kitchen lacks nodes the script relies on: {sorted(missing)}")
    return kitchen.scene


def export(scene: Any) -> bytes:
    return bytes(trimesh.exchange.gltf.export_glb(scene, include_normals=True))


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).with_name("scene.glb")
    data = export(build())
    write_atomic(out, data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
