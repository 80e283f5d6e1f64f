"""Build `scene.glb` (and `thumbnail.png`) for the welder scene: a metal fabrication workshop.

A steel welding table in a booth of orange welding curtains, a MIG welder on its trolley with a
CO2 cylinder, the torch and the earth clamp on their cables, a fume extraction arm, an
auto-darkening helmet and leather gloves on a side bench, steel plates, an angle grinder, a
rack of steel bars and a fire extinguisher.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

TOP = 0.9
TABLE = (0.0, -1.4)  # welding table centre (x, z)
MACHINE = (1.35, -1.1)

NODES = kit.script_nodes(__file__, "welding_machine")


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_room, build_booth, kit.signs(SIGNS))


SHOP_FLOOR_TEX = kit.concrete((128, 128, 124), size=256, seed=61)
SHOP_WALL_TEX = kit.noise_texture((200, 204, 206), (180, 184, 188), size=64, seed=62)
TABLE_STEEL_TEX = kit.brushed_metal((120, 122, 126), size=128, seed=63)
RAW_STEEL_TEX = kit.noise_texture((110, 112, 116), (86, 86, 90), size=64, seed=64, contrast=1.3)
CURTAIN_TEX = kit.fabric((236, 110, 20), size=64, seed=65, threads=8)
LEATHER_TEX = kit.noise_texture((176, 132, 84), (150, 108, 66), size=64, seed=66)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("shop_floor", SHOP_FLOOR_TEX, tile_m=2.5, roughness=0.8),
        wall=kit.textured("shop_wall", SHOP_WALL_TEX, tile_m=2.0, roughness=0.9),
    ),
    "table_steel": kit.textured(
        "table_steel", TABLE_STEEL_TEX, tile_m=0.8, metallic=0.8, roughness=0.5
    ),
    "raw_steel": kit.textured("raw_steel", RAW_STEEL_TEX, tile_m=0.4, metallic=0.7, roughness=0.6),
    "curtain": kit.textured("curtain", CURTAIN_TEX, tile_m=0.6, roughness=0.7, double_sided=True),
    "leather": kit.textured("leather", LEATHER_TEX, tile_m=0.2, roughness=0.85),
    "machine_blue": kit.plain("machine_blue", (20, 90, 170), metallic=0.3, roughness=0.4),
    "gas_green": kit.plain("gas_green", (40, 110, 70), metallic=0.3, roughness=0.45),
    "brass": kit.plain("brass", (200, 160, 70), metallic=0.9, roughness=0.3),
    "weld": kit.plain("weld", (150, 130, 110), metallic=0.7, roughness=0.5),
    "cable": kit.plain("cable", (24, 24, 26), roughness=0.6),
}


def welding_table() -> kit.Parts:
    top = kit.merge(
        *(kit.box((0.28, 0.02, 0.9), (-0.6 + 0.3 * i, TOP - 0.02, 0)) for i in range(5))
    )
    legs = [
        kit.box((0.06, TOP - 0.02, 0.06), (sx * 0.68, 0, sz * 0.38))
        for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    legs += [kit.box((1.4, 0.05, 0.05), (0, 0.25, sz * 0.38)) for sz in (-1, 1)]
    return [("table_steel", top), ("steel_dark", kit.merge(*legs))]


def mig_machine() -> kit.Parts:
    """A MIG welder on a two-wheeled trolley, its panel facing +Z."""
    body = kit.merge(
        kit.rounded_box((0.32, 0.45, 0.6), 0.02, (0, 0.35, 0)),
        kit.pull_handle(0.22, 0.05, 0.012).apply_translation((0, 0.8, 0)),
    )
    handle = [(-0.18, 0.3, -0.34), (-0.18, 1.16, -0.395)]
    handle += [
        (-0.14 + 0.04 * math.cos(a), 1.16 + 0.04 * math.sin(a), -0.4)
        for a in np.linspace(math.pi, math.pi / 2, 5)[1:]
    ]
    handle += [
        (0.14 + 0.04 * math.cos(a), 1.16 + 0.04 * math.sin(a), -0.4)
        for a in np.linspace(math.pi / 2, 0, 5)[:-1]
    ]
    handle += [(0.18, 1.16, -0.395), (0.18, 0.3, -0.34)]
    trolley = kit.merge(
        kit.rounded_box((0.4, 0.04, 0.7), 0.01, (0, 0.3, 0)),
        kit.tube(handle, 0.015),
        kit.tube([(-0.18, 0.08, 0.3), (-0.18, 0.3, 0.3)], 0.015),
        kit.tube([(0.18, 0.08, 0.3), (0.18, 0.3, 0.3)], 0.015),
    )
    wheel = kit.merge(
        kit.chamfered_cylinder(0.1, 0.04, 0.012, sections=48, segments=3),
        kit.chamfered_cylinder(0.04, 0.05, 0.008, base_y=-0.005, sections=32, segments=2),
    )
    wheels = kit.merge(
        *(
            wheel.copy().apply_transform(
                kit.translate(sx * 0.22 + 0.02, 0.1, -0.25) @ kit.rotate_z(90)
            )
            for sx in (-1, 1)
        )
    )
    panel = kit.merge(
        kit.rounded_box((0.26, 0.3, 0.01), 0.004, (0, 0.42, 0.3), segments=2),
        *(
            kit.knob(0.025, 0.03).apply_transform(kit.translate(x, 0.65, 0.3) @ kit.rotate_x(90))
            for x in (-0.07, 0.07)
        ),
    )
    return [
        ("machine_blue", body),
        ("steel_dark", trolley),
        ("rubber", wheels),
        ("black_plastic", panel),
    ]


def gas_cylinder() -> kit.Parts:
    shoulder = [
        (0.03 + 0.085 * math.cos(a), 1.2 + 0.14 * math.sin(a))
        for a in np.linspace(0, math.pi / 2, 9)
    ]
    shell = kit.revolve(
        [
            (0.0, 0.0),
            (0.1, 0.0),
            (0.112, 0.008),
            (0.115, 0.03),
            *shoulder[:-1],
            (0.03, 1.34),
            (0.0, 1.34),
        ],
        sections=56,
    )
    gauge = kit.chamfered_cylinder(0.035, 0.03, 0.006, sections=40, segments=3)
    regulator = kit.merge(
        kit.chamfered_cylinder(0.02, 0.08, 0.004, base_y=1.34, sections=24, segments=2),
        gauge.copy().apply_transform(kit.translate(0, 1.44, -0.015) @ kit.rotate_x(90)),
        gauge.copy().apply_transform(kit.translate(0.05, 1.44, 0.0) @ kit.rotate_z(-90)),
        kit.tube([(-0.02, 1.4, 0), (-0.07, 1.4, 0), (-0.09, 1.36, 0)], 0.008, sections=12),
    )
    return [("gas_green", shell), ("brass", regulator)]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    windows = [
        kit.Window(side, -2.6, width=2.0, height=1.0, bottom=1.7) for side in ("left", "right")
    ]
    doors = [kit.Door("back", 2.6, width=1.2, height=2.3)]
    room = kit.Room(7.0, 6.0, 3.6, center_z=-2.0, windows=windows, doors=doors)
    room.build(b)
    kit.ceiling_lights(b, [(0.0, -1.4), (-2.0, -3.0), (2.0, -3.0)], room.height, size=(1.5, 0.2))
    # Welding curtains on a frame around the booth (behind and left of the table).
    frame = kit.merge(
        kit.rod((-1.6, 2.1, -2.5), (1.6, 2.1, -2.5), 0.02),
        kit.rod((-1.6, 2.1, -2.5), (-1.6, 2.1, -0.7), 0.02),
        *(
            kit.rod((x, 0, z), (x, 2.1, z), 0.02)
            for x, z in ((-1.6, -2.5), (1.6, -2.5), (-1.6, -0.7))
        ),
    )
    b.static(frame, "steel_dark")
    b.static(kit.box((3.1, 1.9, 0.005)), "curtain", kit.translate(0, 0.15, -2.5))
    b.static(kit.box((0.005, 1.9, 1.7)), "curtain", kit.translate(-1.6, 0.15, -1.6))
    # Steel bar rack on the left wall and sheets leaning against it.
    rack = kit.merge(
        *(kit.box((0.05, 1.6, 0.05), (-3.4, 0, z)) for z in (-4.0, -3.0, -2.0)),
        *(kit.box((0.4, 0.04, 2.1), (-3.3, 0.5 + 0.5 * i, -3.0)) for i in range(3)),
    )
    b.static(rack, "yellow_paint")
    bars = kit.merge(
        *(
            kit.rod(
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
            kit.box((1.2, 0.8, 0.01)),
            "raw_steel",
            kit.translate(-2.9, 0.0, -4.6 + 0.03 * i) @ kit.rotate_x(-8),
        )
    b.static_parts(kit.fire_extinguisher(), kit.translate(-1.9, 0, -0.3))
    # A pedestal drill, an anvil on its stump and a bench with a vice along the right wall.
    drill = [
        (
            "steel_dark",
            kit.merge(
                kit.box((0.5, 0.05, 0.4)),
                kit.cylinder(0.045, 1.6, sections=24).apply_translation((0, 0, -0.1)),
                kit.box((0.3, 0.03, 0.3), (0, 0.9, 0.08)),
            ),
        ),
        (
            "green_paint",
            kit.merge(
                kit.box((0.22, 0.3, 0.5), (0, 1.45, 0.05)),
                kit.lathe(
                    [(0.0, 0.0), (0.12, 0.0), (0.12, 0.2), (0.0, 0.2)], sections=28
                ).apply_translation((0, 1.75, -0.1)),
            ),
        ),
        (
            "chrome",
            kit.merge(
                kit.rod((0, 1.42, 0.25), (0, 1.28, 0.25), 0.02),
                *(
                    kit.rod((0.1, 1.5, 0.1), (0.1 + 0.2 * dx, 1.5, 0.1 + 0.2 * dz), 0.008)
                    for dx, dz in ((1, 0), (-0.5, 0.87), (-0.5, -0.87))
                ),
            ),
        ),
    ]
    b.static_parts(drill, kit.translate(3.0, 0, -1.8) @ kit.rotate_y(-90))
    anvil = kit.merge(
        kit.box((0.5, 0.12, 0.16), (0, 0.18, 0)),
        kit.box((0.26, 0.1, 0.12), (0, 0.08, 0)),
        kit.box((0.32, 0.06, 0.22), (0, 0.02, 0)),
        kit.lathe([(0.0, 0.0), (0.08, 0.0), (0.0, 0.22)], sections=20).apply_transform(
            kit.translate(-0.25, 0.24, 0) @ kit.rotate_z(90)
        ),
    )
    b.static(anvil, "steel_dark", kit.translate(2.2, 0.55, -0.3))
    b.static(kit.cylinder(0.22, 0.55, sections=28), "wood_dark", kit.translate(2.2, 0, -0.3))
    b.static_parts(
        kit.table(2.0, 0.7, TOP, top="wood", legs="steel_dark", undershelf=True),
        kit.translate(3.1, 0, -3.8) @ kit.rotate_y(90),
    )
    vice = kit.merge(
        kit.box((0.22, 0.12, 0.16)),
        kit.box((0.2, 0.1, 0.06), (0, 0.12, -0.05)),
        kit.rod((0, 0.1, 0.1), (0, 0.1, 0.3), 0.012),
    )
    b.static(vice, "blue_paint", kit.translate(3.0, TOP, -3.2) @ kit.rotate_y(-90))
    for i in range(4):
        b.static(
            kit.box((0.3 - 0.05 * i, 0.01, 0.15)),
            "raw_steel",
            kit.translate(3.1, TOP + 0.01 * i, -4.3 + 0.02 * i) @ kit.rotate_y(15 * i),
        )
    return room


def build_booth(b: kit.SceneBuilder) -> None:
    tx, tz = TABLE
    b.add_parts("welding_table", welding_table(), kit.translate(tx, 0, tz))
    plate = kit.rounded_box((0.3, 0.01, 0.2), 0.002, segments=1)
    b.add("workpiece", plate, "raw_steel", kit.translate(tx - 0.15, TOP, tz + 0.05))
    b.add(
        "steel_plate", plate, "raw_steel", kit.translate(tx + 0.5, TOP, tz + 0.3) @ kit.rotate_y(25)
    )
    b.marker("plate_target", kit.translate(tx + 0.15, TOP, tz + 0.05))
    b.marker("weld_joint", kit.translate(tx, TOP + 0.01, tz + 0.05))
    bead = kit.merge(
        *(
            kit.ellipsoid((0.012, 0.006, 0.01), subdivisions=2).apply_translation(
                (0, 0, -0.09 + 0.018 * i)
            )
            for i in range(11)
        )
    )
    b.add("weld_bead", bead, "weld", kit.translate(tx, TOP + 0.008, tz + 0.05))
    b.marker("clamp_target", kit.translate(tx - 0.6, TOP, tz + 0.4))
    # The welder on its trolley, the gas cylinder chained behind it.
    mx, mz = MACHINE
    b.add_parts("welding_machine", mig_machine(), kit.translate(mx, 0, mz) @ kit.rotate_y(-20))
    b.add(
        "machine_switch",
        kit.rounded_box((0.05, 0.06, 0.02), 0.006),
        "indicator_red",
        kit.translate(0.09, 0.5, 0.31),
        parent="welding_machine",
    )
    b.add_parts("gas_cylinder", gas_cylinder(), kit.translate(mx + 0.15, 0, mz - 0.6))
    b.add(
        "gas_valve",
        kit.knob(0.04, 0.018, ridges=10),
        "black_plastic",
        kit.translate(0, 1.47, 0),
        parent="gas_cylinder",
    )
    # The torch and the earth clamp on their cables, resting on the table.
    # A MIG torch: a ridged grip along +X, the trigger, a bent swan neck to the nozzle.
    grip = [(0.0, 0.0), (0.014, 0.0), (0.018, 0.02), (0.019, 0.12), (0.014, 0.17), (0.01, 0.18)]
    grip.append((0.0, 0.18))
    neck = [(0.17, 0.02, 0), (0.22, 0.02, 0), (0.26, 0.014, 0), (0.3, 0.0, 0)]
    torch = kit.merge(
        kit.revolve(grip, sections=40, ridges=10, ridge_depth=0.05).apply_transform(
            kit.translate(0, 0.02, 0) @ kit.rotate_z(-90)
        ),
        kit.tube(neck, 0.009, sections=16),
        kit.rounded_box((0.03, 0.02, 0.015), 0.005, (0.06, 0.03, 0), segments=2),
    )
    b.add(
        "mig_torch",
        torch,
        "black_plastic",
        kit.translate(tx + 0.45, TOP, tz - 0.25) @ kit.rotate_y(160),
    )
    b.add(
        "mig_torch_nozzle",
        kit.cup(0.014, 0.011, 0.04, wall=0.002, sections=32).apply_transform(
            kit.translate(0.3, 0.0, 0) @ kit.rotate_z(-90)
        ),
        "brass",
        parent="mig_torch",
    )
    b.static(
        kit.polyline(
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
    # An earth clamp: two jaws on a pin, a coil spring between the handles.
    spring = [
        (0.06 + 0.004 * t, 0.03 + 0.01 * math.cos(t), 0.01 * math.sin(t))
        for t in np.linspace(0, 6 * math.pi, 37)
    ]
    clamp = kit.merge(
        kit.rounded_box((0.12, 0.03, 0.04), 0.008),
        kit.rounded_box((0.1, 0.02, 0.03), 0.006, (0.02, 0.04, 0)),
        kit.tube([(0.0, 0.035, -0.024), (0.0, 0.035, 0.024)], 0.005, sections=12),
        kit.tube(spring, 0.002, sections=8).apply_translation((-0.04, 0, 0)),
    )
    b.add("ground_clamp", clamp, "red_paint", kit.translate(tx + 0.95, 0.6, tz + 0.55))
    b.static(
        kit.polyline(
            [(mx - 0.12, 0.45, mz + 0.25), (1.1, 0.2, -0.9), (tx + 0.95, 0.6, tz + 0.55)], 0.01
        ),
        "cable",
    )
    grinder = kit.merge(
        kit.capsule(0.03, 0.26).apply_transform(kit.translate(0, 0.04, 0) @ kit.rotate_z(-90)),
        kit.chamfered_cylinder(0.06, 0.01, 0.002, sections=48).apply_translation((0.28, 0.02, 0)),
    )
    b.static(grinder, "steel_dark", kit.translate(tx - 0.45, TOP, tz - 0.3))
    # Fume extraction arm from the back curtain frame.
    arm = kit.merge(
        kit.tube(
            [
                (-0.8, 2.8, -2.4),
                (-0.7, 2.5, -2.2),
                (-0.6, 2.2, -2.0),
                (-0.45, 1.88, -1.82),
                (-0.3, 1.62, -1.7),
            ],
            0.05,
            sections=24,
        ),
        kit.cup(0.14, 0.045, 0.15, wall=0.006, sections=48).apply_transform(
            kit.translate(-0.3, 1.6, -1.7) @ kit.rotate_x(180)
        ),
    )
    b.add("fume_extractor", arm, "yellow_paint")
    # Side bench with the helmet and gloves.
    b.static_parts(
        kit.table(0.9, 0.55, TOP, top="wood", legs="steel_dark"),
        kit.translate(-1.2, 0, -0.2) @ kit.rotate_y(90),
    )
    dome = [
        (0.12 * math.cos(a), 0.12 + 0.14 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 12)
    ]
    shell = kit.revolve([(0.0, 0.0), (0.105, 0.0), (0.115, 0.04), *dome], sections=48)
    b.add(
        "welding_helmet",
        shell.apply_transform(kit.rotate_x(-90)).apply_translation((0, 0.1, 0)),
        "black_plastic",
        kit.translate(-1.2, TOP, -0.35) @ kit.rotate_y(60),
    )
    b.add(
        "welding_helmet_lens",
        kit.rounded_box((0.1, 0.05, 0.012), 0.004, (0, 0.12, 0.2), segments=2),
        "glass_dark",
        parent="welding_helmet",
    )
    glove = kit.glove(cuff=0.12, finger=0.011)
    b.add(
        "leather_gloves",
        kit.merge(glove, glove.copy().apply_translation((0.11, 0.0, 0.02))),
        "leather",
        kit.translate(-1.25, TOP, 0.1) @ kit.rotate_y(70),
    )
    b.static_parts(
        kit.cabinet(0.6, 0.45, 0.9, body="red_paint", drawers=5), kit.translate(1.0, 0, -4.7)
    )
    b.marker("spawn", kit.translate(0, 0, 0.3))
    b.marker("thumbnail_camera", kit.look_at((1.9, 1.95, 0.85), (0.1, 0.7, -2.0)))


# Text in the workshop (kit.signs): safety signs and the gas cylinder's label.
SIGNS = (
    kit.Sign(("สวมหน้ากากเชื่อม", "WEAR WELDING MASK"), (-1.15, 1.75, -2.494), 0.6, "mandatory"),
    kit.Sign(("ทางออก", "EXIT"), (2.6, 2.55, -4.997), 0.6, "exit", px=(256, 128)),
    kit.Sign(
        ("ห้ามสูบบุหรี่", "NO SMOKING"), (3.497, 1.5, -0.9), 0.5, "prohibition", px=(256, 128), yaw=-90
    ),
    kit.wrapped_label(
        ("CO2", "คาร์บอนไดออกไซด์"), "gas_cylinder", radius=0.116, y=0.95, width_m=0.14, px=(256, 128)
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "workshop": s.ambience(6.0, seed=901, hum_hz=50, bright=0.3),
        "gas": s.steam(1.5, seed=902),
        "extractor": s.ambience(4.0, seed=903, bright=0.7),
        "clamp": s.click(seed=904, pitch_hz=900, seconds=0.12),
        "plate": s.bell(350, notes=(1.0,), seconds=0.5),
        "machine": s.hum(50, 4.0, seed=905),
        "arc": s.weld_arc(3.0, seed=906, loop=False),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
