"""Build `scene.glb` for the cook scene: a small Thai restaurant kitchen.

Run by the packager (`vr-content package scenes/cook`) with the scene folder as the working
directory; `python generate.py [OUTPUT]` writes OUTPUT (default: `scene.glb` next to this file).
It also writes `thumbnail.png` next to the model. The shapes, materials, room and export come
from the shared builder kit `scenes.kit`. The output is deterministic: the same trimesh, numpy
and Pillow give the same bytes.

Conventions (glTF): metres, +Y up, the visitor stands at the `spawn` node looking towards -Z,
at the counter along the back wall. Every node's origin is the centre of its base, so a node's
position is where it stands; nodes the session script uses keep the names listed in NODES.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from its own folder: make `scenes` importable
    sys.path.insert(0, str(ROOT))

from scenes.kit.builder import SceneBuilder  # noqa: E402
from scenes.kit.export import main  # noqa: E402
from scenes.kit.furniture import table  # noqa: E402
from scenes.kit.materials import Material, brushed_metal, tiles, wood_grain  # noqa: E402
from scenes.kit.room import Room, ceiling_lights, room_materials  # noqa: E402
from scenes.kit.shapes import (  # noqa: E402
    box,
    cylinder,
    ellipsoid,
    lathe,
    look_at,
    merge,
    rod,
    rotate_y,
    translate,
)

COUNTER_TOP = 0.9  # height of the work surface (m)
COUNTER_FRONT = -1.55  # z of the counter's front edge
SPAWN_Z = COUNTER_FRONT + 1.5  # the visitor starts 1.5 m in front of the counter

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


def _plain(
    name: str,
    rgba: tuple[int, int, int, int],
    *,
    metallic: float = 0.0,
    roughness: float = 0.8,
    double_sided: bool = False,
) -> Material:
    return Material(name, rgba, metallic=metallic, roughness=roughness, double_sided=double_sided)


WHITE = (255, 255, 255, 255)
MATERIALS: dict[str, Material] = {
    **room_materials(
        floor=Material(
            "floor_tile",
            WHITE,
            roughness=0.7,
            texture=tiles((156, 150, 140), (104, 100, 94), count=4, size=256, seed=1),
            tile_m=1.2,
        ),
        wall=_plain("wall_paint", (236, 228, 205, 255), roughness=0.9),
    ),
    "wall_tile": Material(
        "wall_tile",
        WHITE,
        roughness=0.3,
        texture=tiles((246, 248, 245), (200, 204, 204), count=8, size=256, seed=2, grout_px=2),
        tile_m=0.8,
    ),
    "stainless": Material(
        "stainless",
        WHITE,
        metallic=0.9,
        roughness=0.35,
        texture=brushed_metal((204, 207, 211), seed=3),
        tile_m=0.6,
    ),
    "steel_dark": _plain("steel_dark", (70, 72, 76, 255), metallic=0.8, roughness=0.45),
    "cast_iron": _plain("cast_iron", (38, 38, 40, 255), metallic=0.7, roughness=0.55),
    "carbon_steel": _plain(
        "carbon_steel", (52, 50, 48, 255), metallic=0.85, roughness=0.4, double_sided=True
    ),
    "knob_red": _plain("knob_red", (190, 30, 28, 255), roughness=0.4),
    "lpg_red": _plain("lpg_red", (196, 38, 30, 255), metallic=0.3, roughness=0.45),
    "wood": Material(
        "wood",
        WHITE,
        roughness=0.75,
        texture=wood_grain((184, 134, 84), (136, 92, 52), size=128, seed=4),
        tile_m=0.5,
    ),
    "wood_dark": _plain("wood_dark", (88, 56, 34, 255), roughness=0.7),
    "chili_red": _plain("chili_red", (214, 24, 18, 255), roughness=0.35),
    "basil_green": _plain("basil_green", (46, 110, 38, 255), roughness=0.55),
    "lime_green": _plain("lime_green", (120, 176, 48, 255), roughness=0.45),
    "garlic_white": _plain("garlic_white", (236, 230, 214, 255), roughness=0.6),
    "pork": _plain("pork", (214, 150, 140, 255), roughness=0.7),
    "ceramic": _plain("ceramic", (248, 248, 246, 255), roughness=0.2),
    "rice": _plain("rice", (250, 250, 244, 255), roughness=0.9),
    "paper": _plain("paper", (252, 252, 248, 255), roughness=0.9),
    "fish_sauce": _plain("fish_sauce", (150, 80, 20, 255), roughness=0.15),
    "oyster_sauce": _plain("oyster_sauce", (60, 36, 22, 255), roughness=0.2),
    "soy_sauce": _plain("soy_sauce", (40, 28, 20, 255), roughness=0.2),
    "cap_red": _plain("cap_red", (200, 40, 30, 255), roughness=0.4),
    "cap_green": _plain("cap_green", (40, 130, 60, 255), roughness=0.4),
    "cap_yellow": _plain("cap_yellow", (230, 190, 40, 255), roughness=0.4),
    "sugar": _plain("sugar", (244, 238, 222, 255), roughness=0.8),
    "chili_flakes": _plain("chili_flakes", (170, 40, 20, 255), roughness=0.85),
}


# ---------------------------------------------------------------------------------------------
# The kitchen


def build_room(k: SceneBuilder) -> None:
    width, depth, height = 5.0, 4.0, 2.8
    back = -2.2
    Room(width, depth, height, center_z=back + depth / 2).build(k)
    k.static(box((3.8, 0.6, 0.01)), "wall_tile", translate(-0.1, COUNTER_TOP, back))
    ceiling_lights(k, [(0, -1.2), (0, 0.6)], height)
    k.marker("spawn", translate(0, 0, SPAWN_Z))
    k.marker("thumbnail_camera", look_at((1.1, 1.7, 0.5), (-0.3, 1.0, -1.9)))


def build_counter(k: SceneBuilder) -> None:
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
    k.static(
        merge(cylinder(0.16, 0.55), cylinder(0.04, 0.08, base_y=0.55)),
        "lpg_red",
        translate(2.15, 0, -1.9),
    )


def build_prep_area(k: SceneBuilder) -> None:
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


def build_stove(k: SceneBuilder) -> None:
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
    k.static(box((0.8, 0.3, 0.5)), "stainless", translate(0.45, 1.95, -1.95))
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


def build_pass(k: SceneBuilder) -> None:
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
    k.static(box((0.6, 0.02, 0.03)), "stainless", translate(1.4, 1.45, -2.185))
    k.add("order_ticket", box((0.08, 0.12, 0.002)), "paper", translate(1.3, 1.33, -2.168))


def build_shelf(k: SceneBuilder) -> None:
    k.add("shelf", box((1.3, 0.03, 0.24)), "wood", translate(-0.75, 1.52, -2.08))
    for x in (-1.3, -0.2):
        k.static(box((0.02, 0.15, 0.2)), "steel_dark", translate(x, 1.37, -2.1))
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


def build_fittings(k: SceneBuilder) -> None:
    """Scenery that makes it a working restaurant kitchen: a fridge, a prep table with a rice
    cooker and stacked plates, pots and ladles on a rail, a bin."""
    k.static_parts(
        [
            ("stainless", box((0.7, 1.9, 0.7))),
            ("steel_dark", rod((0.28, 0.9, 0.37), (0.28, 1.6, 0.37), 0.012)),
            ("steel_dark", box((0.66, 0.01, 0.01), (0, 1.2, 0.355))),
        ],
        translate(-2.05, 0, -0.45) @ rotate_y(90),
    )
    k.static_parts(
        table(0.9, 0.6, COUNTER_TOP, top="stainless", legs="steel_dark", undershelf=True),
        translate(2.1, 0, -0.4) @ rotate_y(90),
    )
    cooker = merge(
        lathe([(0.0, 0.0), (0.2, 0.0), (0.21, 0.28), (0.0, 0.28)], sections=36),
        lathe([(0.0, 0.28), (0.2, 0.28), (0.14, 0.34), (0.0, 0.35)], sections=36),
    )
    k.static(cooker, "stainless", translate(2.1, COUNTER_TOP, -0.55))
    k.static(
        box((0.06, 0.03, 0.02), (0, 0.12, 0.2)), "knob_red", translate(2.1, COUNTER_TOP, -0.55)
    )
    plate = lathe([(0.0, 0.0), (0.08, 0.0), (0.12, 0.018), (0.0, 0.012)], sections=32)
    for i in range(8):
        k.static(plate, "ceramic", translate(2.1, COUNTER_TOP + 0.018 * i, -0.1))
    k.static(rod((-1.9, 1.75, -2.17), (-0.3, 1.75, -2.17), 0.01), "stainless")
    ladle = merge(
        rod((0, 0, 0), (0, -0.3, 0), 0.005),
        lathe([(0.0, -0.34), (0.04, -0.34), (0.045, -0.3), (0.0, -0.32)], sections=20),
    )
    for i in range(4):
        k.static(ladle, "stainless", translate(-1.8 + 0.14 * i, 1.75, -2.15))
    pot = lathe([(0.0, 0.0), (0.14, 0.0), (0.15, 0.2), (0.14, 0.2), (0.13, 0.01), (0.0, 0.01)])
    k.static(pot, "stainless", translate(0.45, 1.95 + 0.3, -1.95))
    k.static(
        lathe([(0.0, 0.0), (0.16, 0.0), (0.19, 0.55), (0.18, 0.55), (0.15, 0.02), (0.0, 0.02)]),
        "cast_iron",
        translate(-1.6, 0, -1.1),
    )


def build() -> SceneBuilder:
    kitchen = SceneBuilder(MATERIALS)
    build_room(kitchen)
    build_counter(kitchen)
    build_prep_area(kitchen)
    build_stove(kitchen)
    build_pass(kitchen)
    build_shelf(kitchen)
    build_fittings(kitchen)
    return kitchen


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], build, here=Path(__file__).parent, required=NODES))
