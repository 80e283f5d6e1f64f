"""Build `scene.glb` (and `thumbnail.png`) for the graphic designer scene: a small design studio.

In front of the visitor the design desk: a large monitor showing the label being designed, a
second screen, a pen tablet with its stylus and a colour swatch fan. On the left a cork mood
board on an easel with the client's brief and reference pictures; on the right a printer on a
cabinet, a tall cutting table with a green cutting mat and the sample jar, and at the back a
light box with a camera on a tripod. Colourful posters, shelves of packaging samples, plants
and a big window make it a studio.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

HEIGHT = 3.0
BACK = -4.0
DESK = (0.0, -0.85)  # the design desk (x, z), its visitor side towards +Z
DESK_TOP = 0.75
BOARD = (-1.45, -0.9)  # the mood board's easel (x, z)
PRINTER = (1.45, -0.75)
CUTTING = (1.35, 0.45)  # the tall cutting table (x, z)
CUTTING_TOP = 0.92
LIGHT_BOX = (1.3, -2.7)

NODES = kit.script_nodes(__file__)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(
        MATERIALS, build_room, build_desk, build_board, build_right_side, kit.signs(SIGNS)
    )


FLOOR_TEX = kit.wood_grain((206, 178, 140), (176, 146, 108), size=256, seed=91, planks=6)
WALL_TEX = kit.noise_texture((244, 244, 240), (232, 232, 226), size=64, seed=92)
CORK_TEX = kit.noise_texture((196, 150, 98), (160, 112, 66), size=64, seed=93, cells=24, contrast=2)
MAT_TEX = kit.tiles((40, 120, 80), (200, 230, 210), count=8, size=128, seed=94, grout_px=1)
RUG_TEX = kit.stripes((230, 120, 60), (60, 150, 160), count=5, size=128)
POSTER_TEXTURES = {
    "poster_a": kit.checker((240, 190, 40), (30, 120, 170), count=4, size=64),
    "poster_b": kit.stripes((230, 70, 90), (250, 240, 220), count=3, size=64),
    "poster_c": kit.tiles((90, 190, 150), (40, 40, 60), count=3, size=64, seed=95, grout_px=6),
}

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("studio_floor", FLOOR_TEX, tile_m=1.5, roughness=0.5),
        wall=kit.textured("studio_wall", WALL_TEX, tile_m=1.5, roughness=0.95),
    ),
    "cork": kit.textured("cork", CORK_TEX, tile_m=0.4, roughness=0.95),
    "cutting_mat": kit.textured("cutting_mat", MAT_TEX, tile_m=0.4, roughness=0.8),
    "rug": kit.textured("rug", RUG_TEX, tile_m=1.0, roughness=0.95),
    "label_cream": kit.plain("label_cream", (246, 234, 210), roughness=0.6),
    **{
        name: kit.textured(name, texture, tile_m=0.6, roughness=0.6)
        for name, texture in POSTER_TEXTURES.items()
    },
    "swatch_orange": kit.plain("swatch_orange", (240, 140, 40), roughness=0.5),
    "chilli_paste": kit.plain("chilli_paste", (120, 30, 20), roughness=0.3),
    "light_box": kit.plain("light_box", (250, 250, 250), roughness=0.9, emissive=(90, 90, 90)),
    "glass": kit.Material("glass", (210, 230, 240, 110), roughness=0.05),
}


def label(width: float, height: float, depth: float = 0.002) -> kit.Parts:
    """The chilli-paste label being designed, `width` x `height` in the XY plane facing +Z, its
    bottom edge centred on the origin: a red field, an orange sun, a cream band with the
    product name, and a dark footer."""
    sun = kit.cylinder(0.22 * width, depth, sections=48).apply_transform(
        kit.translate(0, 0.62 * height, depth) @ kit.rotate_x(90)
    )
    return [
        ("red_paint", kit.box((width, height, depth))),
        ("swatch_orange", sun),
        ("label_cream", kit.box((width, 0.16 * height, depth), (0, 0.2 * height, depth))),
        (
            "black_plastic",
            kit.merge(
                kit.box((0.6 * width, 0.05 * height, depth), (0, 0.255 * height, 2 * depth)),
                kit.box((width, 0.1 * height, depth), (0, 0.0, depth)),
            ),
        ),
    ]


def jar() -> kit.Parts:
    """A glass jar of chilli paste with a red lid and a wrap-around label, 0.11 m tall."""
    shoulder = [
        (0.044 - 0.008 * (1 - math.cos(a)), 0.08 + 0.01 * math.sin(a))
        for a in np.linspace(0, math.pi / 2, 9)
    ]
    glass = [(0.0, 0.0), (0.039, 0.0), (0.042, 0.003), *shoulder, (0.036, 0.095), (0.0, 0.095)]
    return [
        ("chilli_paste", kit.chamfered_cylinder(0.038, 0.08, 0.006, base_y=0.004, segments=3)),
        ("glass", kit.revolve(glass, sections=48)),
        (
            "red_paint",
            kit.chamfered_cylinder(0.046, 0.022, 0.004, base_y=0.09, segments=2, ridges=30),
        ),
        ("swatch_orange", kit.cylinder(0.0445, 0.045, base_y=0.025, sections=48)),
    ]


def easel() -> kit.Parts:
    """An easel holding a 1.0 x 0.8 m cork board, facing +Z (the board's centre 1.35 m up)."""
    legs = kit.merge(
        kit.tube([(-0.4, 0.0, 0.15), (-0.3, 1.9, 0.0)], 0.02),
        kit.tube([(0.4, 0.0, 0.15), (0.3, 1.9, 0.0)], 0.02),
        kit.tube([(0.0, 0.0, -0.45), (0.0, 1.85, -0.05)], 0.02),
        kit.rounded_box((0.9, 0.03, 0.06), 0.01, (0, 0.92, 0.1)),
    )
    board = kit.rounded_box((1.0, 0.8, 0.025), 0.01, (0, 0.95, 0.1))
    return [("cork", board), ("wood", legs)]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(
        6.0,
        5.5,
        HEIGHT,
        center_z=BACK + 2.75,
        windows=[kit.Window("left", -2.2, width=2.2, height=1.6, bottom=0.8)],
        doors=[kit.Door("right", -3.4)],
        skirting="white_plastic",
    )
    room.build(b)
    kit.ceiling_lights(b, [(0.0, -0.9), (0.0, -2.9), (-1.8, -1.9), (1.8, -1.9)], HEIGHT)
    b.static(kit.box((2.6, 0.006, 1.8)), "rug", kit.translate(0.0, 0, -0.4))
    # Framed posters on the back wall: the studio's past work.
    for i, (x, name) in enumerate(((-1.7, "poster_a"), (-0.2, "poster_b"), (1.3, "poster_c"))):
        height = 0.9 if i % 2 else 0.7
        b.static(kit.box((0.6, height, 0.02)), name, kit.translate(x, 1.3, BACK + 0.02))
        frame = kit.frame(0.66, height + 0.06, 0.03, 0.03, (0, -0.03, 0))
        b.static(frame, "black_plastic", kit.translate(x, 1.3, BACK + 0.025))
    # Shelves of packaging samples on the back wall, plants by the window.
    shelf_place = kit.translate(-0.2, 0, BACK + 0.2)
    b.static_parts(kit.shelf_unit(1.2, 0.3, 0.9, levels=3, frame="white_plastic"), shelf_place)
    samples = ("red_paint", "poster_a", "cardboard", "green_paint", "swatch_orange", "paper")
    for level in range(3):
        for k in range(5):
            size = (0.12 + 0.04 * (k % 2), 0.14 + 0.05 * ((k + level) % 3), 0.1)
            box = kit.box(size, (-0.45 + 0.22 * k, 0.125 + level * 0.375, 0))
            b.static(box, samples[(k + 2 * level) % len(samples)], shelf_place)
    for z in (-3.4, -1.0):
        b.static_parts(kit.plant(height=1.3), kit.translate(-2.6, 0, z))
    b.static_parts(kit.wall_clock(), kit.translate(1.3, 2.45, BACK))
    # A sofa with cushions for client meetings, and a bookcase of design books.
    sofa = kit.translate(-2.3, 0, -2.7) @ kit.rotate_y(90)
    b.static(
        kit.merge(kit.box((1.6, 0.42, 0.8)), kit.box((1.6, 0.45, 0.2), (0, 0.42, -0.3))),
        "fabric_blue",
        sofa,
    )
    cushions = [
        kit.ellipsoid((0.22, 0.2, 0.08)).apply_transform(
            kit.translate(x, 0.42, -0.14) @ kit.rotate_x(-12)
        )
        for x in (-0.5, 0.0, 0.5)
    ]
    for cushion, name in zip(cushions, ("swatch_orange", "poster_b", "yellow_paint"), strict=True):
        b.static(cushion, name, sofa)
    case = kit.translate(2.75, 0, -1.2) @ kit.rotate_y(-90)
    b.static_parts(kit.shelf_unit(1.0, 0.32, 1.8, levels=5, frame="wood", shelves="wood"), case)
    books = [
        kit.translate(-0.42 + 0.04 * k + 0.08 * (k // 5), 0.125 + 0.4125 * level, 0)
        @ kit.scale(1.0, 0.8 + 0.1 * ((k * 7 + level) % 4), 1.0)
        for level in range(1, 5)
        for k in range(16)
        if (k + level) % 7
    ]
    book = kit.box((0.035, 0.26, 0.22))
    b.static(kit.scatter(book, books[::2]), "blue_paint", case)
    b.static(kit.scatter(book, books[1::2]), "red_paint", case)
    return room


def build_desk(b: kit.SceneBuilder) -> None:
    dx, dz = DESK
    b.static_parts(
        kit.table(1.7, 0.8, DESK_TOP, top="white_plastic", legs="black_plastic"),
        kit.translate(dx, 0, dz),
    )
    b.static_parts(
        kit.chair(seat="fabric_grey", frame="black_plastic"),
        kit.translate(dx + 0.1, 0, dz + 0.75) @ kit.rotate_y(200),
    )
    b.add_parts(
        "design_monitor",
        kit.monitor(width=0.7, height=0.42),
        kit.translate(dx, DESK_TOP, dz - 0.22),
    )
    b.add_parts(
        "design_label", label(0.24, 0.34), kit.translate(0, 0.14, 0.015), parent="design_monitor"
    )
    b.static_parts(
        kit.monitor(width=0.45, height=0.3),
        kit.translate(dx + 0.62, DESK_TOP, dz - 0.12) @ kit.rotate_y(-30),
    )
    b.add(
        "pen_tablet",
        kit.rounded_box((0.36, 0.012, 0.24), 0.006, segments=2),
        "black_plastic",
        kit.translate(dx + 0.05, DESK_TOP, dz + 0.12),
    )
    b.add(
        "pen_tablet_area",
        kit.rounded_box((0.26, 0.002, 0.16), 0.001, (0.02, 0.0115, 0), segments=1),
        "grey_plastic",
        parent="pen_tablet",
    )
    # A pen: a rounded barrel with a rubber grip and a side switch, tapering to the nib.
    pen = [(0.0, 0.0), (0.004, 0.0), (0.006, 0.004), (0.0062, 0.09), (0.0068, 0.1), (0.0068, 0.13)]
    pen += [(0.0062, 0.138), (0.0058, 0.15), (0.003, 0.165), (0.0008, 0.168), (0.0, 0.168)]
    stylus = kit.merge(
        kit.revolve(pen, sections=32).apply_transform(
            kit.translate(0, 0.01, 0) @ kit.rotate_z(-90)
        ),
        kit.rounded_box((0.018, 0.004, 0.005), 0.0019, (0.1, 0.0155, 0), segments=2),
    )
    b.add(
        "stylus",
        stylus,
        "black_plastic",
        kit.translate(dx + 0.18, DESK_TOP + 0.012, dz + 0.16) @ kit.rotate_y(30),
    )
    # The colour swatch fan: a stack of coloured strips on a pivot.
    strips = [
        (
            name,
            kit.rounded_box(
                (0.05, 0.004, 0.2), 0.0019, (0, 0.004 * i, 0.1), segments=2
            ).apply_transform(kit.rotate_y(12 * i)),
        )
        for i, name in enumerate(("red_paint", "swatch_orange", "yellow_paint", "red_paint"))
    ]
    b.add_parts("colour_swatch", strips, kit.translate(dx - 0.45, DESK_TOP, dz + 0.05))
    # Keyboard (keys in rows), a desk lamp, headphones and a mug of pens.
    keyboard = kit.translate(dx - 0.22, DESK_TOP, dz + 0.05)
    b.static(kit.box((0.42, 0.018, 0.15)), "white_plastic", keyboard)
    keys = [
        kit.translate(-0.18 + 0.026 * col, 0.018, -0.055 + 0.027 * row)
        for row in range(5)
        for col in range(14)
    ]
    key = kit.rounded_box((0.022, 0.008, 0.022), 0.003, segments=1)
    b.static(kit.scatter(key, keys), "grey_plastic", keyboard)
    lamp = kit.merge(
        kit.cylinder(0.08, 0.02, sections=32),
        kit.rod((0.0, 0.02, 0.0), (0.05, 0.38, -0.05), 0.01, 10),
        kit.rod((0.05, 0.38, -0.05), (0.25, 0.45, 0.0), 0.01, 10),
        kit.lathe(
            [(0.0, 0.0), (0.02, 0.0), (0.07, -0.1), (0.0, -0.09)], sections=32
        ).apply_transform(kit.translate(0.27, 0.45, 0.0) @ kit.rotate_z(-25)),
    )
    b.static(lamp, "steel_dark", kit.translate(dx - 0.8, DESK_TOP, dz - 0.25))
    phones = kit.merge(
        kit.upright_torus(0.085, 0.012, (0, 0.085, 0), major_sections=40, minor_sections=10),
        *kit.side_cylinders(
            0.045, 0.03, [(0, 0.04, s * 0.02 - 0.015) for s in (-1, 1)], sections=24
        ),
    )
    b.static(
        phones,
        "black_plastic",
        kit.translate(dx + 0.55, DESK_TOP, dz + 0.2) @ kit.rotate_y(70) @ kit.rotate_x(80),
    )
    b.static(
        kit.cylinder(0.04, 0.1, sections=16),
        "swatch_orange",
        kit.translate(dx - 0.7, DESK_TOP, dz - 0.2),
    )
    for i in range(3):
        b.static(
            kit.rod((0, 0.05, 0), (0.01 * (i - 1), 0.18, 0.01 * i), 0.004, 6),
            ("blue_paint", "green_paint", "red_paint")[i],
            kit.translate(dx - 0.7, DESK_TOP, dz - 0.2),
        )


def build_board(b: kit.SceneBuilder) -> None:
    bx, bz = BOARD
    place = kit.translate(bx, 0, bz) @ kit.rotate_y(30)
    b.add_parts("mood_board", easel(), place)
    b.add(
        "client_brief",
        kit.box((0.21, 0.3, 0.004)),
        "paper",
        kit.translate(-0.25, 1.25, 0.115),
        parent="mood_board",
    )
    b.add(
        "client_brief_text",
        kit.merge(
            *(
                kit.box((0.15 - 0.03 * (k % 2), 0.012, 0.002), (0, 0.24 - 0.035 * k, 0.003))
                for k in range(6)
            )
        ),
        "black_plastic",
        parent="client_brief",
    )
    b.marker("swatch_spot", kit.translate(0.15, 1.25, 0.16) @ kit.rotate_x(90), parent="mood_board")
    pictures = (("poster_a", -0.05, 1.55), ("poster_b", 0.28, 1.52), ("poster_c", 0.3, 1.05))
    for name, x, y in pictures:
        b.add(
            f"mood_{name}",
            kit.box((0.18, 0.13, 0.004)),
            name,
            kit.translate(x, y, 0.115),
            parent="mood_board",
        )
    pins = [
        kit.sphere(0.008, subdivisions=2).apply_translation((x, y + 0.28, 0.12))
        for x, y in ((-0.25, 1.25), (-0.05, 1.38), (0.28, 1.35))
    ]
    b.add("mood_pins", kit.merge(*pins), "red_paint", parent="mood_board")


def build_right_side(b: kit.SceneBuilder) -> None:
    # The printer on a low cabinet, its output tray towards the visitor, the proof in the tray.
    px, pz = PRINTER
    b.static_parts(
        kit.cabinet(0.6, 0.5, 0.6, body="white_plastic", handles="black_plastic", drawers=2),
        kit.translate(px, 0, pz) @ kit.rotate_y(-60),
    )
    body = kit.merge(
        kit.rounded_box((0.5, 0.26, 0.42), 0.025),
        kit.rounded_box((0.34, 0.012, 0.16), 0.005, (0, 0.08, 0.26), segments=2),  # output tray
    )
    b.add("printer", body, "grey_plastic", kit.translate(px, 0.6, pz) @ kit.rotate_y(-60))
    b.add(
        "printer_lid",
        kit.rounded_box((0.48, 0.02, 0.3), 0.008, (0, 0.255, -0.05)),
        "black_plastic",
        parent="printer",
    )
    b.add(
        "print_button",
        kit.chamfered_cylinder(
            0.018, 0.012, 0.004, base_y=0.26, sections=40, segments=3
        ).apply_translation((0.17, 0, 0.14)),
        "indicator_green",
        parent="printer",
    )
    b.add(
        "proof_print",
        kit.box((0.21, 0.003, 0.297)),
        "paper",
        kit.translate(px, 0.6, pz) @ kit.rotate_y(-60) @ kit.translate(0, 0.095, 0.28),
    )
    b.add_parts(
        "proof_label",
        label(0.17, 0.25),
        kit.translate(0, 0.003, 0.125) @ kit.rotate_x(-90),
        parent="proof_print",
    )
    # The tall cutting table with the mat, a steel ruler, a knife and the sample jar.
    cx, cz = CUTTING
    b.static_parts(
        kit.table(0.9, 0.7, CUTTING_TOP, top="wood", legs="steel_dark"),
        kit.translate(cx, 0, cz) @ kit.rotate_y(-90),
    )
    b.add(
        "cutting_mat",
        kit.rounded_box((0.45, 0.004, 0.6), 0.0019, segments=2),
        "cutting_mat",
        kit.translate(cx, CUTTING_TOP, cz - 0.05),
    )
    b.static(kit.box((0.03, 0.003, 0.5)), "steel", kit.translate(cx + 0.28, CUTTING_TOP, cz - 0.05))
    b.static(
        kit.capsule(0.007, 0.14).apply_transform(kit.translate(0, 0.008, 0) @ kit.rotate_z(-90)),
        "swatch_orange",
        kit.translate(cx - 0.3, CUTTING_TOP, cz - 0.3),
    )
    b.add_parts("sample_jar", jar(), kit.translate(cx - 0.05, CUTTING_TOP, cz + 0.33))
    for i in range(2):
        b.static_parts(jar(), kit.translate(cx + 0.15 + 0.1 * i, CUTTING_TOP, cz + 0.33))
    # The light box at the back right, and the camera on its tripod in front of it.
    lx, lz = LIGHT_BOX
    b.static_parts(
        kit.table(0.9, 0.7, 0.7, top="white_plastic", legs="steel"), kit.translate(lx, 0, lz)
    )
    tent = kit.merge(
        kit.box((0.6, 0.01, 0.5)),
        kit.box((0.6, 0.5, 0.01), (0, 0, -0.25)),
        kit.box((0.01, 0.5, 0.5), (-0.3, 0, 0)),
        kit.box((0.01, 0.5, 0.5), (0.3, 0, 0)),
        kit.box((0.6, 0.01, 0.5), (0, 0.5, 0)),
    )
    b.add("light_box", tent, "light_box", kit.translate(lx, 0.7, lz))
    b.marker("photo_spot", kit.translate(0, 0.01, 0.05), parent="light_box")
    tripod = kit.merge(
        *(
            kit.tube([(0.0, 1.2, 0.0), (0.3 * np.cos(a), 0.0, 0.3 * np.sin(a))], 0.01, sections=12)
            for a in np.linspace(0.3, 0.3 + 2 * np.pi, 3, endpoint=False)
        ),
        kit.tube([(0.0, 1.2, 0.0), (0.0, 1.3, 0.0)], 0.015, round_ends=False),
        kit.knob(0.04, 0.03, ridges=0).apply_translation((0, 1.17, 0)),
    )
    b.static(tripod, "steel_dark", kit.translate(lx - 0.05, 0, lz + 1.1))
    # A mirrorless camera: the body with its grip, a ridged zoom lens, the shutter dial.
    lens = [(0.0, 0.0), (0.03, 0.0), (0.032, 0.01), (0.032, 0.03), (0.034, 0.035), (0.034, 0.06)]
    lens += [(0.031, 0.07), (0.022, 0.072), (0.02, 0.066), (0.0, 0.066)]
    camera = kit.merge(
        kit.rounded_box((0.13, 0.09, 0.05), 0.012),
        kit.rounded_box((0.035, 0.08, 0.03), 0.012, (0.05, 0.0, 0.03)),
        kit.rounded_box((0.04, 0.025, 0.04), 0.008, (-0.02, 0.08, 0.0)),
        kit.knob(0.011, 0.008).apply_translation((0.04, 0.09, 0.0)),
        kit.revolve(lens, sections=48, ridges=24, ridge_depth=0.03).apply_transform(
            kit.translate(0, 0.045, -0.02) @ kit.rotate_x(-90)
        ),
    )
    b.add("camera", camera, "black_plastic", kit.translate(lx - 0.05, 1.3, lz + 1.1))
    b.marker("spawn", kit.translate(0.1, 0, 0.5))
    b.marker("thumbnail_camera", kit.look_at((1.1, 1.8, 1.3), (-0.6, 0.9, -1.8)))


# Text in the studio (kit.signs): the product name on the label being designed and on the
# sample jar, the client's brief on the board and on the second screen.
SIGNS = (
    kit.Sign(
        ("น้ำพริกเผาแม่มาลี", "MAE MALEE CHILLI PASTE"),
        (0, 0.095, 0.0065),
        0.22,
        "cream",
        px=(512, 128),
        parent="design_label",
    ),
    kit.wrapped_label(
        ("น้ำพริกเผา",),
        "sample_jar",
        radius=0.0455,
        y=0.047,
        width_m=0.07,
        px=(128, 64),
        style="cream",
    ),
    kit.Sign(
        ("บรีฟงาน", "ฉลากน้ำพริกเผาแม่มาลี", "ดูทันสมัย แต่ยังเป็นไทย", "สี: แดง ส้ม ครีม", "ส่งงาน: วันศุกร์"),
        (0, 0.16, 0.0045),
        0.2,
        "info",
        px=(256, 256),
        parent="client_brief",
    ),
    kit.Sign(
        ("บรีฟ: ฉลากน้ำพริกเผา", "ขนาด 6 x 8.5 ซม.", "สี: แดง ส้ม ครีม", "ส่งงาน: วันศุกร์"),
        (0.613, 1.0, -0.957),
        0.42,
        "screen",
        yaw=-30,
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "studio": s.ambience(6.0, seed=1001, bright=0.4),
        "swatch": s.click(seed=1002, pitch_hz=1500),
        "stylus": s.repeat(s.click(seed=1003, pitch_hz=3000, seconds=0.04), 4, 0.2),
        "printer": s.drill(3.0, seed=1004, motor_hz=110),  # the proof printer's mechanism
        "cut": s.steam(0.5, seed=1005),  # the knife along the ruler
        "jar": s.click(seed=1006, pitch_hz=2200),
        "shutter": s.repeat(s.click(seed=1007, pitch_hz=2000, seconds=0.05), 2, 0.06),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
