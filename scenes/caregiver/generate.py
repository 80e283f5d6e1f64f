"""Build `scene.glb` (and `thumbnail.png`) for the elderly caregiver scene: a care bedroom at home.

An elderly woman rests in an adjustable care bed (side rails, hand control, overbed table);
around her a bedside cabinet with a pill organiser, water glass, hand gel and a blood pressure
monitor, a wheelchair, a walking frame, the care plan on the wall, a window with curtains, an
armchair for visitors, a clock and a calendar.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

BACK = -4.2
BED_X, BED_Z = -1.2, -2.7  # centre of the bed; its head is at -X
MATTRESS_TOP = 0.62

NODES = kit.script_nodes(__file__)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(
        MATERIALS, build_room, build_bed, build_cabinet, build_wheelchair, kit.signs(SIGNS)
    )


VINYL_TEX = kit.wood_grain((206, 172, 132), (170, 132, 94), size=256, seed=41, planks=4)
WARM_WALL_TEX = kit.noise_texture((238, 226, 204), (228, 214, 190), size=64, seed=42)
LINEN_TEX = kit.fabric((236, 240, 246), size=64, seed=43, threads=16)
BLANKET_TEX = kit.fabric((120, 170, 200), size=64, seed=44, threads=12)
CURTAIN_TEX = kit.fabric((214, 160, 110), size=64, seed=45, threads=10)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("vinyl", VINYL_TEX, tile_m=1.0, roughness=0.5),
        wall=kit.textured("warm_wall", WARM_WALL_TEX, tile_m=1.5, roughness=0.95),
    ),
    "bed_frame": kit.plain("bed_frame", (228, 230, 232), metallic=0.3, roughness=0.4),
    "linen": kit.textured("linen", LINEN_TEX, tile_m=0.25, roughness=0.95),
    "blanket": kit.textured("blanket", BLANKET_TEX, tile_m=0.3, roughness=0.95),
    "curtain": kit.textured("curtain", CURTAIN_TEX, tile_m=0.4, roughness=0.95, double_sided=True),
    "skin": kit.plain("skin", (226, 184, 150), roughness=0.7),
    "hair": kit.plain("hair", (210, 210, 214), roughness=0.9),
    "pajama": kit.plain("pajama", (170, 200, 150), roughness=0.9),
    "pills": kit.plain("pills", (250, 250, 250), roughness=0.4),
    "pill_box": kit.plain("pill_box", (150, 110, 200), roughness=0.3),
    "water": kit.Material("water", (180, 220, 240, 160), roughness=0.05),
    "gel": kit.plain("gel", (120, 200, 230), roughness=0.2),
}


def care_bed() -> kit.Parts:
    """An adjustable care bed 2.0 x 0.95 m along X, head raised a little, with side rails."""
    mattress_flat = kit.rounded_box((1.3, 0.16, 0.9), 0.05, (0.3, MATTRESS_TOP - 0.16, 0))
    head = kit.rounded_box((0.7, 0.16, 0.9), 0.05, (-0.35, 0, 0)).apply_transform(
        kit.translate(-0.35, MATTRESS_TOP - 0.16, 0) @ kit.rotate_z(-20)
    )
    frame = [kit.box((2.0, 0.08, 0.95), (0, MATTRESS_TOP - 0.26, 0))]
    for x in (-0.9, 0.9):
        for z in (-0.4, 0.4):
            frame.append(kit.box((0.05, MATTRESS_TOP - 0.32, 0.05), (x, 0.1, z)))
    frame.append(kit.box((0.05, 0.95, 0.98), (-1.03, 0.1, 0)))  # head board
    frame.append(kit.box((0.05, 0.75, 0.98), (1.03, 0.1, 0)))  # foot board
    rails = []
    for z in (-0.49, 0.49):
        for y in (MATTRESS_TOP + 0.12, MATTRESS_TOP + 0.27):
            rails.append(kit.tube([(-0.85, y, z), (0.05, y, z)], 0.015))
        for x in (-0.8, 0.0):
            rails.append(kit.tube([(x, MATTRESS_TOP - 0.1, z), (x, MATTRESS_TOP + 0.27, z)], 0.015))
    wheel = kit.chamfered_cylinder(0.05, 0.04, 0.012, sections=32, segments=3)
    casters = [
        wheel.copy().apply_transform(kit.translate(x, 0.05, z - 0.02) @ kit.rotate_x(90))
        for x in (-0.9, 0.9)
        for z in (-0.4, 0.4)
    ]
    return [
        ("bed_frame", kit.merge(*frame, *rails)),
        ("linen", kit.merge(mattress_flat, head)),
        ("rubber", kit.merge(*casters)),
        (
            "wood",
            kit.merge(
                kit.box((0.02, 0.4, 0.9), (-1.05, 0.65, 0)),
                kit.box((0.02, 0.3, 0.9), (1.05, 0.55, 0)),
            ),
        ),
    ]


def patient() -> kit.Parts:
    """An elderly woman resting: head on the pillow, blanket over her body (in bed coordinates)."""
    y = MATTRESS_TOP
    head = kit.sphere(0.1, subdivisions=3).apply_transform(kit.translate(-0.62, y + 0.32, 0))
    hair = kit.ellipsoid((0.105, 0.08, 0.11)).apply_transform(kit.translate(-0.66, y + 0.27, 0))
    body = kit.ellipsoid((0.62, 0.13, 0.3)).apply_transform(kit.translate(0.25, y - 0.04, 0))
    chest = kit.ellipsoid((0.25, 0.12, 0.24)).apply_transform(
        kit.translate(-0.35, y + 0.08, 0) @ kit.rotate_z(-20)
    )
    pillow = kit.ellipsoid((0.22, 0.07, 0.34)).apply_transform(
        kit.translate(-0.72, y + 0.12, 0) @ kit.rotate_z(-20)
    )
    return [
        ("skin", head),
        ("hair", hair),
        ("blanket", kit.merge(body, chest)),
        ("linen", pillow),
    ]


def wheelchair() -> kit.Parts:
    """A folding wheelchair facing +Z (seat 0.48 m up)."""
    # A rear wheel: tyre, rim, a push rim beside it and 24 spokes round a hub.
    wheel = kit.merge(
        kit.torus(0.27, 0.02, major_sections=72, minor_sections=12),
        kit.torus(0.245, 0.008, major_sections=72, minor_sections=8),
        kit.torus(0.26, 0.007, major_sections=72, minor_sections=8).apply_translation(
            (0, 0.035, 0)
        ),
        kit.chamfered_cylinder(0.025, 0.05, 0.008, base_y=-0.025, sections=24, segments=2),
        *(
            kit.rod((0, 0, 0), (0.24 * math.cos(a), 0, 0.24 * math.sin(a)), 0.002, 6)
            for a in np.linspace(0, 2 * math.pi, 24, endpoint=False)
        ),
    ).apply_transform(kit.rotate_z(90))
    frame, grips = [], []
    for sx in (-1, 1):
        x = sx * 0.24
        frame += [
            kit.tube([(x, 0.48, 0.22), (x, 0.48, -0.2), (x, 0.98, -0.26), (x, 0.98, -0.38)], 0.012),
            kit.tube([(x, 0.48, 0.22), (x * 0.8, 0.12, 0.4)], 0.011),
            kit.tube([(x, 0.66, 0.18), (x, 0.66, -0.15)], 0.014),
            kit.tube([(x, 0.1, 0.3), (x, 0.48, 0.2)], 0.011),
        ]
        grips.append(
            kit.capsule(0.017, 0.11).apply_transform(
                kit.translate(x, 0.98, -0.27) @ kit.rotate_x(-90)
            )
        )
    tyres = [wheel.copy().apply_translation((sx * 0.3, 0.29, -0.1)) for sx in (-1, 1)]
    caster = kit.chamfered_cylinder(0.06, 0.03, 0.01, sections=32, segments=3)
    casters = [
        caster.copy().apply_transform(
            kit.translate(sx * 0.22 - 0.015, 0.06, 0.3) @ kit.rotate_z(-90)
        )
        for sx in (-1, 1)
    ]
    footrest = kit.rounded_box((0.38, 0.02, 0.12), 0.008, (0, 0.1, 0.42))
    return [
        (
            "fabric_blue",
            kit.merge(
                kit.rounded_box((0.46, 0.04, 0.42), 0.015, (0, 0.46, 0.0)),
                kit.rounded_box((0.46, 0.38, 0.03), 0.012, (0, 0.56, -0.22)),
            ),
        ),
        ("chrome", kit.merge(*frame)),
        ("rubber", kit.merge(*tyres, *casters, *grips, footrest)),
    ]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(
        5.4,
        5.2,
        2.7,
        center_z=BACK + 2.6,
        center_x=0.0,
        windows=[kit.Window("back", 0.8, width=1.5, height=1.2, bottom=0.85)],
        doors=[kit.Door("right", -1.2)],
        skirting="wood",
    )
    room.build(b)
    kit.ceiling_lights(b, [(-0.6, -2.0)], 2.7, size=(0.6, 0.6))
    # Curtains either side of the window and a rail above it.
    for x in (-0.15, 1.75):
        pleats = [
            kit.cylinder(0.04, 1.8, sections=10).apply_translation((x + 0.07 * i - 0.14, 0.5, 0))
            for i in range(5)
        ]
        b.static(kit.merge(*pleats), "curtain", kit.translate(0, 0, BACK + 0.12))
    b.static(kit.rod((-0.4, 2.33, BACK + 0.12), (2.0, 2.33, BACK + 0.12), 0.015), "chrome")
    b.static_parts(
        kit.chair(seat="fabric_grey", frame="wood_dark"),
        kit.translate(1.9, 0, -3.4) @ kit.rotate_y(-30),
    )
    b.static_parts(kit.plant(height=1.2), kit.translate(2.3, 0, -1.9))
    b.static_parts(kit.wall_clock(), kit.translate(-1.2, 2.1, BACK))
    b.static(
        kit.box((0.3, 0.42, 0.01)), "paper", kit.translate(-2.2, 1.3, BACK + 0.005)
    )  # calendar
    b.static(
        kit.merge(
            *(
                kit.box(
                    (0.035, 0.03, 0.002),
                    (-2.31 + 0.043 * (i % 6), 1.36 + 0.05 * (i // 6), BACK + 0.011),
                )
                for i in range(24)
            )
        ),
        "red_paint",
    )
    # A grab rail on the wall and a walking frame by the bed.
    b.static(kit.rod((-2.69, 0.85, -1.3), (-2.69, 0.85, -0.3), 0.018), "chrome")
    walker = []
    for sx in (-1, 1):
        for sz in (-1, 1):
            walker.append(kit.rod((sx * 0.25, 0.0, sz * 0.2), (sx * 0.24, 0.85, sz * 0.18), 0.012))
        walker.append(kit.rod((sx * 0.24, 0.85, -0.18), (sx * 0.24, 0.85, 0.18), 0.014))
    walker.append(kit.rod((-0.24, 0.85, -0.18), (0.24, 0.85, -0.18), 0.012))
    walker.append(kit.rod((-0.24, 0.3, -0.18), (0.24, 0.3, -0.18), 0.01))
    b.static(kit.merge(*walker), "chrome", kit.translate(0.4, 0, -3.6))
    return room


def build_bed(b: kit.SceneBuilder) -> None:
    place = kit.translate(BED_X, 0, BED_Z)
    b.add_parts("care_bed", care_bed(), place)
    b.add_parts("patient", patient(), place)
    arm = kit.merge(
        kit.tube(
            [(-0.35, MATTRESS_TOP + 0.14, 0.27), (0.0, MATTRESS_TOP + 0.1, 0.3)], 0.035, sections=24
        ),
        kit.ellipsoid((0.05, 0.02, 0.035), subdivisions=3).apply_translation(
            (0.05, MATTRESS_TOP + 0.08, 0.3)
        ),
    )
    b.add("patient_arm", arm, "pajama", place)
    cable = [(0, 0.13, 0), (0, 0.2, 0.0), (0.01, 0.25, -0.02), (0.02, 0.26, -0.06)]
    pendant = kit.merge(
        kit.rounded_box((0.06, 0.14, 0.03), 0.012),
        kit.tube(cable, 0.004, sections=10),
    )
    b.add(
        "bed_control",
        pendant,
        "grey_plastic",
        kit.translate(BED_X - 0.3, MATTRESS_TOP + 0.02, BED_Z + 0.52),
    )
    b.add(
        "bed_control_buttons",
        kit.merge(
            *(
                kit.chamfered_cylinder(
                    0.008, 0.006, 0.002, sections=24, segments=2
                ).apply_transform(kit.translate(0, 0.03 + 0.03 * i, 0.013) @ kit.rotate_x(90))
                for i in range(3)
            )
        ),
        "blue_paint",
        parent="bed_control",
    )
    # Overbed table on the visitor's side of the bed.
    table_parts = kit.merge(
        kit.rounded_box((0.8, 0.025, 0.4), 0.012, (0, 0.86, 0)),
        kit.tube([(0.36, 0.05, 0.0), (0.36, 0.86, 0.0)], 0.02, round_ends=False),
        kit.rounded_box((0.08, 0.04, 0.5), 0.015, (0.36, 0.0, 0)),
    )
    b.add("bed_table", table_parts, "bed_frame", kit.translate(BED_X + 0.3, 0, BED_Z + 0.3))
    b.marker("glass_spot", kit.translate(-0.2, 0.885, 0.05), parent="bed_table")


def build_cabinet(b: kit.SceneBuilder) -> None:
    x, z = -1.6, -1.45
    top = 0.72
    b.static_parts(
        kit.cabinet(0.5, 0.45, top, body="wood", handles="chrome", drawers=3),
        kit.translate(x, 0, z),
    )
    # A pump bottle of alcohol gel: the bottle, a ridged collar, the pump's stem and nozzle.
    gel = kit.merge(
        kit.bottle(0.035, 0.16, neck=0.012, neck_height=0.015, shoulder=0.03, sections=48),
        kit.chamfered_cylinder(0.016, 0.016, 0.003, base_y=0.15, sections=40, ridges=16),
        kit.tube([(0, 0.166, 0), (0, 0.185, 0)], 0.006, sections=16, round_ends=False),
        kit.rounded_box((0.05, 0.012, 0.014), 0.005, (0.015, 0.18, 0), segments=2),
    )
    b.add("hand_gel", gel, "gel", kit.translate(x - 0.18, top, z - 0.1))
    organiser = kit.merge(
        *(kit.box((0.045, 0.03, 0.06), (0.05 * i - 0.15, 0, 0)) for i in range(7))
    )
    b.static(organiser, "pill_box", kit.translate(x + 0.02, top, z - 0.12))
    cup = kit.cup(0.025, 0.03, 0.05, wall=0.002, sections=48)
    b.add("pill_cup", cup, "white_plastic", kit.translate(x - 0.05, top, z + 0.08))
    b.add(
        "pill_cup_pills",
        kit.merge(
            kit.capsule(0.005, 0.018).apply_transform(
                kit.translate(-0.008, 0.007, 0) @ kit.rotate_z(-90)
            ),
            kit.chamfered_cylinder(0.007, 0.005, 0.002, base_y=0.003, sections=24, segments=2),
            kit.capsule(0.005, 0.018).apply_transform(
                kit.translate(0.006, 0.012, -0.006) @ kit.rotate_x(90)
            ),
        ),
        "pills",
        parent="pill_cup",
    )
    glass = kit.cup(0.032, 0.037, 0.12, wall=0.003, sections=56, foot=0.01)
    b.add("water_glass", glass, "water", kit.translate(x + 0.12, top, z + 0.08))
    # Blood pressure monitor with its cuff.
    monitor = kit.merge(
        kit.rounded_box((0.12, 0.05, 0.15), 0.012),
        *(
            kit.chamfered_cylinder(
                0.008, 0.005, 0.002, base_y=0.048, sections=24
            ).apply_translation((dx, 0, 0.035))
            for dx in (-0.03, 0.0, 0.03)
        ),
    )
    b.add(
        "bp_monitor",
        monitor,
        "white_plastic",
        kit.translate(x + 0.1, top, z - 0.08) @ kit.rotate_y(20),
    )
    b.add(
        "bp_display", kit.box((0.07, 0.003, 0.045), (0, 0.05, -0.03)), "screen", parent="bp_monitor"
    )
    # The cuff rolled up, its tube curling to the connector.
    hose = [(0.08, 0.055, 0.0), (0.12, 0.07, 0.02), (0.17, 0.05, 0.03), (0.2, 0.03, 0.01)]
    cuff = kit.merge(
        kit.chamfered_cylinder(0.03, 0.16, 0.008, sections=40, segments=3).apply_transform(
            kit.translate(0, 0.03, 0) @ kit.rotate_z(-90)
        ),
        kit.tube(hose, 0.004, sections=10),
        kit.rounded_box((0.04, 0.02, 0.02), 0.006, (0.2, 0.02, 0)),
    )
    b.add(
        "bp_cuff",
        cuff,
        "fabric_grey",
        kit.translate(x - 0.05, top + 0.5, z + 0.35) @ kit.rotate_y(30) @ kit.translate(0, -0.5, 0),
    )
    b.add_parts(
        "care_plan",
        kit.clipboard(),
        kit.translate(-2.68, 1.35, -1.2) @ kit.rotate_y(90) @ kit.rotate_x(90),
    )


def build_wheelchair(b: kit.SceneBuilder) -> None:
    b.add_parts("wheelchair", wheelchair(), kit.translate(1.5, 0, -0.9) @ kit.rotate_y(-120))
    b.add(
        "wheelchair_brake",
        kit.merge(
            kit.rounded_box((0.03, 0.12, 0.03), 0.008),
            kit.sphere(0.02, subdivisions=3).apply_translation((0, 0.12, 0)),
        ),
        "red_paint",
        kit.translate(0.27, 0.42, 0.1),
        parent="wheelchair",
    )
    b.marker("wheelchair_target", kit.translate(BED_X + 1.0, 0, BED_Z + 0.95))
    b.marker("spawn", kit.translate(0, 0, 0.2))
    b.marker("thumbnail_camera", kit.look_at((1.0, 1.65, -0.1), (-1.3, 0.75, -2.8)))


# Text in the care bedroom (kit.signs): the care plan, emergency numbers, the medicine and the
# blood pressure reading, in Thai as a Thai family writes them.
SIGNS = (
    kit.clipboard_sheet(
        (
            "แผนการดูแล คุณยายสมศรี",
            "ยา: 08:00 หลังอาหารเช้า, 20:00",
            "ความดัน: ไม่เกิน 140/90",
            "ชอบ: ฟังเพลงลูกกรุง",
            "ไม่ชอบ: น้ำเย็นจัด",
        ),
        "care_plan",
        width_m=0.2,
    ),
    kit.Sign(
        ("เบอร์โทรฉุกเฉิน", "EMERGENCY", "1669 การแพทย์ฉุกเฉิน", "ลูกสาว 081 234 5678"),
        (-1.72, 1.45, BACK + 0.003),
        0.24,
        "info",
        px=(256, 256),
    ),
    kit.Sign(("ธันวาคม 2569",), (-2.2, 1.63, BACK + 0.0115), 0.26, "label", px=(256, 64)),
    kit.wrapped_label(
        ("เจลล้างมือ", "แอลกอฮอล์ 70%"), "hand_gel", radius=0.0355, y=0.08, width_m=0.08, px=(128, 64)
    ),
    kit.Sign(
        ("128/82", "ชีพจร 76"),
        (0, 0.0535, -0.03),
        0.065,
        "screen",
        px=(128, 64),
        tilt=-90,
        parent="bp_monitor",
    ),
    *(
        kit.Sign((day,), (-1.73 + 0.05 * i, 0.735, -1.539), 0.04, "label", px=(64, 32))
        for i, day in enumerate(("อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"))
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    heartbeat = s.repeat(s.beep(980, 0.1), 2, 0.9)[: s.RATE]  # one beep a second
    return {
        "ward": s.ambience(6.0, seed=601, hum_hz=50, bright=0.2),
        "monitor": heartbeat,
        "gel": s.steam(0.4, seed=602),
        "bed": s.drill(2.0, seed=603, motor_hz=90),  # the bed's lift motor
        "cuff": s.steam(1.8, seed=604),
        "bp_done": s.beep(1200, 0.15, repeat=3),
        "set_down": s.click(seed=605, pitch_hz=1600),
        "brake": s.click(seed=606, pitch_hz=700, seconds=0.1),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
