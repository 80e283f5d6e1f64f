"""Build `scene.glb` (and `thumbnail.png`) for the barista scene: the bar of a Thai café.

The visitor stands behind the bar. On the counter: a two-group espresso machine with its steam
wand and gauges, a grinder with a hopper of beans, the portafilter, a tamper, a knock box, cups,
a milk pitcher and the till. Behind the bar the café: menu boards, shelves of coffee bags, a
pastry case, small round tables with chairs, plants and big windows.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

TOP = 0.9  # counter height
COUNTER_Z = -1.3  # centre of the bar counter (0.7 m deep); its barista side faces +Z
MACHINE_X = 0.0
GRINDER_X = -0.75

NODES = kit.script_nodes(__file__, "espresso_machine")


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_room, build_bar, build_back_wall, kit.signs(SIGNS))


CAFE_FLOOR_TEX = kit.wood_grain((150, 104, 66), (108, 70, 40), size=256, seed=51, planks=5)
CAFE_WALL_TEX = kit.noise_texture((226, 214, 194), (210, 196, 174), size=64, seed=52)
COUNTER_TOP_TEX = kit.concrete((70, 72, 74), size=128, seed=53)
COUNTER_FRONT_TEX = kit.wood_grain((170, 120, 74), (124, 84, 48), size=128, seed=54, planks=6)
BACKSPLASH_TEX = kit.tiles((40, 110, 100), (220, 220, 214), count=8, size=128, seed=55, grout_px=2)
BEANS_TEX = kit.noise_texture((96, 56, 30), (50, 28, 14), size=64, seed=56, cells=16, contrast=2.0)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("cafe_floor", CAFE_FLOOR_TEX, tile_m=1.2, roughness=0.5),
        wall=kit.textured("cafe_wall", CAFE_WALL_TEX, tile_m=1.5, roughness=0.95),
    ),
    "counter_top": kit.textured("counter_top", COUNTER_TOP_TEX, tile_m=1.0, roughness=0.3),
    "counter_front": kit.textured("counter_front", COUNTER_FRONT_TEX, tile_m=1.0, roughness=0.6),
    "backsplash": kit.textured("backsplash", BACKSPLASH_TEX, tile_m=0.6, roughness=0.3),
    "menu_board": kit.plain("menu_board", (34, 36, 34), roughness=0.9),
    "chalk": kit.plain("chalk", (236, 236, 226), roughness=0.9),
    "beans": kit.textured("beans", BEANS_TEX, tile_m=0.05, roughness=0.6),
    "coffee": kit.plain("coffee", (92, 52, 24), roughness=0.2),
    "milk_foam": kit.plain("milk_foam", (240, 228, 206), roughness=0.6),
    "coffee_bag": kit.plain("coffee_bag", (170, 120, 70), roughness=0.8),
    "pastry": kit.plain("pastry", (206, 150, 80), roughness=0.7),
    "glass": kit.Material("glass", (200, 225, 235, 90), roughness=0.05),
}


def espresso_machine() -> kit.Parts:
    """A two-group espresso machine 0.75 m wide, its front (group heads) towards +Z."""
    body = kit.merge(
        kit.rounded_box((0.76, 0.42, 0.52), 0.03),
        kit.rounded_box((0.7, 0.04, 0.46), 0.01, (0, 0.42, 0)),  # cup warmer
        kit.rounded_box((0.7, 0.1, 0.12), 0.02, (0, 0.28, 0.28)),  # front overhang for the groups
    )
    rails = kit.merge(
        kit.pull_handle(0.72, 0.04, 0.008).apply_transform(kit.translate(0, 0.46, 0.23)),
        kit.pull_handle(0.72, 0.04, 0.008).apply_transform(kit.translate(0, 0.46, -0.23)),
        kit.rounded_box((0.7, 0.03, 0.16), 0.008, (0, 0.0, 0.32)),  # drip tray
    )
    gauges = kit.merge(
        *(
            kit.chamfered_cylinder(0.035, 0.02, 0.005, sections=48, segments=3).apply_transform(
                kit.translate(x, 0.34, 0.34) @ kit.rotate_x(90)
            )
            for x in (-0.1, 0.1)
        )
    )
    return [
        ("steel", body),
        ("chrome", rails),
        ("black_plastic", kit.merge(kit.box((0.66, 0.012, 0.15), (0, 0.03, 0.32)), gauges)),
    ]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    windows = [kit.Window("back", x, width=1.6, height=1.7, bottom=0.6) for x in (-2.2, 0.0, 2.2)]
    room = kit.Room(7.0, 7.0, 3.0, center_z=-2.0, windows=windows, skirting="wood_dark")
    room.build(b)
    kit.ceiling_lights(b, [(0.0, -1.3), (-2.0, -3.6), (2.0, -3.6)], room.height, size=(0.8, 0.2))
    # Pendant lamps over the bar.
    shade = kit.lathe([(0.0, 0.25), (0.03, 0.25), (0.16, 0.05), (0.17, 0.0), (0.0, 0.02)])
    for x in (-1.0, 0.2, 1.4):
        b.static(shade, "black_plastic", kit.translate(x, 2.15, COUNTER_Z))
        b.static(kit.rod((x, 2.4, COUNTER_Z), (x, 3.0, COUNTER_Z), 0.004), "black_plastic")
        b.static(kit.ellipsoid((0.06, 0.05, 0.06)), "lamp", kit.translate(x, 2.12, COUNTER_Z))
    # Café seating between the bar and the windows.
    for i, (x, z) in enumerate([(-2.2, -3.4), (0.0, -4.2), (2.2, -3.4)]):
        top = kit.merge(
            kit.cylinder(0.35, 0.03, base_y=0.72, sections=40),
            kit.cylinder(0.03, 0.72, sections=12),
            kit.cylinder(0.22, 0.02, sections=32),
        )
        b.static(top, "wood_dark", kit.translate(x, 0, z))
        for side in (-1, 1):
            b.static_parts(
                kit.chair(seat="fabric_grey", frame="black_plastic"),
                kit.translate(x + side * 0.6, 0, z) @ kit.rotate_y(-90 * side + 10 * i),
            )
    for x in (-3.1, 3.1):
        b.static_parts(kit.plant(height=1.4), kit.translate(x, 0, -5.0))
    # Bar stools on the customer side of the counter.
    for x in (-1.2, -0.4, 0.4):
        b.static_parts(kit.stool(height=0.75), kit.translate(x, 0, COUNTER_Z - 0.75))
    return room


def build_bar(b: kit.SceneBuilder) -> None:
    # The bar counter (the visitor's side is +Z) and the back counter behind the visitor.
    b.add(
        "bar_counter",
        kit.box((3.8, TOP - 0.04, 0.7)),
        "counter_front",
        kit.translate(-0.2, 0, COUNTER_Z),
    )
    b.static(kit.box((3.9, 0.04, 0.75)), "counter_top", kit.translate(-0.2, TOP - 0.04, COUNTER_Z))
    b.static(
        kit.box((3.9, 0.1, 0.3)), "counter_top", kit.translate(-0.2, TOP + 0.25, COUNTER_Z - 0.5)
    )
    b.static(
        kit.box((3.8, 0.25, 0.03)), "counter_front", kit.translate(-0.2, TOP, COUNTER_Z - 0.36)
    )
    b.static(kit.box((3.0, TOP - 0.04, 0.6)), "counter_front", kit.translate(0.0, 0, 1.2))
    b.static(kit.box((3.1, 0.04, 0.64)), "counter_top", kit.translate(0.0, TOP - 0.04, 1.2))
    b.static(kit.box((3.1, 0.6, 0.02)), "backsplash", kit.translate(0.0, TOP, 1.49))
    # Espresso machine, grinder and the tools.
    b.add_parts(
        "espresso_machine", espresso_machine(), kit.translate(MACHINE_X, TOP, COUNTER_Z - 0.05)
    )
    for i, x in enumerate((-0.2, 0.2)):
        head = kit.merge(
            kit.chamfered_cylinder(0.045, 0.06, 0.008, base_y=-0.06, sections=48, segments=3),
            kit.chamfered_cylinder(0.03, 0.02, 0.004, base_y=-0.08, sections=40, segments=2),
        )
        name = "group_head" if i == 0 else "group_head_2"
        b.add(
            name,
            head,
            "chrome",
            kit.translate(x, 0.28, 0.28),
            parent="espresso_machine",
            mesh_name="group_head",
        )
    b.add(
        "brew_button",
        kit.rounded_box((0.04, 0.03, 0.012), 0.005, segments=2),
        "indicator_green",
        kit.translate(-0.2, 0.31, 0.345),
        parent="espresso_machine",
    )
    wand = kit.merge(
        kit.tube(
            [(0, 0, 0), (0.02, -0.02, 0.015), (0.07, -0.2, 0.055), (0.08, -0.26, 0.06)], 0.007
        ),
        kit.revolve(
            [(0.0, 0.0), (0.009, 0.0), (0.01, 0.005), (0.004, 0.02), (0.0, 0.02)], sections=24
        ).apply_transform(kit.translate(0.08, -0.26, 0.06) @ kit.rotate_x(180)),
    )
    b.add("steam_wand", wand, "chrome", kit.translate(0.34, 0.33, 0.3), parent="espresso_machine")
    # The portafilter: its basket with a rolled lip, two lugs, a spout below, the arm.
    portafilter = kit.merge(
        kit.cup(0.038, 0.042, 0.035, wall=0.003, sections=56, foot=0.004),
        *(
            kit.rounded_box((0.02, 0.008, 0.012), 0.0039, (s * 0.046, 0.027, 0), segments=2)
            for s in (-1, 1)
        ),
        kit.tube([(0, 0.02, 0.04), (0, 0.03, 0.2)], 0.012, sections=20),
    )
    b.add("portafilter", portafilter, "chrome", kit.translate(-0.35, TOP, -0.98))
    b.add(
        "portafilter_handle",
        kit.revolve(
            [(0.0, 0.0), (0.013, 0.0), (0.016, 0.03), (0.018, 0.08), (0.015, 0.105), (0.0, 0.11)],
            sections=32,
        ).apply_transform(kit.translate(0, 0.03, 0.1) @ kit.rotate_x(90)),
        "black_plastic",
        parent="portafilter",
    )
    b.add(
        "portafilter_coffee",
        kit.chamfered_cylinder(0.035, 0.006, 0.002, base_y=0.028, sections=56),
        "coffee",
        parent="portafilter",
    )
    grip = [
        (0.022 * math.sin(a), 0.068 + 0.022 * math.cos(a)) for a in np.linspace(math.pi / 2, 0, 9)
    ]
    tamper = kit.merge(
        kit.chamfered_cylinder(0.029, 0.016, 0.003, sections=56, segments=2),
        kit.revolve(
            [(0.0, 0.015), (0.012, 0.015), (0.0095, 0.035), (0.011, 0.05), (0.02, 0.062), *grip],
            sections=48,
        ),
    )
    b.add("tamper", tamper, "wood_dark", kit.translate(-0.52, TOP, -1.02))
    b.add(
        "grinder",
        kit.merge(
            kit.rounded_box((0.2, 0.38, 0.28), 0.02),
            kit.rounded_box((0.16, 0.03, 0.2), 0.008, (0, 0.0, 0.16)),
        ),
        "black_plastic",
        kit.translate(GRINDER_X, TOP, COUNTER_Z),
    )
    hopper = kit.cup(0.03, 0.09, 0.2, wall=0.004, sections=48)
    b.add("grinder_hopper", hopper, "glass", kit.translate(0, 0.38, 0), parent="grinder")
    b.add(
        "grinder_beans",
        kit.lathe([(0.0, 0.0), (0.03, 0.0), (0.075, 0.14), (0.0, 0.15)]),
        "beans",
        kit.translate(0, 0.385, 0),
        parent="grinder",
    )
    b.add(
        "grinder_button",
        kit.rounded_box((0.04, 0.04, 0.012), 0.005, segments=2),
        "indicator_red",
        kit.translate(0, 0.28, 0.14),
        parent="grinder",
    )
    b.static(
        kit.box((0.16, 0.12, 0.16)), "black_plastic", kit.translate(-1.05, TOP, -1.1)
    )  # knock box
    saucer = [(0.0, 0.0), (0.05, 0.0), (0.07, 0.006), (0.075, 0.011), (0.072, 0.012)]
    cup = kit.merge(
        kit.mug(0.035, 0.045, 0.075, handle=0.035, sections=48).apply_translation((0, 0.006, 0)),
        kit.revolve([*saucer, (0.04, 0.008), (0.0, 0.008)], sections=48),
    )
    b.add("cup", cup, "ceramic", kit.translate(0.35, TOP, -0.9))
    b.marker("cup_target", kit.translate(-0.2, 0.03, 0.3), parent="espresso_machine")
    for i in range(6):  # cups warming on top of the machine
        b.static(cup, "ceramic", kit.translate(-0.28 + 0.11 * i, TOP + 0.46, COUNTER_Z - 0.1))
    pitcher = kit.mug(0.045, 0.04, 0.14, handle=0.08, sections=56).apply_transform(
        kit.rotate_y(180)
    )
    b.add("milk_pitcher", pitcher, "steel", kit.translate(0.6, TOP, -1.05))
    b.marker("pickup_spot", kit.translate(-0.2 + 1.1, TOP + 0.35, COUNTER_Z - 0.5))
    # The till with its order screen, syrups, a pastry case.
    b.add_parts(
        "order_screen",
        kit.monitor(width=0.32, height=0.22),
        # beside the pastry case, turned to the barista (before: inside the case, facing away)
        kit.translate(1.62, TOP, -1.08) @ kit.rotate_y(-50),
    )
    bottle = kit.bottle(0.035, 0.3, neck=0.012, neck_height=0.06, shoulder=0.03)
    for i, material in enumerate(("red_paint", "yellow_paint", "green_paint", "coffee")):
        b.static(bottle, material, kit.translate(-1.7 + 0.09 * i, TOP, -1.15))
    case = kit.merge(kit.box((0.7, 0.02, 0.5)), kit.box((0.7, 0.02, 0.5), (0, 0.2, 0)))
    b.static(case, "steel", kit.translate(1.15, TOP, COUNTER_Z - 0.05))
    b.static(kit.box((0.7, 0.4, 0.5)), "glass", kit.translate(1.15, TOP, COUNTER_Z - 0.05))
    pastry = kit.ellipsoid((0.05, 0.03, 0.035))
    for i in range(6):
        b.static(
            pastry,
            "pastry",
            kit.translate(
                0.9 + 0.1 * i, TOP + 0.02 + 0.2 * (i % 2), COUNTER_Z - 0.05 + 0.05 * (i % 3)
            )
            @ kit.rotate_y(20 * i),
        )


def build_back_wall(b: kit.SceneBuilder) -> None:
    """Menu boards above the back counter, coffee bags on a shelf."""
    z = 1.49
    for i, x in enumerate((-0.8, 0.8)):
        b.static(
            kit.box((1.2, 0.8, 0.03)), "menu_board", kit.translate(x, 1.9, z) @ kit.rotate_y(180)
        )
        lines = [
            kit.box(
                (0.3 + 0.5 * ((k * 7 + i) % 3) / 2, 0.025, 0.005),
                (-0.25 + 0.1 * ((k + i) % 2), 2.55 - 0.12 * k, -0.017),
            )
            for k in range(5)
        ]
        b.static(kit.merge(*lines), "chalk", kit.translate(x, 0, z) @ kit.rotate_y(180))
    b.static(kit.box((2.4, 0.03, 0.25)), "wood_dark", kit.translate(0.0, 1.55, z - 0.12))
    bag = kit.merge(kit.box((0.12, 0.2, 0.07)), kit.box((0.12, 0.03, 0.04), (0, 0.2, 0)))
    for i in range(10):
        b.static(
            bag,
            "coffee_bag",
            kit.translate(-1.0 + 0.22 * i, 1.58, z - 0.12) @ kit.rotate_y(180 + 5 * (i % 3)),
        )
    b.static(
        kit.merge(*(kit.rod((x, 1.35, z), (x, 1.55, z - 0.2), 0.01) for x in (-1.1, 1.1))),
        "black_plastic",
    )
    b.marker("spawn", kit.translate(0, 0, 0.3))
    b.marker("thumbnail_camera", kit.look_at((1.0, 1.75, 0.5), (-0.3, 0.9, -2.2)))


# Text in the café (kit.signs): the menu boards over the back counter and the order screen.
SIGNS = (
    kit.Sign(
        (
            "กาแฟ COFFEE",
            "เอสเพรสโซ่  Espresso  50",
            "อเมริกาโน่  Americano  55",
            "ลาเต้  Latte  65",
            "คาปูชิโน่  Cappuccino  65",
        ),
        (-0.8, 2.3, 1.472),
        1.16,
        "board",
        yaw=180,
    ),
    kit.Sign(
        (
            "ชาและอื่น ๆ  TEA & MORE",
            "ชาไทย  Thai tea  50",
            "ชาเขียว  Green tea  55",
            "โกโก้  Cocoa  55",
            "เพิ่มช็อต  Extra shot  +15",
        ),
        (0.8, 2.3, 1.472),
        1.16,
        "board",
        yaw=180,
    ),
    kit.Sign(
        ("ออร์เดอร์ #042", "ลาเต้ร้อน x1", "หวานน้อย", "HOT LATTE, LESS SWEET"),
        (0, 0.21, 0.0145),
        0.28,
        "screen",
        parent="order_screen",
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "cafe": s.ambience(6.0, seed=501, bright=0.6),
        "grinder": s.drill(2.5, seed=502, motor_hz=320),
        "tamp": s.thud(seed=503, seconds=0.2),
        "lock": s.click(seed=504, pitch_hz=1200, seconds=0.1),
        "pump": s.hum(60, 4.0, seed=505),
        "steam": s.steam(3.0, seed=506),
        "bell": s.bell(1500, notes=(1.0,), seconds=1.0),  # the pick-up counter bell
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
