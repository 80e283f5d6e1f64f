"""Build `scene.glb` (and `thumbnail.png`) for the hotel front desk scene: a hotel lobby.

The visitor stands behind the reception desk (work surface 0.9 m, guest ledge 1.1 m) with the
computer showing the booking system, an ID scanner, a key card encoder, a card terminal, the
phone and a bell. Across the desk a guest waits with a suitcase; beyond, the lobby: sofas
around a coffee table, a brass luggage cart, plants, and the glass entrance.
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

WORK_TOP = 0.9
LEDGE = 1.1
DESK_Z = -0.95  # centre of the desk (0.8 m deep); the visitor's side faces +Z

NODES = kit.script_nodes(__file__, "service_bell")


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_lobby, build_desk, kit.signs(SIGNS))


MARBLE_TEX = kit.tiles(
    (226, 220, 210),
    (190, 184, 174),
    count=2,
    size=256,
    seed=71,
    grout_px=2,
    variation=0.04,
)
LOBBY_WALL_TEX = kit.noise_texture((236, 228, 214), (226, 216, 200), size=64, seed=72)
DESK_WOOD_TEX = kit.wood_grain((130, 84, 50), (92, 56, 32), size=128, seed=73, planks=3)
SOFA_TEX = kit.fabric((60, 96, 110), size=64, seed=74, threads=14)
SHIRT_TEX = kit.fabric((200, 90, 70), size=64, seed=75, threads=14)
RUG_TEX = kit.fabric((150, 40, 40), size=64, seed=76, threads=12)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("marble", MARBLE_TEX, tile_m=1.6, roughness=0.2),
        wall=kit.textured("lobby_wall", LOBBY_WALL_TEX, tile_m=1.5, roughness=0.9),
    ),
    "desk_wood": kit.textured("desk_wood", DESK_WOOD_TEX, tile_m=1.0, roughness=0.5),
    "desk_top": kit.plain("desk_top", (240, 238, 232), roughness=0.25),
    "brass": kit.plain("brass", (212, 170, 80), metallic=0.95, roughness=0.25),
    "sofa": kit.textured("sofa", SOFA_TEX, tile_m=0.3, roughness=0.9),
    "uniform": kit.plain("uniform", (40, 50, 80), roughness=0.8),
    "shirt": kit.textured("shirt", SHIRT_TEX, tile_m=0.2, roughness=0.9),
    "skin": kit.plain("skin", (214, 170, 130), roughness=0.7),
    "hair": kit.plain("hair", (30, 24, 20), roughness=0.8),
    "jeans": kit.plain("jeans", (60, 80, 120), roughness=0.9),
    "suitcase": kit.plain("suitcase", (150, 40, 50), metallic=0.2, roughness=0.35),
    "passport": kit.plain("passport", (120, 20, 30), roughness=0.6),
    "key_card": kit.plain("key_card", (30, 110, 170), roughness=0.3),
    "juice": kit.Material("juice", (250, 160, 40, 220), roughness=0.1),
    "rug": kit.textured("rug", RUG_TEX, tile_m=0.5, roughness=0.95),
    "logo": kit.plain("logo", (212, 170, 80), metallic=0.8, roughness=0.3, emissive=(60, 46, 20)),
}


def guest() -> kit.Parts:
    """A stylised guest 1.7 m tall facing +Z (towards the desk)."""
    legs = kit.merge(*(kit.rod((x, 0.0, 0), (x, 0.85, 0), 0.075, 16) for x in (-0.1, 0.1)))
    torso = kit.lathe(
        [(0.0, 0.82), (0.19, 0.84), (0.21, 1.1), (0.22, 1.35), (0.12, 1.45), (0.0, 1.46)],
        sections=24,
    )
    arms = kit.merge(
        *(kit.rod((x, 1.38, 0), (x * 1.15, 0.9, 0.05), 0.05, 12) for x in (-0.24, 0.24))
    )
    head = kit.merge(
        kit.rod((0, 1.44, 0), (0, 1.5, 0), 0.05, 12),
        kit.ellipsoid((0.09, 0.115, 0.1)).apply_translation((0, 1.48, 0)),
    )
    hair = kit.ellipsoid((0.095, 0.08, 0.105)).apply_translation((0, 1.56, -0.012))
    shoes = kit.merge(*(kit.box((0.1, 0.06, 0.24), (x, 0, 0.04)) for x in (-0.1, 0.1)))
    return [
        ("shirt", kit.merge(torso, arms)),
        ("jeans", legs),
        (
            "skin",
            kit.merge(
                head,
                *(
                    kit.sphere(0.045).apply_translation((x * 1.17, 0.88, 0.06))
                    for x in (-0.24, 0.24)
                ),
            ),
        ),
        ("hair", hair),
        ("black_plastic", shoes),
    ]


def luggage_cart() -> kit.Parts:
    base = kit.box((1.0, 0.05, 0.6), (0, 0.15, 0))
    frame = [kit.rod((sx * 0.48, 0.2, 0), (sx * 0.48, 1.7, 0), 0.02) for sx in (-1, 1)]
    arch = [kit.rod((-0.48, 1.7, 0), (0.48, 1.7, 0), 0.02)]
    arch += [kit.rod((sx * 0.48, 1.5, 0), (sx * 0.48, 1.5, 0.25), 0.012) for sx in (-1, 1)]
    wheels = kit.side_cylinders(
        0.07, 0.04, [(sx * 0.42, 0.07, sz * 0.25) for sx in (-1, 1) for sz in (-1, 1)], sections=20
    )
    return [
        ("brass", kit.merge(*frame, *arch)),
        ("wood_dark", base),
        ("rubber", kit.merge(*wheels)),
    ]


def build_lobby(b: kit.SceneBuilder) -> kit.Room:
    windows = [
        kit.Window("back", x, width=1.9, height=2.6, bottom=0.05) for x in (-3.0, -1.0, 1.0, 3.0)
    ]
    room = kit.Room(9.0, 8.0, 3.4, center_z=-2.5, windows=windows)
    room.build(b)
    kit.ceiling_lights(
        b, [(x, z) for x in (-2.5, 0.0, 2.5) for z in (-1.0, -4.0)], room.height, size=(0.5, 0.5)
    )
    # Feature wall behind the desk: wood panels, the hotel's name, clocks.
    b.static(kit.box((5.0, 2.6, 0.04)), "desk_wood", kit.translate(0, 0.2, 1.44))
    b.static(kit.box((1.6, 0.16, 0.03)), "logo", kit.translate(0, 2.2, 1.41))
    for i, x in enumerate((-1.6, -0.8, 0.8, 1.6)):
        b.static_parts(
            kit.wall_clock(), kit.translate(x, 2.35 - 0.1 * (i % 2), 1.42) @ kit.rotate_y(180)
        )
    # Sofas and a coffee table on the left, plants, a luggage cart on the right.
    sofa = kit.merge(
        kit.box((2.0, 0.42, 0.85)),
        kit.box((2.0, 0.45, 0.2), (0, 0.42, -0.32)),
        kit.box((0.2, 0.2, 0.85), (-0.9, 0.42, 0)),
        kit.box((0.2, 0.2, 0.85), (0.9, 0.42, 0)),
    )
    b.static(sofa, "sofa", kit.translate(-2.6, 0, -4.6))
    b.static(sofa, "sofa", kit.translate(-3.9, 0, -3.0) @ kit.rotate_y(90))
    b.static(
        kit.merge(kit.box((1.2, 0.04, 0.6), (0, 0.4, 0)), kit.box((1.1, 0.02, 0.5), (0, 0.1, 0))),
        "desk_wood",
        kit.translate(-2.5, 0, -3.2),
    )
    b.static(
        kit.merge(
            *(
                kit.box((0.04, 0.4, 0.04), (sx * 0.55, 0, sz * 0.25))
                for sx in (-1, 1)
                for sz in (-1, 1)
            )
        ),
        "brass",
        kit.translate(-2.5, 0, -3.2),
    )
    for x, z, h in ((-4.0, -5.9, 1.6), (4.0, -5.9, 1.6), (-2.6, 1.1, 1.2), (2.6, 1.1, 1.2)):
        b.static_parts(kit.plant(height=h), kit.translate(x, 0, z))
    b.static_parts(luggage_cart(), kit.translate(2.7, 0, -2.8) @ kit.rotate_y(-20))
    # A chandelier over the lobby, a rug under the sofas, lift doors in the right wall.
    rings = [
        kit.torus(r, 0.012, major_sections=48, minor_sections=6).apply_translation((0, y, 0))
        for r, y in ((0.6, 0.0), (0.42, 0.18), (0.25, 0.34))
    ]
    drops = [
        kit.sphere(0.03, subdivisions=1).apply_translation(
            (r * math.cos(a), y - 0.05, r * math.sin(a))
        )
        for r, y, n in ((0.6, 0.0, 16), (0.42, 0.18, 12), (0.25, 0.34, 8))
        for a in np.linspace(0, 2 * math.pi, n, endpoint=False)
    ]
    b.static(
        kit.merge(*rings, kit.rod((0, 0.34, 0), (0, 1.0, 0), 0.01)),
        "brass",
        kit.translate(-1.0, 2.4, -3.6),
    )
    b.static(kit.merge(*drops), "lamp", kit.translate(-1.0, 2.4, -3.6))
    b.static(kit.box((3.2, 0.006, 2.4)), "rug", kit.translate(-2.8, 0, -3.6))
    for z in (-4.8, -3.0):
        b.static(kit.box((0.06, 2.3, 1.3)), "steel", kit.translate(4.47, 0, z))
        b.static(kit.box((0.02, 2.2, 0.01)), "black_plastic", kit.translate(4.43, 0.05, z))
        b.static(kit.box((0.05, 0.25, 0.08)), "brass", kit.translate(4.45, 1.1, z + 0.8))
    case = kit.merge(
        kit.box((0.45, 0.65, 0.25), (0, 0.05, 0)), kit.rod((0, 0.7, 0), (0, 0.8, 0), 0.01)
    )
    b.static(case, "suitcase", kit.translate(2.7, 0.2, -2.8) @ kit.rotate_y(-20))
    return room


def desk_phone() -> Any:
    """A desk telephone: the sloped base with its keypad, the handset on its cradle."""
    handset = kit.merge(
        kit.capsule(0.02, 0.2).apply_transform(kit.translate(-0.1, 0.085, 0.0) @ kit.rotate_z(-90)),
        *(kit.rounded_box((0.05, 0.03, 0.045), 0.012, (s * 0.075, 0.06, 0.0)) for s in (-1, 1)),
    )
    key = kit.rounded_box((0.018, 0.006, 0.014), 0.0029, segments=2)
    keys = kit.scatter(
        key, [kit.translate(0.025 * (i % 3 - 1), 0.058, 0.045 + 0.02 * (i // 3)) for i in range(12)]
    )
    return kit.merge(kit.rounded_box((0.2, 0.06, 0.18), 0.02), handset, keys)


def build_desk(b: kit.SceneBuilder) -> None:
    z = DESK_Z
    b.add(
        "reception_desk",
        kit.merge(
            kit.box((4.0, WORK_TOP - 0.04, 0.8)),
            kit.box((4.0, LEDGE - WORK_TOP + 0.04, 0.12), (0, WORK_TOP - 0.04, -0.34)),
        ),
        "desk_wood",
        kit.translate(0, 0, z),
    )
    b.static(kit.box((4.05, 0.04, 0.8)), "desk_top", kit.translate(0, WORK_TOP - 0.04, z))
    b.static(kit.box((4.1, 0.04, 0.34)), "desk_top", kit.translate(0, LEDGE, z - 0.3))
    b.static(kit.box((3.8, 0.04, 0.02)), "brass", kit.translate(0, 0.25, z - 0.41))
    b.marker("handover_spot", kit.translate(0.3, LEDGE + 0.04, z - 0.3))
    b.marker("drink_spot", kit.translate(-0.3, LEDGE + 0.04, z - 0.3))
    y = WORK_TOP
    b.add_parts("pms_screen", kit.monitor(), kit.translate(-0.7, y, z - 0.15) @ kit.rotate_y(15))
    b.static(kit.box((0.45, 0.02, 0.15)), "black_plastic", kit.translate(-0.65, y, z + 0.15))
    scanner = kit.merge(
        kit.rounded_box((0.22, 0.05, 0.3), 0.015),
        kit.rounded_box((0.2, 0.004, 0.26), 0.0019, (0, 0.048, 0), segments=2),
    )
    b.add("id_scanner", scanner, "grey_plastic", kit.translate(0.1, y, z + 0.05))
    encoder = kit.merge(
        kit.rounded_box((0.12, 0.08, 0.14), 0.015),
        kit.rounded_box((0.06, 0.004, 0.04), 0.0019, (0, 0.078, 0.02), segments=2),
    )
    b.add("card_encoder", encoder, "black_plastic", kit.translate(0.55, y, z + 0.0))
    b.add(
        "card_encoder_light",
        kit.capsule(0.005, 0.02).apply_transform(
            kit.translate(-0.01, 0.065, 0.07) @ kit.rotate_z(-90)
        ),
        "indicator_green",
        parent="card_encoder",
    )
    card = kit.rounded_box((0.054, 0.002, 0.086), 0.00099, segments=2)
    b.add("key_card", card, "key_card", kit.translate(0.8, y, z + 0.25))
    b.add(
        "payment_terminal",
        kit.merge(
            kit.rounded_box((0.08, 0.03, 0.17), 0.012),
            *(
                kit.rounded_box(
                    (0.014, 0.004, 0.01),
                    0.0019,
                    (0.018 * (i % 3 - 1), 0.028, 0.02 + 0.015 * (i // 3)),
                    segments=2,
                )
                for i in range(12)
            ),
        ),
        "black_plastic",
        kit.translate(1.05, y, z + 0.05) @ kit.rotate_y(15),
    )
    b.add(
        "payment_screen",
        kit.rounded_box((0.055, 0.003, 0.045), 0.0014, (0, 0.029, -0.04), segments=2),
        "screen",
        parent="payment_terminal",
    )
    b.add(
        "phone",
        desk_phone(),
        "black_plastic",
        kit.translate(-1.3, y, z + 0.1) @ kit.rotate_y(10),
    )
    dome = [
        (0.045 * math.cos(a), 0.012 + 0.045 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 10)
    ]
    bell = kit.merge(
        kit.chamfered_cylinder(0.052, 0.012, 0.003, sections=56, segments=2),
        kit.revolve([(0.0, 0.01), *dome], sections=56),
        kit.tube([(0, 0.05, 0), (0, 0.07, 0)], 0.004, sections=12),
        kit.knob(0.008, 0.006, ridges=0).apply_translation((0, 0.068, 0)),
    )
    b.add("service_bell", bell, "brass", kit.translate(0.9, LEDGE + 0.04, z - 0.3))
    glass = kit.cup(0.03, 0.034, 0.11, wall=0.003, sections=48, foot=0.01)
    tray = kit.cup(0.15, 0.155, 0.012, wall=0.003, sections=64, rim_segments=3)
    b.static(tray, "brass", kit.translate(-1.6, y, z + 0.0))
    b.add("welcome_drink", glass, "juice", kit.translate(-1.6, y + 0.01, z - 0.05))
    b.static(glass, "juice", kit.translate(-1.52, y + 0.01, z + 0.06))
    b.static(
        kit.box((0.3, 0.003, 0.22)), "paper", kit.translate(-0.2, y, z + 0.2) @ kit.rotate_y(-10)
    )
    # The guest waiting across the desk, with a passport on the ledge.
    b.add_parts("guest", guest(), kit.translate(0.25, 0, z - 0.95))
    b.add(
        "guest_id",
        kit.rounded_box((0.09, 0.006, 0.125), 0.0029, segments=2),
        "passport",
        kit.translate(0.2, LEDGE + 0.04, z - 0.32) @ kit.rotate_y(20),
    )
    b.static(
        kit.merge(
            kit.box((0.42, 0.62, 0.24), (0, 0.06, 0)), kit.rod((0, 0.68, 0), (0, 0.9, 0), 0.012)
        ),
        "suitcase",
        kit.translate(0.85, 0, z - 1.0) @ kit.rotate_y(10),
    )
    b.static(
        kit.merge(
            *kit.side_cylinders(0.03, 0.03, [(sx * 0.15, 0.03, 0) for sx in (-1, 1)], sections=12)
        ),
        "rubber",
        kit.translate(0.85, 0, z - 1.0) @ kit.rotate_y(10),
    )
    b.marker("spawn", kit.translate(0, 0, 0.2))
    b.marker("thumbnail_camera", kit.look_at((1.2, 1.8, 0.8), (-0.4, 1.0, -2.6)))


# Text in the lobby (kit.signs): the hotel's name and reception signs, the booking on the
# screen and the deposit on the card terminal, in Thai and English as a Thai hotel has them.
SIGNS = (
    kit.Sign(
        ("โรงแรมริมน้ำ  RIMNAM HOTEL",), (0.0, 2.28, 1.393), 1.2, "brass", px=(1024, 128), yaw=180
    ),
    kit.Sign(("แผนกต้อนรับ", "RECEPTION"), (0.0, 1.95, 1.418), 0.9, "brass", px=(512, 128), yaw=180),
    kit.Sign(
        ("แผนกต้อนรับ", "RECEPTION"), (0.0, 0.6, DESK_Z - 0.402), 0.9, "brass", px=(512, 128), yaw=180
    ),
    kit.Sign(
        (
            "การจอง BOOKING",
            "ห้องดีลักซ์ 2 คืน รวมอาหารเช้า",
            "DELUXE, 2 NIGHTS, BREAKFAST",
            "ห้อง 1208 ชั้น 12",
        ),
        (0, 0.265, 0.0145),
        0.5,
        "screen",
        parent="pms_screen",
    ),
    kit.Sign(
        ("มัดจำ ฿2,000", "แตะบัตร TAP CARD"),
        (0, 0.0335, -0.04),
        0.05,
        "screen",
        px=(128, 64),
        tilt=-90,
        parent="payment_terminal",
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "lobby": s.ambience(8.0, seed=701, bright=0.5),
        "door_chime": s.bell(660, notes=(1.0, 0.8)),  # a guest comes in
        "id_scan": s.beep(2700, 0.12),
        "encoder": s.beep(1800, 0.1, repeat=2),
        "terminal": s.beep(2200, 0.2),
        "phone": s.repeat(s.beep(480, 0.4, repeat=2, gap_s=0.2), 2, 1.0),
        "glass": s.click(seed=702, pitch_hz=2400),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
