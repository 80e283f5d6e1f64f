"""Build `scene.glb` (and `thumbnail.png`) for the Thai massage scene: a spa treatment room.

The visitor stands at the foot of a Thai massage mat on a teak floor. On the mat a client
rests in indigo spa clothes, her head on a pillow. To the right a counter with the herbal
compress steamer, the compress on its tray, the herbal drink and a shelf of rolled towels; to
the left the small table with the health form and a wash basin. Around them: a low tea table,
triangle cushions, a chart of the body's lines, orchids, lanterns and shuttered windows.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

HEIGHT = 2.8
BACK = -3.9
MAT = (0.0, -1.2)  # centre (x, z) of the massage mat; the client's head towards -X
MAT_TOP = 0.1
COUNTER = (1.75, -0.6)  # the side counter against the right wall (x, z of its centre)
COUNTER_TOP = 0.85
FORM_TABLE = (-1.05, 0.1)
BASIN = (-2.2, -0.7)  # wash basin against the left wall (x, z)

NODES = kit.script_nodes(__file__)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(
        MATERIALS, build_room, build_mat, build_counter, build_left_side, kit.signs(SIGNS)
    )


TEAK_FLOOR_TEX = kit.wood_grain((150, 96, 56), (104, 62, 32), size=256, seed=71, planks=4)
WALL_TEX = kit.noise_texture((236, 222, 196), (222, 204, 174), size=64, seed=72)
MAT_TEX = kit.fabric((170, 40, 40), size=64, seed=73, threads=16)
SPA_CLOTH_TEX = kit.fabric((46, 58, 110), size=64, seed=74, threads=16)
TOWEL_TEX = kit.fabric((244, 242, 234), size=64, seed=75, threads=24)
COMPRESS_TEX = kit.noise_texture((226, 206, 150), (196, 168, 104), size=64, seed=76, cells=16)
GOLD_SILK_TEX = kit.stripes((214, 168, 60), (150, 40, 40), count=6, size=64)
PANEL_TEX = kit.wood_grain((124, 80, 44), (86, 52, 26), size=128, seed=77, planks=3)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("teak_floor", TEAK_FLOOR_TEX, tile_m=1.4, roughness=0.45),
        wall=kit.textured("spa_wall", WALL_TEX, tile_m=1.5, roughness=0.95),
    ),
    "mat": kit.textured("mat", MAT_TEX, tile_m=0.4, roughness=0.9),
    "spa_cloth": kit.textured("spa_cloth", SPA_CLOTH_TEX, tile_m=0.3, roughness=0.9),
    "towel": kit.textured("towel", TOWEL_TEX, tile_m=0.2, roughness=0.95),
    "compress": kit.textured("compress", COMPRESS_TEX, tile_m=0.1, roughness=0.9),
    "gold_silk": kit.textured("gold_silk", GOLD_SILK_TEX, tile_m=0.3, roughness=0.5),
    "teak_panel": kit.textured("teak_panel", PANEL_TEX, tile_m=0.8, roughness=0.5),
    "skin": kit.plain("skin", (200, 150, 112), roughness=0.65),
    "hair": kit.plain("hair", (28, 22, 20), roughness=0.6),
    "brass": kit.plain("brass", (200, 160, 70), metallic=0.9, roughness=0.3),
    "herbal_tea": kit.plain("herbal_tea", (196, 170, 70), roughness=0.1),
    "orchid": kit.plain("orchid", (214, 90, 190), roughness=0.5),
    "lantern": kit.plain("lantern", (255, 210, 140), roughness=0.6, emissive=(200, 130, 60)),
    "chart_ink": kit.plain("chart_ink", (150, 40, 30), roughness=0.8),
}


def client() -> tuple[kit.Parts, Any, Any]:
    """The client lying on her back along X (head at -X), in mat coordinates: her clothed body
    and hands as parts, and the head and the feet as separate meshes (the script points at
    them)."""
    y = MAT_TOP
    torso = kit.ellipsoid((0.36, 0.12, 0.19)).apply_translation((-0.25, y, 0))
    hips = kit.ellipsoid((0.17, 0.12, 0.18)).apply_translation((0.1, y, 0))
    legs = [
        kit.merge(
            kit.rod((0.15, y + 0.08, 0.09 * s), (0.5, y + 0.09, 0.1 * s), 0.075, 14),
            kit.rod((0.5, y + 0.09, 0.1 * s), (0.8, y + 0.06, 0.11 * s), 0.058, 14),
            kit.sphere(0.074, subdivisions=2).apply_translation((0.5, y + 0.09, 0.1 * s)),
        )
        for s in (-1, 1)
    ]
    arms = [
        kit.merge(
            kit.rod((-0.5, y + 0.08, 0.24 * s), (-0.2, y + 0.06, 0.27 * s), 0.045, 12),
            kit.rod((-0.2, y + 0.06, 0.27 * s), (0.05, y + 0.05, 0.27 * s), 0.038, 12),
        )
        for s in (-1, 1)
    ]
    hands = [
        kit.ellipsoid((0.07, 0.02, 0.04)).apply_translation((0.1, y + 0.02, 0.27 * s))
        for s in (-1, 1)
    ]
    neck = kit.rod((-0.62, y + 0.12, 0), (-0.7, y + 0.14, 0), 0.045, 12)
    head = kit.merge(
        kit.ellipsoid((0.1, 0.1, 0.085)).apply_translation((-0.8, y + 0.1, 0)),
        kit.ellipsoid((0.03, 0.02, 0.02)).apply_translation((-0.82, y + 0.19, 0)),  # nose
    )
    hair = kit.ellipsoid((0.11, 0.09, 0.095)).apply_translation((-0.85, y + 0.08, 0))
    feet = kit.merge(
        *(
            kit.ellipsoid((0.05, 0.11, 0.045)).apply_translation((0.86, y + 0.02, 0.11 * s))
            for s in (-1, 1)
        )
    )
    parts: kit.Parts = [
        ("spa_cloth", kit.merge(torso, hips, *legs, *arms)),
        ("skin", kit.merge(*hands, neck)),
        ("hair", hair),
    ]
    return parts, head, feet


def herbal_compress() -> Any:
    """A Thai herbal compress (ลูกประคบ): a cloth ball of herbs tied into a tail, 0.2 m tall."""
    # The cloth gathered into pleats round the ball and up the neck, tied with a string.
    ball = [
        (0.065 * math.sin(a), 0.06 - 0.06 * math.cos(a)) for a in np.linspace(0, 0.8 * math.pi, 15)
    ]
    neck = [(0.026, 0.118), (0.016, 0.135), (0.015, 0.15), (0.018, 0.17), (0.021, 0.19)]
    cloth = kit.revolve(
        [*ball, *neck, (0.015, 0.2), (0.0, 0.2)], sections=48, ridges=14, ridge_depth=0.06
    )
    tie = kit.torus(0.017, 0.004, major_sections=32, minor_sections=8).apply_translation(
        (0, 0.138, 0)
    )
    return kit.merge(cloth, tie)


def steamer() -> kit.Parts:
    """A two-tier steel steamer pot on an electric hotplate; its lid has a brass knob."""
    tiers = [(0.0, 0.06), (0.148, 0.06), (0.155, 0.066), (0.16, 0.2), (0.166, 0.204)]
    tiers += [(0.166, 0.212), (0.152, 0.214), (0.16, 0.34), (0.0, 0.34)]
    pot = kit.revolve(tiers, sections=64)
    dome = [
        (0.165 - 0.045 * (1 - math.cos(a)), 0.345 + 0.05 * math.sin(a))
        for a in np.linspace(0, math.pi / 2, 9)
    ]
    lid = kit.revolve([(0.0, 0.335), (0.168, 0.335), (0.17, 0.342), *dome, (0.0, 0.4)], sections=64)
    handles = kit.merge(
        *(
            kit.pull_handle(0.07, 0.035, 0.007).apply_transform(
                kit.translate(s * 0.158, 0.26, 0)
                @ kit.rotate_y(90 * (1 - s))
                @ kit.rotate_x(-90)
                @ kit.rotate_z(-90)
            )
            for s in (-1, 1)
        )
    )
    plate = kit.merge(
        kit.rounded_box((0.34, 0.06, 0.34), 0.012),
        kit.knob(0.015, 0.015).apply_transform(kit.translate(0.1, 0.03, 0.17) @ kit.rotate_x(90)),
    )
    return [
        ("steel", kit.merge(pot, lid)),
        ("black_plastic", kit.merge(plate, handles)),
        ("brass", kit.knob(0.018, 0.02, ridges=0).apply_translation((0, 0.39, 0))),
    ]


def triangle_cushion() -> kit.Parts:
    """A Thai triangle cushion (หมอนอิงสามเหลี่ยม) with its base mattress, facing +Z."""
    back = kit.prism([(-0.25, 0.0), (0.25, 0.0), (0.0, 0.45)], 0.3).apply_transform(
        kit.translate(0, 0.12, -0.2)
    )
    seat = kit.box((0.55, 0.12, 0.6))
    trim = kit.merge(
        kit.box((0.56, 0.02, 0.61), (0, 0.05, 0)), kit.box((0.08, 0.3, 0.31), (0, 0.12, -0.2))
    )
    return [("gold_silk", kit.merge(back, seat)), ("mat", trim)]


def orchid(height: float = 0.55) -> kit.Parts:
    """A potted orchid: a ceramic pot, a bent stem and a spray of flowers."""
    stem_points = [(0.0, 0.12, 0.0), (0.02, height * 0.6, 0.0), (0.1, height, 0.02)]
    flowers = [
        kit.ellipsoid((0.035, 0.02, 0.035), subdivisions=1).apply_translation(
            (0.02 + 0.09 * t, height * 0.6 + (height * 0.4) * t - 0.01, 0.02 * math.sin(6 * t))
        )
        for t in np.linspace(0.1, 1.0, 6)
    ]
    leaves = [
        kit.ellipsoid((0.12, 0.012, 0.04), subdivisions=1).apply_transform(
            kit.translate(0, 0.13, 0) @ kit.rotate_y(70 * i) @ kit.translate(0.08, 0, 0)
        )
        for i in range(4)
    ]
    return [
        ("ceramic", kit.lathe([(0.0, 0.0), (0.06, 0.0), (0.08, 0.13), (0.0, 0.12)], sections=20)),
        ("green_paint", kit.merge(kit.polyline(stem_points, 0.005, 6), *leaves)),
        ("orchid", kit.merge(*flowers)),
    ]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(
        5.0,
        5.0,
        HEIGHT,
        center_z=BACK + 2.5,
        windows=[kit.Window("back", x, width=1.0, height=1.4, bottom=0.9) for x in (-1.2, 1.2)],
        doors=[kit.Door("left", 0.4)],
        skirting="wood_dark",
    )
    room.build(b)
    # Teak wall panelling at the back between the windows, with a chart of the body's lines.
    b.static(kit.box((0.9, 2.2, 0.03)), "teak_panel", kit.translate(0.0, 0.0, BACK + 0.015))
    b.static(kit.box((0.56, 0.86, 0.01)), "paper", kit.translate(0.0, 1.15, BACK + 0.035))
    figure = [
        kit.box((0.1, 0.1, 0.004), (0, 1.82, 0)),  # head
        kit.box((0.16, 0.3, 0.004), (0, 1.5, 0)),  # body
        *(kit.box((0.04, 0.28, 0.004), (s * 0.06, 1.22, 0)) for s in (-1, 1)),  # legs
        *(kit.box((0.03, 0.26, 0.004), (s * 0.11, 1.54, 0)) for s in (-1, 1)),  # arms
    ]
    lines = [
        kit.box((0.006, 0.62, 0.002), (s * 0.025 * k, 1.2, 0.004)) for s in (-1, 1) for k in (1, 2)
    ]
    b.static(kit.merge(*figure), "skin", kit.translate(0.0, 0.0, BACK + 0.042))
    b.static(kit.merge(*lines), "chart_ink", kit.translate(0.0, 0.0, BACK + 0.042))
    # Wooden shutters beside each window and a warm lantern above each.
    for x in (-1.2, 1.2):
        for s in (-1, 1):
            shutter = kit.box((0.5, 1.4, 0.03), (x + s * 0.78, 0.9, BACK + 0.03))
            b.static(shutter, "teak_panel")
        lamp = kit.merge(
            kit.lathe([(0.0, 0.0), (0.09, 0.03), (0.1, 0.2), (0.06, 0.26), (0.0, 0.26)]),
        )
        b.static(lamp, "lantern", kit.translate(x, 2.15, BACK + 0.35))
        b.static(kit.rod((x, 2.41, BACK + 0.35), (x, HEIGHT, BACK + 0.35), 0.006), "brass")
    # Ceiling: dark teak beams and a soft panel light.
    for z in (-3.0, -1.8, -0.6, 0.6):
        b.static(kit.box((5.0, 0.12, 0.12), (0, HEIGHT - 0.12, z)), "wood_dark")
    kit.ceiling_lights(b, [(0.0, -1.2)], HEIGHT, size=(0.6, 0.6))
    # Triangle cushions in the back corners, plants, a folding screen.
    b.static_parts(triangle_cushion(), kit.translate(-2.0, 0, -3.3) @ kit.rotate_y(30))
    b.static_parts(triangle_cushion(), kit.translate(2.0, 0, -3.3) @ kit.rotate_y(-30))
    b.static_parts(kit.plant(height=1.5), kit.translate(-2.1, 0, -2.2))
    for i in range(3):
        angle = [-20, 20, -20][i]
        b.static(
            kit.box((0.55, 1.7, 0.03)),
            "teak_panel",
            kit.translate(2.25 - 0.05 * i, 0, -2.6 + 0.55 * i) @ kit.rotate_y(90 + angle),
        )
    return room


def build_mat(b: kit.SceneBuilder) -> None:
    mx, mz = MAT
    place = kit.translate(mx, 0, mz)
    mattress = kit.merge(
        kit.box((2.1, MAT_TOP - 0.01, 0.95)),
        kit.box((2.1, 0.01, 0.95), (0, MAT_TOP - 0.01, 0)),
    )
    b.add("massage_mat", mattress, "mat", place)
    b.static(kit.box((2.2, 0.012, 1.05), (0, 0, 0)), "gold_silk", place)
    pillow = kit.ellipsoid((0.16, 0.055, 0.26)).apply_translation((-0.86, MAT_TOP - 0.01, 0))
    b.static(pillow, "towel", place)
    parts, head, feet = client()
    b.add_parts("client", parts, place)
    b.add("client_head", head, "skin", parent="client")
    b.add("client_feet", feet, "skin", parent="client")
    b.marker("knee_support", kit.translate(0.5, MAT_TOP + 0.02, 0), parent="client")
    # The client's right shoulder is on the visitor's side (+Z) of the mat.
    b.marker("shoulder_spot", kit.translate(-0.55, MAT_TOP + 0.18, 0.2), parent="client")
    # A low tea table by the pillow end with a tea pot and a bowl of limes.
    tx, tz = mx - 1.55, mz + 0.2
    table = kit.table(0.6, 0.45, 0.32, top="wood_dark", legs="wood_dark", thickness=0.03, leg=0.05)
    b.static_parts(table, kit.translate(tx, 0, tz))
    b.marker("drink_spot", kit.translate(tx + 0.1, 0.32, tz + 0.05))
    teapot = kit.merge(
        kit.revolve(
            [
                (0.0, 0.0),
                (0.065, 0.0),
                (0.075, 0.015),
                (0.08, 0.06),
                (0.065, 0.1),
                (0.05, 0.11),
                (0.0, 0.12),
            ],
            sections=40,
        ),
        kit.knob(0.012, 0.015, ridges=0).apply_translation((0, 0.115, 0)),
        kit.tube([(0.06, 0.04, 0), (0.1, 0.07, 0), (0.13, 0.1, 0)], 0.01, sections=12),
        kit.pull_handle(0.07, 0.04, 0.006).apply_transform(
            kit.translate(-0.07, 0.06, 0) @ kit.rotate_z(90)
        ),
    )
    b.static(teapot, "ceramic", kit.translate(tx - 0.15, 0.32, tz - 0.05))


def build_counter(b: kit.SceneBuilder) -> None:
    cx, cz = COUNTER
    b.static_parts(
        kit.cabinet(1.6, 0.55, COUNTER_TOP - 0.03, body="teak_panel", handles="brass", drawers=3),
        kit.translate(cx, 0, cz) @ kit.rotate_y(-90),
    )
    b.static(kit.box((0.6, 0.03, 1.65)), "wood_dark", kit.translate(cx, COUNTER_TOP - 0.03, cz))
    top = COUNTER_TOP
    b.add_parts("compress_steamer", steamer(), kit.translate(cx - 0.05, top, cz - 0.45))
    b.marker("steamer_top", kit.translate(0, 0.43, 0), parent="compress_steamer")
    tray = kit.merge(
        kit.box((0.34, 0.015, 0.24)),
        *(kit.box((0.34, 0.03, 0.012), (0, 0.0, s * 0.12)) for s in (-1, 1)),
    )
    b.static(tray, "wood", kit.translate(cx - 0.05, top, cz + 0.02))
    b.add(
        "herbal_compress",
        herbal_compress(),
        "compress",
        kit.translate(cx - 0.1, top + 0.015, cz + 0.02),
    )
    b.static(herbal_compress(), "compress", kit.translate(cx + 0.05, top + 0.015, cz + 0.05))
    glass = kit.cup(0.035, 0.042, 0.11, wall=0.003, sections=56, foot=0.006)
    b.add("herbal_drink", glass, "ceramic", kit.translate(cx - 0.1, top, cz + 0.5))
    tea = kit.chamfered_cylinder(0.034, 0.08, 0.002, base_y=0.006, sections=56)
    b.add("herbal_drink_tea", tea, "herbal_tea", parent="herbal_drink")
    for i in range(3):  # lemongrass stalks in a jar beside the drink
        b.static(
            kit.rod((0, 0, 0), (0.02 * (i - 1), 0.28, 0.01 * i), 0.006, 6),
            "green_paint",
            kit.translate(cx + 0.1, top, cz + 0.55),
        )
    b.static(
        kit.lathe([(0.0, 0.0), (0.05, 0.0), (0.05, 0.15), (0.0, 0.15)], sections=20),
        "glass_dark",
        kit.translate(cx + 0.1, top, cz + 0.55),
    )
    # Oil bottles and a bowl of massage balm.
    bottle = kit.bottle(0.03, 0.18, neck=0.01, neck_height=0.03, shoulder=0.03)
    for i, material in enumerate(("herbal_tea", "orchid", "green_paint")):
        b.static(bottle, material, kit.translate(cx + 0.15, top, cz - 0.05 - 0.08 * i))
    # The open shelf of rolled towels beside the counter.
    shelf_x, shelf_z = cx - 0.05, cz + 1.25
    b.static_parts(
        kit.shelf_unit(0.5, 0.4, 1.2, levels=3, frame="wood_dark", shelves="wood_dark"),
        kit.translate(shelf_x, 0, shelf_z) @ kit.rotate_y(-90),
    )
    roll = kit.chamfered_cylinder(0.06, 0.36, 0.02, sections=40, segments=4).apply_transform(
        kit.translate(0, 0.06, 0.18) @ kit.rotate_x(-90)
    )
    b.add("rolled_towel", roll, "towel", kit.translate(shelf_x - 0.02, 0.655, shelf_z - 0.12))
    for level, y in enumerate((0.125, 0.655)):
        for k in range(3 if level == 0 else 2):
            b.static(roll, "towel", kit.translate(shelf_x - 0.02, y, shelf_z + 0.12 * k - 0.0))
    b.static(
        roll,
        "towel",
        kit.translate(shelf_x - 0.02, 1.185, shelf_z - 0.12),
    )
    b.static_parts(orchid(), kit.translate(cx, top, cz + 0.25))


def build_left_side(b: kit.SceneBuilder) -> None:
    fx, fz = FORM_TABLE
    b.static_parts(
        kit.table(0.5, 0.4, 0.75, top="wood_dark", legs="wood_dark", leg=0.04),
        kit.translate(fx, 0, fz),
    )
    b.add_parts("intake_form", kit.clipboard(), kit.translate(fx, 0.75, fz) @ kit.rotate_y(-70))
    b.static(
        kit.rod((0, 0.01, 0), (0.14, 0.01, 0.02), 0.005, 8),
        "blue_paint",
        kit.translate(fx + 0.12, 0.75, fz + 0.1),
    )
    # Wash basin on a teak stand against the left wall, with a brass tap and a mirror.
    bx, bz = BASIN
    place = kit.translate(bx, 0, bz) @ kit.rotate_y(90)
    b.static(kit.box((0.6, 0.78, 0.42)), "teak_panel", place)
    basin = kit.cup(0.15, 0.2, 0.13, wall=0.012, sections=72, rim_segments=6, foot=0.02)
    b.add("basin", basin, "ceramic", place @ kit.translate(0, 0.78, 0.02))
    tap = kit.tap(0.24, 0.15, 0.013)
    b.add("basin_tap", tap, "brass", place @ kit.translate(0, 0.78, -0.17))
    b.static(kit.box((0.5, 0.7, 0.02)), "glass_dark", place @ kit.translate(0, 1.3, -0.2))
    b.static(kit.frame(0.56, 0.76, 0.04, 0.03), "teak_panel", place @ kit.translate(0, 1.27, -0.19))
    b.static(
        kit.box((0.3, 0.02, 0.12)),
        "towel",
        place @ kit.translate(0.4, 0.78, 0.05) @ kit.rotate_y(10),
    )
    b.static_parts(orchid(0.45), kit.translate(fx - 0.12, 0.75, fz - 0.1))
    b.static_parts(kit.trash_bin(material="wood_dark", height=0.35), kit.translate(-2.1, 0, 0.0))
    b.marker("spawn", kit.translate(0.2, 0, 0.6))
    b.marker("thumbnail_camera", kit.look_at((0.7, 1.8, 1.0), (-0.4, 0.3, -1.6)))


# Text in the spa room (kit.signs): the chart's title, the shoes and hand-washing signs, the
# client's health form.
SIGNS = (
    kit.Sign(("เส้นประธานสิบ  SEN SIB",), (0.0, 1.965, BACK + 0.042), 0.5, "info", px=(512, 64)),
    kit.Sign(
        ("กรุณาถอดรองเท้า", "PLEASE REMOVE YOUR SHOES"),
        (-2.497, 2.3, 0.4),
        0.6,
        "info",
        px=(512, 128),
        yaw=90,
    ),
    kit.Sign(
        ("ล้างมือก่อนนวด", "WASH YOUR HANDS"),
        (-2.497, 1.6, BASIN[1] - 0.58),
        0.35,
        "mandatory",
        px=(256, 128),
        yaw=90,
    ),
    kit.clipboard_sheet(
        (
            "แบบสอบถามสุขภาพ",
            "HEALTH FORM",
            "ไข้: ไม่มี  ความดัน: ปกติ",
            "ตั้งครรภ์: ไม่  แผลสด: ไม่มี",
            "อาการ: ปวดไหล่ขวา",
        ),
        "intake_form",
        yaw=180,  # the clip faces the room: it reads from there
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "room": s.ambience(8.0, seed=1101, bright=0.1),
        "fountain": s.water(6.0, seed=1102),  # the water feature by the door
        "tap": s.water(2.5, seed=1103, loop=False),
        "steamer": s.steam(2.5, seed=1104),
        "towel": s.thud(seed=1105, seconds=0.2),
        "bowl": s.bell(520, notes=(1.0,), seconds=2.5),  # a singing bowl: the massage begins
        "cup": s.click(seed=1106, pitch_hz=2400),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
