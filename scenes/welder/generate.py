"""Build `scene.glb` (and `thumbnail.png`) for the welder scene: a metal fabrication workshop.

A steel welding table in a booth of orange welding curtains, a MIG welder on its trolley with a
CO2 cylinder, the torch and the earth clamp on their cables, a fume extraction arm, an
auto-darkening helmet and leather gloves on a side bench, steel plates, an angle grinder, a
rack of steel bars and a fire extinguisher.

Run by the packager with the scene folder as the working directory: `python generate.py
[OUTPUT]` writes OUTPUT (default `scene.glb` here) and `thumbnail.png` next to it. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from its own folder: make `scenes` importable
    sys.path.insert(0, str(ROOT))

from scenes.kit.builder import Parts, SceneBuilder  # noqa: E402
from scenes.kit.export import main  # noqa: E402
from scenes.kit.furniture import cabinet, fire_extinguisher, table  # noqa: E402
from scenes.kit.materials import (  # noqa: E402
    WHITE,
    Material,
    brushed_metal,
    concrete,
    fabric,
    noise_texture,
    standard_materials,
)
from scenes.kit.room import Door, Room, Window, ceiling_lights, room_materials  # noqa: E402
from scenes.kit.shapes import (  # noqa: E402
    box,
    cylinder,
    ellipsoid,
    lathe,
    look_at,
    merge,
    polyline,
    rod,
    rotate_x,
    rotate_y,
    rotate_z,
    translate,
)

TOP = 0.9
TABLE = (0.0, -1.4)  # welding table centre (x, z)
MACHINE = (1.35, -1.1)

NODES = (
    "spawn",
    "welding_helmet",
    "leather_gloves",
    "gas_valve",
    "fume_extractor",
    "ground_clamp",
    "clamp_target",
    "steel_plate",
    "plate_target",
    "machine_switch",
    "mig_torch",
    "weld_joint",
    "weld_bead",
    "welding_machine",
)

MATERIALS: dict[str, Material] = {
    **standard_materials(),
    **room_materials(
        floor=Material(
            "shop_floor",
            WHITE,
            roughness=0.8,
            texture=concrete((128, 128, 124), size=256, seed=61),
            tile_m=2.5,
        ),
        wall=Material(
            "shop_wall",
            WHITE,
            roughness=0.9,
            texture=noise_texture((200, 204, 206), (180, 184, 188), size=64, seed=62),
            tile_m=2.0,
        ),
    ),
    "table_steel": Material(
        "table_steel",
        WHITE,
        metallic=0.8,
        roughness=0.5,
        texture=brushed_metal((120, 122, 126), size=128, seed=63),
        tile_m=0.8,
    ),
    "raw_steel": Material(
        "raw_steel",
        WHITE,
        metallic=0.7,
        roughness=0.6,
        texture=noise_texture((110, 112, 116), (86, 86, 90), size=64, seed=64, contrast=1.3),
        tile_m=0.4,
    ),
    "curtain": Material(
        "curtain",
        WHITE,
        roughness=0.7,
        double_sided=True,
        texture=fabric((236, 110, 20), size=64, seed=65, threads=8),
        tile_m=0.6,
    ),
    "leather": Material(
        "leather",
        WHITE,
        roughness=0.85,
        texture=noise_texture((176, 132, 84), (150, 108, 66), size=64, seed=66),
        tile_m=0.2,
    ),
    "machine_blue": Material("machine_blue", (20, 90, 170, 255), metallic=0.3, roughness=0.4),
    "gas_green": Material("gas_green", (40, 110, 70, 255), metallic=0.3, roughness=0.45),
    "brass": Material("brass", (200, 160, 70, 255), metallic=0.9, roughness=0.3),
    "weld": Material("weld", (150, 130, 110, 255), metallic=0.7, roughness=0.5),
    "cable": Material("cable", (24, 24, 26, 255), roughness=0.6),
}


def welding_table() -> Parts:
    top = merge(*(box((0.28, 0.02, 0.9), (-0.6 + 0.3 * i, TOP - 0.02, 0)) for i in range(5)))
    legs = [
        box((0.06, TOP - 0.02, 0.06), (sx * 0.68, 0, sz * 0.38)) for sx in (-1, 1) for sz in (-1, 1)
    ]
    legs += [box((1.4, 0.05, 0.05), (0, 0.25, sz * 0.38)) for sz in (-1, 1)]
    return [("table_steel", top), ("steel_dark", merge(*legs))]


def mig_machine() -> Parts:
    """A MIG welder on a two-wheeled trolley, its panel facing +Z."""
    body = box((0.32, 0.45, 0.6), (0, 0.35, 0))
    trolley = merge(
        box((0.4, 0.04, 0.7), (0, 0.3, 0)),
        rod((-0.18, 0.3, -0.34), (-0.18, 1.2, -0.4), 0.015),
        rod((0.18, 0.3, -0.34), (0.18, 1.2, -0.4), 0.015),
        rod((-0.18, 1.2, -0.4), (0.18, 1.2, -0.4), 0.015),
        rod((-0.18, 0.08, 0.3), (-0.18, 0.3, 0.3), 0.015),
        rod((0.18, 0.08, 0.3), (0.18, 0.3, 0.3), 0.015),
    )
    wheels = merge(
        *(
            cylinder(0.1, 0.04, sections=24).apply_transform(
                translate(sx * 0.22, 0.1, -0.25) @ rotate_z(90)
            )
            for sx in (-1, 1)
        )
    )
    panel = merge(
        box((0.26, 0.3, 0.01), (0, 0.42, 0.3)),
        *(
            cylinder(0.025, 0.03, sections=16).apply_transform(
                translate(x, 0.65, 0.3) @ rotate_x(90)
            )
            for x in (-0.07, 0.07)
        ),
    )
    return [
        ("machine_blue", body),
        ("steel_dark", trolley),
        ("rubber", wheels),
        ("black_plastic", panel),
    ]


def gas_cylinder() -> Parts:
    shell = lathe(
        [
            (0.0, 0.0),
            (0.11, 0.0),
            (0.115, 0.03),
            (0.115, 1.2),
            (0.08, 1.3),
            (0.03, 1.34),
            (0.0, 1.34),
        ],
        sections=32,
    )
    regulator = merge(
        cylinder(0.02, 0.08, base_y=1.34, sections=12),
        cylinder(0.035, 0.03, sections=20).apply_transform(translate(0, 1.44, 0.0) @ rotate_x(90)),
        cylinder(0.03, 0.02, sections=20).apply_transform(
            translate(0.06, 1.44, 0.0) @ rotate_z(90)
        ),
    )
    return [("gas_green", shell), ("brass", regulator)]


def build_room(b: SceneBuilder) -> Room:
    room = Room(
        7.0,
        6.0,
        3.6,
        center_z=-2.0,
        windows=[
            Window("left", -2.6, width=2.0, height=1.0, bottom=1.7),
            Window("right", -2.6, width=2.0, height=1.0, bottom=1.7),
        ],
        doors=[Door("back", 2.6, width=1.2, height=2.3)],
    )
    room.build(b)
    ceiling_lights(b, [(0.0, -1.4), (-2.0, -3.0), (2.0, -3.0)], room.height, size=(1.5, 0.2))
    # Welding curtains on a frame around the booth (behind and left of the table).
    frame = merge(
        rod((-1.6, 2.1, -2.5), (1.6, 2.1, -2.5), 0.02),
        rod((-1.6, 2.1, -2.5), (-1.6, 2.1, -0.7), 0.02),
        *(rod((x, 0, z), (x, 2.1, z), 0.02) for x, z in ((-1.6, -2.5), (1.6, -2.5), (-1.6, -0.7))),
    )
    b.static(frame, "steel_dark")
    b.static(box((3.1, 1.9, 0.005)), "curtain", translate(0, 0.15, -2.5))
    b.static(box((0.005, 1.9, 1.7)), "curtain", translate(-1.6, 0.15, -1.6))
    # Steel bar rack on the left wall and sheets leaning against it.
    rack = merge(
        *(box((0.05, 1.6, 0.05), (-3.4, 0, z)) for z in (-4.0, -3.0, -2.0)),
        *(box((0.4, 0.04, 2.1), (-3.3, 0.5 + 0.5 * i, -3.0)) for i in range(3)),
    )
    b.static(rack, "yellow_paint")
    bars = merge(
        *(
            rod(
                (-3.25 + 0.04 * (k % 4), 0.56 + 0.5 * (k // 4) + 0.02, -4.2),
                (-3.25 + 0.04 * (k % 4), 0.56 + 0.5 * (k // 4) + 0.02, -1.8),
                0.018,
            )
            for k in range(12)
        )
    )
    b.static(bars, "raw_steel")
    for i in range(3):
        b.static(
            box((1.2, 0.8, 0.01)), "raw_steel", translate(-2.9, 0.0, -4.6 + 0.03 * i) @ rotate_x(-8)
        )
    b.static_parts(fire_extinguisher(), translate(-1.9, 0, -0.3))
    # A pedestal drill, an anvil on its stump and a bench with a vice along the right wall.
    drill = [
        (
            "steel_dark",
            merge(
                box((0.5, 0.05, 0.4)),
                cylinder(0.045, 1.6, sections=24).apply_translation((0, 0, -0.1)),
                box((0.3, 0.03, 0.3), (0, 0.9, 0.08)),
            ),
        ),
        (
            "green_paint",
            merge(
                box((0.22, 0.3, 0.5), (0, 1.45, 0.05)),
                lathe(
                    [(0.0, 0.0), (0.12, 0.0), (0.12, 0.2), (0.0, 0.2)], sections=28
                ).apply_translation((0, 1.75, -0.1)),
            ),
        ),
        (
            "chrome",
            merge(
                rod((0, 1.42, 0.25), (0, 1.28, 0.25), 0.02),
                *(
                    rod((0.1, 1.5, 0.1), (0.1 + 0.2 * dx, 1.5, 0.1 + 0.2 * dz), 0.008)
                    for dx, dz in ((1, 0), (-0.5, 0.87), (-0.5, -0.87))
                ),
            ),
        ),
    ]
    b.static_parts(drill, translate(3.0, 0, -1.8) @ rotate_y(-90))
    anvil = merge(
        box((0.5, 0.12, 0.16), (0, 0.18, 0)),
        box((0.26, 0.1, 0.12), (0, 0.08, 0)),
        box((0.32, 0.06, 0.22), (0, 0.02, 0)),
        lathe([(0.0, 0.0), (0.08, 0.0), (0.0, 0.22)], sections=20).apply_transform(
            translate(-0.25, 0.24, 0) @ rotate_z(90)
        ),
    )
    b.static(anvil, "steel_dark", translate(2.2, 0.55, -0.3))
    b.static(cylinder(0.22, 0.55, sections=28), "wood_dark", translate(2.2, 0, -0.3))
    b.static_parts(
        table(2.0, 0.7, TOP, top="wood", legs="steel_dark", undershelf=True),
        translate(3.1, 0, -3.8) @ rotate_y(90),
    )
    vice = merge(
        box((0.22, 0.12, 0.16)),
        box((0.2, 0.1, 0.06), (0, 0.12, -0.05)),
        rod((0, 0.1, 0.1), (0, 0.1, 0.3), 0.012),
    )
    b.static(vice, "blue_paint", translate(3.0, TOP, -3.2) @ rotate_y(-90))
    for i in range(4):
        b.static(
            box((0.3 - 0.05 * i, 0.01, 0.15)),
            "raw_steel",
            translate(3.1, TOP + 0.01 * i, -4.3 + 0.02 * i) @ rotate_y(15 * i),
        )
    return room


def build_booth(b: SceneBuilder) -> None:
    tx, tz = TABLE
    b.add_parts("welding_table", welding_table(), translate(tx, 0, tz))
    plate = box((0.3, 0.01, 0.2))
    b.add("workpiece", plate, "raw_steel", translate(tx - 0.15, TOP, tz + 0.05))
    b.add("steel_plate", plate, "raw_steel", translate(tx + 0.5, TOP, tz + 0.3) @ rotate_y(25))
    b.marker("plate_target", translate(tx + 0.15, TOP, tz + 0.05))
    b.marker("weld_joint", translate(tx, TOP + 0.01, tz + 0.05))
    bead = merge(
        *(
            ellipsoid((0.012, 0.006, 0.01), subdivisions=2).apply_translation(
                (0, 0, -0.09 + 0.018 * i)
            )
            for i in range(11)
        )
    )
    b.add("weld_bead", bead, "weld", translate(tx, TOP + 0.008, tz + 0.05))
    b.marker("clamp_target", translate(tx - 0.6, TOP, tz + 0.4))
    # The welder on its trolley, the gas cylinder chained behind it.
    mx, mz = MACHINE
    b.add_parts("welding_machine", mig_machine(), translate(mx, 0, mz) @ rotate_y(-20))
    b.add(
        "machine_switch",
        box((0.05, 0.06, 0.02)),
        "indicator_red",
        translate(0.09, 0.5, 0.31),
        parent="welding_machine",
    )
    b.add_parts("gas_cylinder", gas_cylinder(), translate(mx + 0.15, 0, mz - 0.6))
    b.add(
        "gas_valve",
        cylinder(0.04, 0.015, sections=20).apply_transform(rotate_x(0)),
        "black_plastic",
        translate(0, 1.47, 0),
        parent="gas_cylinder",
    )
    # The torch and the earth clamp on their cables, resting on the table.
    torch = merge(
        rod((0, 0.02, 0), (0.18, 0.02, 0), 0.018),
        rod((0.18, 0.02, 0), (0.3, -0.0, 0), 0.009),
        box((0.03, 0.02, 0.015), (0.06, 0.035, 0)),
    )
    b.add("mig_torch", torch, "black_plastic", translate(tx + 0.45, TOP, tz - 0.25) @ rotate_y(160))
    b.add(
        "mig_torch_nozzle",
        cylinder(0.014, 0.04, sections=16).apply_transform(translate(0.3, 0.0, 0) @ rotate_z(-90)),
        "brass",
        parent="mig_torch",
    )
    b.static(
        polyline(
            [
                (mx - 0.1, 0.6, mz + 0.25),
                (0.9, 0.5, -0.9),
                (0.7, 0.9, -1.5),
                (tx + 0.45, TOP + 0.02, tz - 0.25),
            ],
            0.012,
        ),
        "cable",
    )
    clamp = merge(box((0.12, 0.03, 0.04)), box((0.1, 0.02, 0.03), (0.02, 0.04, 0)))
    b.add("ground_clamp", clamp, "red_paint", translate(tx + 0.95, 0.6, tz + 0.55))
    b.static(
        polyline(
            [(mx - 0.12, 0.45, mz + 0.25), (1.1, 0.2, -0.9), (tx + 0.95, 0.6, tz + 0.55)], 0.01
        ),
        "cable",
    )
    grinder = merge(
        rod((0, 0.04, 0), (0.25, 0.04, 0), 0.03),
        cylinder(0.06, 0.01, base_y=0.0, sections=28).apply_translation((0.28, 0.02, 0)),
    )
    b.static(grinder, "steel_dark", translate(tx - 0.45, TOP, tz - 0.3))
    # Fume extraction arm from the back curtain frame.
    arm = merge(
        polyline([(-0.8, 2.8, -2.4), (-0.6, 2.2, -2.0), (-0.3, 1.6, -1.7)], 0.05),
        lathe(
            [(0.04, 0.0), (0.14, -0.15), (0.13, -0.15), (0.035, 0.0)], sections=28
        ).apply_translation((-0.3, 1.6, -1.7)),
    )
    b.add("fume_extractor", arm, "yellow_paint")
    # Side bench with the helmet and gloves.
    b.static_parts(
        table(0.9, 0.55, TOP, top="wood", legs="steel_dark"),
        translate(-1.2, 0, -0.2) @ rotate_y(90),
    )
    shell = lathe([(0.0, 0.0), (0.11, 0.0), (0.12, 0.12), (0.1, 0.24), (0.0, 0.26)], sections=32)
    b.add(
        "welding_helmet",
        shell.apply_transform(rotate_x(-90)).apply_translation((0, 0.1, 0)),
        "black_plastic",
        translate(-1.2, TOP, -0.35) @ rotate_y(60),
    )
    b.add(
        "welding_helmet_lens",
        box((0.1, 0.05, 0.01), (0, 0.12, 0.2)),
        "glass_dark",
        parent="welding_helmet",
    )
    glove = merge(ellipsoid((0.05, 0.02, 0.1)), rod((0, 0.02, 0.08), (0, 0.02, 0.2), 0.045))
    b.add(
        "leather_gloves",
        merge(glove, glove.copy().apply_translation((0.11, 0.0, 0.02))),
        "leather",
        translate(-1.25, TOP, 0.1) @ rotate_y(70),
    )
    b.static_parts(cabinet(0.6, 0.45, 0.9, body="red_paint", drawers=5), translate(1.0, 0, -4.7))
    b.marker("spawn", translate(0, 0, 0.3))
    b.marker("thumbnail_camera", look_at((1.9, 1.95, 0.85), (0.1, 0.7, -2.0)))


def build() -> SceneBuilder:
    b = SceneBuilder(MATERIALS)
    build_room(b)
    build_booth(b)
    return b


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], build, here=Path(__file__).parent, required=NODES))
