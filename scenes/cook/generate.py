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

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

COUNTER_TOP = 0.9  # height of the work surface (m)
ARC = np.linspace(0, math.pi / 2, 9)  # a quarter turn in eight steps (bends of tubes)
COUNTER_FRONT = -1.55  # z of the counter's front edge
SPAWN_Z = COUNTER_FRONT + 1.5  # the visitor starts 1.5 m in front of the counter

NODES = kit.script_nodes(
    __file__,
    "sink",
    "garlic",
    "lime",
    "pork_bowl",
    "stove",
    "rice",
    "shelf",
    "oyster_sauce",
    "soy_sauce",
    "sugar",
    "chili_flakes",
)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(
        MATERIALS,
        build_room,
        build_counter,
        build_prep_area,
        build_stove,
        build_pass,
        build_shelf,
        build_fittings,
        kit.signs(SIGNS),
    )


FLOOR_TILE_TEX = kit.tiles((156, 150, 140), (104, 100, 94), count=4, size=256, seed=1)
WALL_TILE_TEX = kit.tiles((246, 248, 245), (200, 204, 204), count=8, size=256, seed=2, grout_px=2)
STAINLESS_TEX = kit.brushed_metal((204, 207, 211), seed=3)
WOOD_TEX = kit.wood_grain((184, 134, 84), (136, 92, 52), size=128, seed=4)

MATERIALS: dict[str, kit.Material] = {
    **kit.room_materials(
        floor=kit.textured("floor_tile", FLOOR_TILE_TEX, tile_m=1.2, roughness=0.7),
        wall=kit.plain("wall_paint", (236, 228, 205), roughness=0.9),
    ),
    "wall_tile": kit.textured("wall_tile", WALL_TILE_TEX, tile_m=0.8, roughness=0.3),
    "stainless": kit.textured("stainless", STAINLESS_TEX, tile_m=0.6, metallic=0.9, roughness=0.35),
    "steel_dark": kit.plain("steel_dark", (70, 72, 76), metallic=0.8, roughness=0.45),
    "cast_iron": kit.plain("cast_iron", (38, 38, 40), metallic=0.7, roughness=0.55),
    "carbon_steel": kit.plain(
        "carbon_steel", (52, 50, 48), metallic=0.85, roughness=0.4, double_sided=True
    ),
    "knob_red": kit.plain("knob_red", (190, 30, 28), roughness=0.4),
    "lpg_red": kit.plain("lpg_red", (196, 38, 30), metallic=0.3, roughness=0.45),
    "wood": kit.textured("wood", WOOD_TEX, tile_m=0.5, roughness=0.75),
    "wood_dark": kit.plain("wood_dark", (88, 56, 34), roughness=0.7),
    "chili_red": kit.plain("chili_red", (214, 24, 18), roughness=0.35),
    "basil_green": kit.plain("basil_green", (46, 110, 38), roughness=0.55),
    "lime_green": kit.plain("lime_green", (120, 176, 48), roughness=0.45),
    "garlic_white": kit.plain("garlic_white", (236, 230, 214), roughness=0.6),
    "pork": kit.plain("pork", (214, 150, 140), roughness=0.7),
    "ceramic": kit.plain("ceramic", (248, 248, 246), roughness=0.2),
    "rice": kit.plain("rice", (250, 250, 244), roughness=0.9),
    "paper": kit.plain("paper", (252, 252, 248), roughness=0.9),
    "fish_sauce": kit.plain("fish_sauce", (150, 80, 20), roughness=0.15),
    "oyster_sauce": kit.plain("oyster_sauce", (60, 36, 22), roughness=0.2),
    "soy_sauce": kit.plain("soy_sauce", (40, 28, 20), roughness=0.2),
    "cap_red": kit.plain("cap_red", (200, 40, 30), roughness=0.4),
    "cap_green": kit.plain("cap_green", (40, 130, 60), roughness=0.4),
    "cap_yellow": kit.plain("cap_yellow", (230, 190, 40), roughness=0.4),
    "sugar": kit.plain("sugar", (244, 238, 222), roughness=0.8),
    "chili_flakes": kit.plain("chili_flakes", (170, 40, 20), roughness=0.85),
}


# ---------------------------------------------------------------------------------------------
# The kitchen


def build_room(k: kit.SceneBuilder) -> None:
    width, depth, height = 5.0, 4.0, 2.8
    back = -2.2
    kit.Room(width, depth, height, center_z=back + depth / 2).build(k)
    k.static(kit.box((3.8, 0.6, 0.01)), "wall_tile", kit.translate(-0.1, COUNTER_TOP, back))
    kit.ceiling_lights(k, [(0, -1.2), (0, 0.6)], height)
    k.marker("spawn", kit.translate(0, 0, SPAWN_Z))
    k.marker("thumbnail_camera", kit.look_at((1.1, 1.7, 0.5), (-0.3, 1.0, -1.9)))


def build_counter(k: kit.SceneBuilder) -> None:
    left, right, back = -2.0, 1.8, -2.2
    depth = COUNTER_FRONT - back
    mid_z = (back + COUNTER_FRONT) / 2
    k.add(
        "counter",
        kit.box((right - left, COUNTER_TOP - 0.04, depth)),
        "stainless",
        kit.translate((left + right) / 2, 0, mid_z),
    )
    # The top is four slabs around the sink's opening.
    sink_x, sink_w, sink_d, sink_z = -1.5, 0.5, 0.35, -1.875
    slab = 0.04
    top = kit.merge(
        kit.box(
            (sink_x - sink_w / 2 - left, slab, depth), ((left + sink_x - sink_w / 2) / 2, 0, mid_z)
        ),
        kit.box(
            (right - sink_x - sink_w / 2, slab, depth),
            ((right + sink_x + sink_w / 2) / 2, 0, mid_z),
        ),
        kit.box(
            (sink_w, slab, sink_z - sink_d / 2 - back),
            (sink_x, 0, (back + sink_z - sink_d / 2) / 2),
        ),
        kit.box(
            (sink_w, slab, COUNTER_FRONT - sink_z - sink_d / 2),
            (sink_x, 0, (COUNTER_FRONT + sink_z + sink_d / 2) / 2),
        ),
    )
    k.add("counter_top", top, "stainless", kit.translate(0, COUNTER_TOP - slab, 0))
    basin_depth, wall = 0.2, 0.01
    basin = kit.merge(
        kit.box((sink_w, wall, sink_d), (0, -basin_depth, 0)),
        kit.box((wall, basin_depth, sink_d), (-sink_w / 2 + wall / 2, -basin_depth, 0)),
        kit.box((wall, basin_depth, sink_d), (sink_w / 2 - wall / 2, -basin_depth, 0)),
        kit.box((sink_w, basin_depth, wall), (0, -basin_depth, -sink_d / 2 + wall / 2)),
        kit.box((sink_w, basin_depth, wall), (0, -basin_depth, sink_d / 2 - wall / 2)),
    )
    k.add("sink", basin, "steel_dark", kit.translate(sink_x, COUNTER_TOP, sink_z))
    tap = kit.tap(0.32, 0.16)  # a gooseneck mixer tap, its lever towards the visitor
    k.add("sink_tap", tap, "stainless", kit.translate(sink_x, COUNTER_TOP, back + 0.09))
    k.static(
        kit.merge(kit.cylinder(0.16, 0.55), kit.cylinder(0.04, 0.08, base_y=0.55)),
        "lpg_red",
        kit.translate(2.15, 0, -1.9),
    )


def build_prep_area(k: kit.SceneBuilder) -> None:
    y = COUNTER_TOP
    k.add(
        "cutting_board",
        kit.chamfered_cylinder(0.17, 0.035, 0.006, sections=64, segments=3),
        "wood",
        kit.translate(-0.75, y, -1.85),
    )
    # A Thai cleaver (มีดอีโต้): the blade is the node, its wooden handle a child.
    blade = kit.merge(
        kit.rounded_box((0.2, 0.004, 0.08), 0.0019, (0.1, 0, 0), segments=2),
        kit.rounded_box((0.03, 0.006, 0.016), 0.0029, (0.0, -0.001, -0.02), segments=2),
    )
    knife_at = kit.translate(-0.47, y, -1.72) @ kit.rotate_y(-20)
    k.add("knife", blade, "steel_dark", knife_at)
    grip = kit.tube([(-0.11, 0.011, -0.02), (0.0, 0.011, -0.02)], 0.011, sections=24)
    k.add("knife_handle", grip.apply_scale((1, 1, 1.2)), "wood_dark", parent="knife")
    rivets = [kit.chamfered_cylinder(0.0035, 0.024, 0.001, sections=8) for _ in range(3)]
    for i, rivet in enumerate(rivets):
        rivet.apply_transform(kit.translate(-0.025 - 0.03 * i, 0.023, -0.02) @ kit.rotate_x(180))
    k.add("knife_rivets", kit.merge(*rivets), "stainless", parent="knife")
    pod = [(0.028 - 0.056 * t, 0.008, 0.008 * math.sin(math.pi * t)) for t in np.linspace(0, 1, 9)]
    chili = kit.merge(
        kit.tube(pod, 0.007, sections=12, end_segments=2),
        kit.tube([(-0.034, 0.008, 0), (-0.046, 0.012, 0)], 0.0025, sections=6, round_ends=False),
    )
    chilis = [(-1.05, -1.7, 10.0), (-1.02, -1.73, 40.0), (-1.09, -1.75, -25.0)]
    for index, (x, z, angle) in enumerate(chilis):
        name = "chili" if index == 0 else f"chili_{index + 1}"
        k.add(
            name,
            chili,
            "chili_red",
            kit.translate(x, y, z) @ kit.rotate_y(angle),
            mesh_name="chili",
        )
    bulb = [(0.0, 0.0), *((0.024 * math.sin(a), 0.021 - 0.021 * math.cos(a)) for a in ARC[1:])]
    bulb += [(0.024 * math.cos(a) + 0.005 * a, 0.021 + 0.02 * math.sin(a)) for a in ARC[1:]]
    bulb += [(0.006, 0.05), (0.0, 0.05)]
    garlic = kit.revolve(bulb, sections=27, ridges=9, ridge_depth=0.08)
    k.add("garlic", garlic, "garlic_white", kit.translate(-1.08, y, -1.96), mesh_name="garlic")
    k.add("garlic_2", garlic, "garlic_white", kit.translate(-1.0, y, -1.99), mesh_name="garlic")
    lime = kit.ellipsoid((0.03, 0.027, 0.027), subdivisions=3)
    k.add("lime", lime, "lime_green", kit.translate(-0.98, y, -2.08))
    leaf = kit.ellipsoid((0.022, 0.003, 0.011), subdivisions=1)
    leaves = kit.merge(
        *(
            leaf.copy().apply_transform(
                kit.translate(0.02 * math.cos(a), 0.006 * (i % 2), 0.02 * math.sin(a))
                @ kit.rotate_y(-a)
            )
            for i, a in enumerate(np.linspace(0, 2 * math.pi, 7, endpoint=False))
        )
    )
    k.add("basil", leaves, "basil_green", kit.translate(-0.12, y, -1.7))
    bowl = kit.cup(0.05, 0.075, 0.05, wall=0.005, sections=64, foot=0.006)
    k.add("pork_bowl", bowl, "ceramic", kit.translate(-0.2, y, -1.95))
    k.add(
        "minced_pork",
        kit.ellipsoid((0.062, 0.018, 0.062), subdivisions=3),
        "pork",
        kit.translate(0, 0.012, 0),
        parent="pork_bowl",
    )


def build_stove(k: kit.SceneBuilder) -> None:
    y = COUNTER_TOP
    stove = kit.rounded_box((0.5, 0.12, 0.44), 0.015)
    k.add("stove", stove, "cast_iron", kit.translate(0.45, y, -1.85))
    # A high-pressure wok burner: a ridged crown in a drip ring, under a three-armed trivet.
    arm = kit.rounded_box((0.2, 0.022, 0.016), 0.006, (0.0, 0.03, 0))
    ring = kit.merge(
        kit.chamfered_cylinder(0.06, 0.03, 0.008, sections=48, segments=3, ridges=16),
        kit.torus(0.1, 0.008, major_sections=48, minor_sections=10).apply_translation(
            (0, 0.004, 0)
        ),
        *(arm.copy().apply_transform(kit.rotate_y(a)) for a in (0.0, 60.0, 120.0)),
    )
    k.add("burner", ring, "steel_dark", kit.translate(0, 0.12, 0), parent="stove")
    knob = kit.merge(
        kit.knob(0.025, 0.03).apply_transform(kit.rotate_x(90)),
        kit.rounded_box((0.008, 0.04, 0.01), 0.0035, (0, -0.02, 0.03), segments=2),
    )
    k.add("stove_knob", knob, "knob_red", kit.translate(0.16, 0.06, 0.22), parent="stove")
    k.static(kit.box((0.8, 0.3, 0.5)), "stainless", kit.translate(0.45, 1.95, -1.95))
    radius, depth, wall = 0.18, 0.085, 0.004
    # The first ring 15 mm out: a smaller one would have edges below the packer's 1 mm grid.
    outer = [(0.0, 0.0), *((radius * t, depth * t * t) for t in np.linspace(0, 1, 25)[2:])]
    inner = [(r * (1 - wall / radius), h + wall) for r, h in reversed(outer)]
    # The long handle rises from a riveted bracket; the helper handle is a loop opposite.
    handle = [(radius - 0.01, depth - 0.01, 0), (radius + 0.05, depth + 0.01, 0)]
    handle += [(radius + 0.05 + 0.15 * t, depth + 0.01 + 0.04 * t, 0) for t in (0.5, 1.0)]
    wok = kit.merge(
        kit.revolve([*outer, *inner], sections=72),
        kit.tube(handle, 0.009, sections=16),
        kit.pull_handle(0.07, 0.035, 0.005).apply_transform(
            kit.translate(-radius + 0.005, depth - 0.004, 0) @ kit.rotate_x(90) @ kit.rotate_z(90)
        ),
    )
    k.add("wok", wok, "carbon_steel", kit.translate(1.1, y, -1.95) @ kit.rotate_y(20))
    # A wok turner (ตะหลิว): steel head and shaft, wooden grip.
    spatula = kit.merge(
        kit.rounded_box((0.1, 0.003, 0.09), 0.0014, (0.05, 0.0, 0), segments=2),
        kit.tube([(0.1, 0.002, 0), (0.26, 0.02, 0)], 0.006, sections=16),
    )
    k.add("spatula", spatula, "steel_dark", kit.translate(0.82, y, -1.66) @ kit.rotate_y(-10))
    k.add(
        "spatula_handle",
        kit.tube([(0.26, 0.02, 0), (0.4, 0.036, 0)], 0.011, sections=24),
        "wood_dark",
        np.eye(4),
        parent="spatula",
    )


def build_pass(k: kit.SceneBuilder) -> None:
    y = COUNTER_TOP
    rim = [(0.128 + 0.003 * math.sin(a), 0.02 + 0.003 * math.cos(a)) for a in ARC[::-2] * 2]
    plate = kit.revolve(
        [(0.0, 0.0), (0.075, 0.0), (0.08, 0.004), *rim, (0.078, 0.007), (0.0, 0.007)],
        sections=72,
    )
    k.add("plate", plate, "ceramic", kit.translate(1.5, y, -1.78))
    k.add(
        "rice",
        kit.ellipsoid((0.055, 0.04, 0.05), subdivisions=3),
        "rice",
        kit.translate(-0.04, 0.004, 0.02),
        parent="plate",
    )
    k.marker("plate_target", kit.translate(0.04, 0.01, -0.01), parent="plate")
    k.static(kit.box((0.6, 0.02, 0.03)), "stainless", kit.translate(1.4, 1.45, -2.185))
    k.add("order_ticket", kit.box((0.08, 0.12, 0.002)), "paper", kit.translate(1.3, 1.33, -2.168))


def build_shelf(k: kit.SceneBuilder) -> None:
    k.add("shelf", kit.box((1.3, 0.03, 0.24)), "wood", kit.translate(-0.75, 1.52, -2.08))
    for x in (-1.3, -0.2):
        k.static(kit.box((0.02, 0.15, 0.2)), "steel_dark", kit.translate(x, 1.37, -2.1))
    bottle = kit.bottle(0.035, 0.26, neck=0.014, neck_height=0.06, shoulder=0.05, sections=48)
    cap = kit.chamfered_cylinder(0.017, 0.025, 0.004, base_y=0.26, segments=2, ridges=20)
    jar = kit.chamfered_cylinder(0.05, 0.1, 0.01, sections=56, segments=3)
    jar_lid = kit.chamfered_cylinder(0.052, 0.02, 0.005, base_y=0.1, sections=56, ridges=28)
    on_shelf = 1.55
    shapes = {"bottle": (bottle, cap), "jar": (jar, jar_lid)}
    items = [  # node (and its material), shape, colour of the cap, x
        ("fish_sauce", "bottle", "cap_red", -1.25),
        ("oyster_sauce", "bottle", "cap_red", -1.1),
        ("soy_sauce", "bottle", "cap_green", -0.95),
        ("sugar", "jar", "cap_yellow", -0.72),
        ("chili_flakes", "jar", "cap_red", -0.5),
    ]
    for name, shape, cap_material, x in items:
        body, top = shapes[shape]
        k.add(name, body, name, kit.translate(x, on_shelf, -2.07), mesh_name=shape)
        k.add(f"{name}_cap", top, cap_material, np.eye(4), parent=name, mesh_name=f"{shape}_cap")


def build_fittings(k: kit.SceneBuilder) -> None:
    """Scenery that makes it a working restaurant kitchen: a fridge, a prep table with a rice
    cooker and stacked plates, pots and ladles on a rail, a bin."""
    k.static_parts(
        [
            ("stainless", kit.box((0.7, 1.9, 0.7))),
            ("steel_dark", kit.rod((0.28, 0.9, 0.37), (0.28, 1.6, 0.37), 0.012)),
            ("steel_dark", kit.box((0.66, 0.01, 0.01), (0, 1.2, 0.355))),
        ],
        kit.translate(-2.05, 0, -0.45) @ kit.rotate_y(90),
    )
    k.static_parts(
        kit.table(0.9, 0.6, COUNTER_TOP, top="stainless", legs="steel_dark", undershelf=True),
        kit.translate(2.1, 0, -0.4) @ kit.rotate_y(90),
    )
    cooker = kit.merge(
        kit.lathe([(0.0, 0.0), (0.2, 0.0), (0.21, 0.28), (0.0, 0.28)], sections=36),
        kit.lathe([(0.0, 0.28), (0.2, 0.28), (0.14, 0.34), (0.0, 0.35)], sections=36),
    )
    k.static(cooker, "stainless", kit.translate(2.1, COUNTER_TOP, -0.55))
    k.static(
        kit.box((0.06, 0.03, 0.02), (0, 0.12, 0.2)),
        "knob_red",
        kit.translate(2.1, COUNTER_TOP, -0.55),
    )
    plate = kit.lathe([(0.0, 0.0), (0.08, 0.0), (0.12, 0.018), (0.0, 0.012)], sections=32)
    for i in range(8):
        k.static(plate, "ceramic", kit.translate(2.1, COUNTER_TOP + 0.018 * i, -0.1))
    k.static(kit.rod((-1.9, 1.75, -2.17), (-0.3, 1.75, -2.17), 0.01), "stainless")
    ladle = kit.merge(
        kit.rod((0, 0, 0), (0, -0.3, 0), 0.005),
        kit.lathe([(0.0, -0.34), (0.04, -0.34), (0.045, -0.3), (0.0, -0.32)], sections=20),
    )
    for i in range(4):
        k.static(ladle, "stainless", kit.translate(-1.8 + 0.14 * i, 1.75, -2.15))
    pot = kit.lathe([(0.0, 0.0), (0.14, 0.0), (0.15, 0.2), (0.14, 0.2), (0.13, 0.01), (0.0, 0.01)])
    k.static(pot, "stainless", kit.translate(0.45, 1.95 + 0.3, -1.95))
    k.static(
        kit.lathe([(0.0, 0.0), (0.16, 0.0), (0.19, 0.55), (0.18, 0.55), (0.15, 0.02), (0.0, 0.02)]),
        "cast_iron",
        kit.translate(-1.6, 0, -1.1),
    )


# Text in the kitchen (kit.signs): Thai, with English where a Thai kitchen has it too.
SIGNS = (
    kit.Sign(("ระวังร้อน", "CAUTION HOT"), (0.45, 2.1, -1.698), 0.4, "warning", px=(256, 128)),
    kit.Sign(
        ("ล้างมือก่อนทำอาหาร", "WASH YOUR HANDS"),
        (-1.83, 1.15, -2.193),
        0.3,
        "mandatory",
        px=(256, 128),
    ),
    kit.Sign(
        ("ห้องครัว", "เฉพาะพนักงาน STAFF ONLY"),
        (2.497, 1.8, -0.4),
        0.5,
        "info",
        px=(256, 128),
        yaw=-90,
    ),
    kit.Sign(
        ("โต๊ะ 5", "ข้าวกะเพราหมูสับ", "เผ็ดกลาง x1"),
        (0, 0.06, 0.0012),
        0.075,
        "label",
        px=(128, 128),
        parent="order_ticket",
    ),
    *(
        kit.wrapped_label((text,), node, radius=r + 0.0005, y=y, width_m=w, px=(128, 64))
        for node, text, y, r, w in (
            ("fish_sauce", "น้ำปลา", 0.1, 0.035, 0.07),
            ("oyster_sauce", "ซอสหอยนางรม", 0.1, 0.035, 0.07),
            ("soy_sauce", "ซีอิ๊วขาว", 0.1, 0.035, 0.07),
            ("sugar", "น้ำตาลทราย", 0.05, 0.05, 0.1),
            ("chili_flakes", "พริกป่น", 0.05, 0.05, 0.1),
        )
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The kitchen's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "kitchen": s.ambience(6.0, seed=101, hum_hz=120, bright=0.5),  # extractor fan
        "bell": s.bell(1320, notes=(1.0,), seconds=1.2),  # the order bell on the pass
        "tap": s.water(2.5, seed=102, loop=False),
        "chop": s.repeat(s.thud(seed=103, seconds=0.12), 6, 0.16),
        "clank": s.bell(420, notes=(1.0,), seconds=0.5),
        "ignite": s.repeat(s.click(seed=104, pitch_hz=2600), 3, 0.12),
        "flame": s.ambience(4.0, seed=105, bright=0.8),
        "sizzle": s.sizzle(4.0, seed=106),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
