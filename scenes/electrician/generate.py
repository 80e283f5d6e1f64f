"""Build `scene.glb` (and `thumbnail.png`) for the electrician scene: a flat being rewired.

A living room under renovation: the consumer unit (main breaker, RCD, circuit breakers) on the
back wall, an open socket box with cable ends, a ceiling light point without its bulb, an
aluminium step ladder, a folding table with the tools of the trade (voltage tester, multimeter,
new socket, LED bulb, pliers), a cable reel, a tool bag, paint tins and a dust sheet.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

TABLE_TOP = 0.9
BACK = -4.0
CU = (-1.3, 1.45)  # consumer unit centre (x, y) on the back wall
SOCKET = (0.9, 1.1)  # the socket box on the back wall
LIGHT_POINT = (0.4, -2.2)  # the ceiling light (x, z)
HEIGHT = 2.7

NODES = kit.script_nodes(__file__)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_room, build_wall_work, build_tools, kit.signs(SIGNS))


PARQUET_TEX = kit.wood_grain((196, 150, 100), (150, 104, 64), size=256, seed=31, planks=5)
PLASTER_TEX = kit.noise_texture((238, 234, 224), (222, 216, 204), size=64, seed=32)
DUST_SHEET_TEX = kit.fabric((222, 218, 206), size=64, seed=33, threads=12)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("parquet", PARQUET_TEX, tile_m=1.2, roughness=0.55),
        wall=kit.textured("plaster", PLASTER_TEX, tile_m=1.5, roughness=0.95),
    ),
    "toggle_red": kit.plain("toggle_red", (210, 36, 28), roughness=0.4),
    "rcd_blue": kit.plain("rcd_blue", (40, 90, 190), roughness=0.4),
    "wire_brown": kit.plain("wire_brown", (140, 80, 40), roughness=0.5),
    "wire_blue": kit.plain("wire_blue", (40, 80, 200), roughness=0.5),
    "bulb": kit.plain("bulb", (255, 252, 236), roughness=0.2, emissive=(120, 116, 100)),
    "orange": kit.plain("orange", (240, 110, 20), roughness=0.6),
    "dust_sheet": kit.textured(
        "dust_sheet", DUST_SHEET_TEX, tile_m=0.5, roughness=0.95, double_sided=True
    ),
}


def consumer_unit() -> kit.Parts:
    """A 12-way consumer unit (Thai: ตู้คอนซูมเมอร์ยูนิต), door open, 0.45 x 0.32 m."""
    breaker = kit.rounded_box((0.018, 0.07, 0.03), 0.003, segments=2)
    toggle = kit.rounded_box((0.008, 0.02, 0.012), 0.0025, segments=2)
    shell = kit.merge(
        kit.rounded_box((0.46, 0.32, 0.1), 0.012),
        kit.rounded_box((0.02, 0.32, 0.3), 0.006, (0.24, 0, 0.15)),
    )
    return [
        ("white_plastic", shell),
        ("black_plastic", kit.rounded_box((0.42, 0.08, 0.02), 0.004, (0, 0.12, 0.1))),
        (
            "white_plastic",
            kit.scatter(breaker, [kit.translate(0.04 + 0.021 * i, 0.125, 0.1) for i in range(8)]),
        ),
        (
            "black_plastic",
            kit.scatter(toggle, [kit.translate(0.04 + 0.021 * i, 0.15, 0.13) for i in range(8)]),
        ),
    ]


def ladder() -> kit.Parts:
    """An aluminium A-frame step ladder, 1.5 m, facing +Z."""
    rails = [
        kit.tube([(sx * 0.23, 0, 0.38), (sx * 0.17, 1.5, 0.02)], 0.02, sections=24)
        for sx in (-1, 1)
    ]
    rails += [kit.tube([(sx * 0.23, 0, -0.42), (sx * 0.17, 1.46, -0.02)], 0.016) for sx in (-1, 1)]
    steps = [
        kit.rounded_box((0.42 - 0.05 * i, 0.025, 0.09), 0.006, (0, 0.3 + 0.33 * i, 0.3 - 0.083 * i))
        for i in range(4)
    ]
    foot = kit.rounded_box((0.05, 0.03, 0.06), 0.01)
    feet = kit.scatter(
        foot, [kit.translate(sx * 0.23, 0, z) for sx in (-1, 1) for z in (0.38, -0.42)]
    )
    top = kit.rounded_box((0.42, 0.05, 0.16), 0.015, (0, 1.48, 0))
    return [("steel", kit.merge(*rails, *steps)), ("black_plastic", kit.merge(top, feet))]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(
        5.2,
        5.0,
        HEIGHT,
        center_z=BACK + 2.5,
        windows=[kit.Window("right", -2.4, width=1.6, height=1.3, bottom=0.8)],
        doors=[kit.Door("left", -1.0)],
        skirting="wood_dark",
    )
    room.build(b)
    kit.ceiling_lights(b, [(-1.4, -0.6)], HEIGHT, size=(0.6, 0.6))
    # Dust sheet, paint tins and a roller: the room is being renovated.
    b.static(
        kit.box((2.2, 0.004, 1.6)), "dust_sheet", kit.translate(-1.3, 0, -1.6) @ kit.rotate_y(8)
    )
    tin = kit.lathe([(0, 0), (0.12, 0), (0.12, 0.2), (0.0, 0.2)], sections=24)
    b.static(tin, "white_plastic", kit.translate(-2.1, 0, -2.1))
    b.static(tin, "blue_paint", kit.translate(-1.85, 0, -2.3))
    b.static(
        kit.rod((0, 0, 0), (0, 0.3, 0), 0.03).apply_transform(kit.rotate_z(80)),
        "fabric_grey",
        kit.translate(-1.5, 0.05, -2.05),
    )
    b.static_parts(kit.plant(height=1.0), kit.translate(2.2, 0, -3.5))
    # A sofa under a dust sheet, a bookcase, and a split-type air conditioner on the wall.
    sofa = kit.merge(
        kit.box((1.9, 0.45, 0.85)),
        kit.box((1.9, 0.4, 0.2), (0, 0.45, -0.33)),
        *(kit.ellipsoid((0.25, 0.12, 0.3)).apply_translation((x, 0.4, 0.05)) for x in (-0.5, 0.5)),
    )
    b.static(sofa, "dust_sheet", kit.translate(-1.9, 0, -3.3) @ kit.rotate_y(90))
    shelf_place = kit.translate(2.4, 0, -0.7) @ kit.rotate_y(-90)
    b.static_parts(
        kit.shelf_unit(0.9, 0.3, 1.8, levels=5, frame="wood_dark", shelves="wood_dark"), shelf_place
    )
    colours = ("red_paint", "blue_paint", "green_paint", "yellow_paint", "white_plastic")
    for level in range(1, 4):
        for i in range(7):
            height = 0.22 + 0.03 * ((i * 5 + level) % 4)
            book = kit.box((0.035, height, 0.2), (-0.33 + 0.1 * i, 0.12 + level * 0.41, 0))
            b.static(book, colours[(i + level) % 5], shelf_place)
    aircon = kit.merge(
        kit.box((0.9, 0.3, 0.22)),
        kit.box((0.8, 0.02, 0.06), (0, 0.03, 0.1)).apply_transform(kit.rotate_x(-20)),
    )
    b.static(aircon, "white_plastic", kit.translate(1.0, 2.15, BACK + 0.11))
    b.static(
        kit.box((0.7, 0.015, 0.01), (0, 0.06, 0.112)),
        "grey_plastic",
        kit.translate(1.0, 2.15, BACK + 0.11),
    )
    b.static_parts(kit.wall_clock(), kit.translate(-0.3, 2.1, BACK))
    for i, size in enumerate([(0.5, 0.35, 0.4), (0.4, 0.3, 0.35)]):
        b.static_parts(kit.carton(size), kit.translate(0.1, 0.35 * i, -3.6) @ kit.rotate_y(10 * i))
    return room


def build_wall_work(b: kit.SceneBuilder) -> None:
    cx, cy = CU
    b.add_parts("consumer_unit", consumer_unit(), kit.translate(cx, cy - 0.16, BACK))
    # The double-pole main switch and the RCD with its test button, rounded like the real ones.
    main_breaker = kit.rounded_box((0.05, 0.07, 0.035), 0.004)
    b.add(
        "main_breaker",
        main_breaker,
        "white_plastic",
        kit.translate(-0.19, 0.09, 0.1),
        parent="consumer_unit",
    )
    toggle = kit.rounded_box((0.02, 0.025, 0.02), 0.005, (0, 0.035, 0.035))
    b.add("main_breaker_toggle", toggle, "toggle_red", parent="main_breaker")
    rcd = kit.rounded_box((0.04, 0.07, 0.035), 0.004)
    b.add("rcd", rcd, "rcd_blue", kit.translate(-0.14, 0.09, 0.1), parent="consumer_unit")
    button = kit.chamfered_cylinder(0.006, 0.01, 0.002, sections=24, segments=2)
    b.add(
        "rcd_test",
        button.apply_transform(kit.rotate_x(90)),
        "yellow_paint",
        kit.translate(0.0, 0.05, 0.035),
        parent="rcd",
    )
    # Trunking from the consumer unit along the wall to the socket and up to the ceiling.
    sx, sy = SOCKET
    trunk = kit.merge(
        kit.box((0.04, HEIGHT - cy - 0.16, 0.02), (cx, cy + 0.16, 0)),
        kit.box((sx - cx, 0.04, 0.02), ((sx + cx) / 2, cy + 0.35, 0)),
        kit.box((0.04, cy + 0.35 - sy - 0.06, 0.02), (sx, sy + 0.06, 0)),
    )
    b.static(trunk, "white_plastic", kit.translate(0, 0, BACK + 0.01))
    # The open socket box with its three wire ends (live brown, neutral blue, earth green).
    socket_box = kit.merge(
        kit.box((0.09, 0.09, 0.004), (0, 0, 0.002)),
        kit.box((0.09, 0.004, 0.04), (0, 0, 0.02)),
        kit.box((0.09, 0.004, 0.04), (0, 0.086, 0.02)),
        kit.box((0.004, 0.09, 0.04), (-0.043, 0, 0.02)),
        kit.box((0.004, 0.09, 0.04), (0.043, 0, 0.02)),
    )
    b.add("socket_box", socket_box, "black_plastic", kit.translate(sx, sy - 0.045, BACK))
    for i, material in enumerate(("wire_brown", "wire_blue", "green_paint")):
        x = -0.02 + 0.02 * i
        b.add(
            f"socket_wire_{i}",
            kit.tube(
                [(x, 0.07, 0.01), (x, 0.065, 0.035), (x, 0.055, 0.06), (x + 0.01, 0.03, 0.08)],
                0.003,
                sections=10,
            ),
            material,
            parent="socket_box",
        )
    # The ceiling light point: a rose with a lamp holder, no bulb yet.
    lx, lz = LIGHT_POINT
    b.add(
        "ceiling_lamp",
        kit.merge(
            kit.chamfered_cylinder(0.06, 0.03, 0.01, base_y=-0.03, sections=48, segments=3),
            kit.cup(0.2, 0.2, 0.02, wall=0.006, sections=64).apply_translation((0, -0.2, 0)),
        ),
        "white_plastic",
        kit.translate(lx, HEIGHT, lz),
    )
    b.add(
        "lamp_holder",
        kit.chamfered_cylinder(0.022, 0.05, 0.004, base_y=-0.08, sections=40, ridges=12),
        "black_plastic",
        kit.translate(0, -0.03, 0),
        parent="ceiling_lamp",
    )
    b.static(
        kit.polyline(
            [
                (cx, HEIGHT - 0.01, BACK + 0.01),
                (cx, HEIGHT - 0.01, lz),
                (lx - 0.05, HEIGHT - 0.01, lz),
            ],
            0.008,
        ),
        "white_plastic",
    )


def build_tools(b: kit.SceneBuilder) -> None:
    b.static_parts(
        kit.table(1.4, 0.7, TABLE_TOP, top="wood", legs="steel_dark"), kit.translate(-0.2, 0, -0.9)
    )
    y = TABLE_TOP
    # A screwdriver voltage tester: a ridged grip along +X, the shaft, the bare tip.
    grip = [(0.0, 0.0), (0.006, 0.0), (0.008, 0.008), (0.008, 0.12), (0.007, 0.135)]
    grip += [(0.0045, 0.15), (0.004, 0.16), (0.0, 0.16)]
    along_x = kit.translate(0, 0.01, 0) @ kit.rotate_z(-90)
    tester = kit.merge(
        kit.revolve(grip, sections=32, ridges=8, ridge_depth=0.1).apply_transform(along_x),
        kit.tube([(0.16, 0.01, 0), (0.2, 0.01, 0)], 0.002, sections=12, round_ends=False),
    )
    b.add("voltage_tester", tester, "red_paint", kit.translate(-0.7, y, -0.8) @ kit.rotate_y(20))
    tip = kit.tube([(0.2, 0.01, 0), (0.23, 0.01, 0)], 0.002, sections=12)
    b.add("voltage_tester_tip", tip, "chrome", parent="voltage_tester")
    meter = kit.merge(
        kit.rounded_box((0.09, 0.035, 0.17), 0.008),
        kit.rounded_box((0.06, 0.002, 0.05), 0.001, (0, 0.035, -0.04), segments=1),
    )
    b.static(meter, "orange", kit.translate(-0.45, y, -1.05))
    b.static(
        kit.knob(0.018, 0.008).apply_translation((0, 0.035, 0.03)),
        "black_plastic",
        kit.translate(-0.45, y, -1.05),
    )
    b.static(
        kit.box((0.055, 0.003, 0.04), (0, 0.036, -0.04)), "screen", kit.translate(-0.45, y, -1.05)
    )
    socket = kit.merge(
        kit.rounded_box((0.086, 0.012, 0.086), 0.004),
        kit.rounded_box((0.07, 0.014, 0.07), 0.006, (0, 0.008, 0)),
    )
    b.add("new_socket", socket, "white_plastic", kit.translate(-0.15, y, -0.75))
    b.add(
        "new_socket_holes",
        kit.merge(
            *(
                kit.cylinder(0.004, 0.002, base_y=0.021, sections=16).apply_translation((dx, 0, dz))
                for dx, dz in ((-0.012, 0.0), (0.012, 0.0), (0.0, -0.02))
            )
        ),
        "black_plastic",
        parent="new_socket",
    )
    # An A60 LED bulb: an E27 screw base (ridged like its thread), the white neck, the dome.
    dome = [
        (0.03 * math.sin(a), 0.075 + 0.035 * math.sin(a + math.pi / 2))
        for a in np.linspace(math.pi / 2, 0, 10)
    ]
    bulb = kit.merge(
        kit.chamfered_cylinder(0.0135, 0.025, 0.003, sections=48, segments=2, ridges=6),
        kit.revolve(
            [(0.0, 0.024), (0.016, 0.024), (0.022, 0.04), (0.029, 0.06), (0.03, 0.075), *dome],
            sections=48,
        ),
    )
    b.add(
        "led_bulb",
        bulb,
        "bulb",
        kit.translate(0.2, y, -0.8) @ kit.rotate_z(90) @ kit.translate(0, -0.03, 0),
    )
    pliers = kit.merge(
        kit.tube([(0.01, 0.01, 0.003), (0.06, 0.01, 0.016), (0.12, 0.01, 0.025)], 0.006),
        kit.tube([(0.01, 0.01, -0.003), (0.06, 0.01, -0.016), (0.12, 0.01, -0.025)], 0.006),
    )
    b.static(pliers, "red_paint", kit.translate(0.35, y, -1.0))
    b.static(
        kit.merge(
            kit.rod((-0.06, 0.01, 0), (0, 0.01, 0.005), 0.005),
            kit.rod((-0.06, 0.01, 0), (0, 0.01, -0.005), 0.005),
        ),
        "steel_dark",
        kit.translate(0.35, y, -1.0),
    )
    gloves = kit.merge(
        kit.glove(), kit.glove().apply_transform(kit.translate(0.07, 0.012, 0.02) @ kit.rotate_y(8))
    )
    b.add("insulated_gloves", gloves, "orange", kit.translate(0.5, y, -0.7) @ kit.rotate_y(-15))
    # Cable reel, helmet and tool bag on the floor.
    flange = kit.chamfered_cylinder(0.16, 0.02, 0.006, sections=64, segments=2)
    reel = kit.merge(
        flange,
        flange.copy().apply_translation((0, 0.14, 0)),
        kit.chamfered_cylinder(0.05, 0.16, 0.004, sections=40),
        kit.pull_handle(0.1, 0.06, 0.01).apply_translation((0, 0.16, 0)),
    )
    b.static(reel, "red_paint", kit.translate(1.3, 0, -1.5))
    b.static(
        kit.chamfered_cylinder(0.12, 0.12, 0.012, base_y=0.02, sections=72, segments=3, ridges=36),
        "grey_plastic",
        kit.translate(1.3, 0, -1.5),
    )
    b.static(
        kit.polyline([(1.3, 0.1, -1.38), (1.1, 0.01, -1.1), (0.6, 0.01, -1.2)], 0.006),
        "grey_plastic",
    )
    dome = [(0.15 * math.cos(a), 0.12 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 17)]
    helmet = kit.merge(
        kit.revolve([(0.0, 0.0), *dome], sections=56),
        kit.rounded_box((0.22, 0.01, 0.3), 0.005, (0, 0, 0.04), segments=2),
    )
    b.static(helmet, "yellow_paint", kit.translate(0.35, y, -1.25))
    bag = kit.merge(
        kit.box((0.45, 0.26, 0.22)),
        kit.upright_torus(0.14, 0.012, (0, 0.26, 0), major_sections=16, minor_sections=5),
    )
    b.static(bag, "fabric_grey", kit.translate(-1.1, 0, -0.4) @ kit.rotate_y(25))
    b.add_parts("ladder", ladder(), kit.translate(1.7, 0, -2.6) @ kit.rotate_y(-30))
    lx, lz = LIGHT_POINT
    b.marker("ladder_target", kit.translate(lx, 0, lz))
    b.marker("spawn", kit.translate(0, 0, 0.5))
    b.marker("thumbnail_camera", kit.look_at((1.3, 1.7, 0.8), (-0.5, 1.0, -3.2)))


# Text in the flat (kit.signs): the danger sign by the consumer unit and its circuit chart.
SIGNS = (
    kit.Sign(
        ("อันตราย", "ไฟฟ้าแรงสูง", "DANGER HIGH VOLTAGE"),
        (CU[0] - 0.45, CU[1], BACK + 0.003),
        0.28,
        "warning",
        px=(256, 256),
    ),
    kit.Sign(
        ("1 ไฟแสงสว่าง  2 ปลั๊ก  3 แอร์  4 เครื่องทำน้ำอุ่น",),
        (0, 0.045, 0.0515),
        0.4,
        "label",
        px=(512, 64),
        parent="consumer_unit",
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The job's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "room": s.ambience(6.0, seed=301, bright=0.15),
        "breaker": s.click(seed=302, pitch_hz=900, seconds=0.12),
        "tester": s.beep(3200, 0.1, repeat=3, gap_s=0.06),
        "drill": s.drill(2.0, seed=303),
        "ladder": s.repeat(s.thud(seed=304, seconds=0.25), 2, 0.08),
        "bulb": s.repeat(s.click(seed=305, pitch_hz=3200), 3, 0.15),
        "hum": s.hum(50, 4.0, seed=306),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
