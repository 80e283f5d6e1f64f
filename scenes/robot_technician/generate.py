"""Build `scene.glb` (and `thumbnail.png`) for the robot technician scene: a stopped robot cell.

A parts factory. In front of the visitor a six-axis robot stands in a yellow safety fence with
its gate open, next to the conveyor it picks from; the part sensor at the end of the conveyor
has failed. On the left the control cabinet with the HMI screen, the main isolator and the
teach pendant, and a lockout station with the padlock; on the right a tool trolley with the
repair tray and a new sensor, and the QC table with the go/no-go gauge. Around them: a second
robot cell, racks of parts bins, pallets, floor markings and high-bay lights.
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

HEIGHT = 4.5
CABINET = (-1.35, -0.55)  # control cabinet (x, z), its front towards +Z
FENCE = (-0.3, 3.0, -4.2, -1.05)  # robot fence: x from, x to, z from, z to
GATE = (0.0, 1.6)  # the open gate in the front side of the fence (x from, x to)
BELT_TOP = 0.85
CONVEYOR = (0.2, 1.45, -1.75)  # x from, x to, z of the conveyor's centre line
ROBOT = (2.0, -2.4)  # the robot's pedestal (x, z)
TROLLEY = (0.95, -0.35)
QC_TABLE = (1.95, 0.35)
TOP = 0.9  # trolley and table height

NODES = kit.script_nodes(__file__)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(
        MATERIALS, build_hall, build_cell, build_controls, build_benches, kit.signs(SIGNS)
    )


EPOXY_TEX = kit.noise_texture((118, 138, 128), (100, 120, 110), size=128, seed=81, cells=6)
PANEL_TEX = kit.tiles((214, 218, 222), (170, 176, 182), count=2, size=128, seed=82, grout_px=2)
CABINET_TEX = kit.brushed_metal((206, 208, 204), size=64, seed=83)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("epoxy", EPOXY_TEX, tile_m=2.0, roughness=0.35),
        wall=kit.textured("wall_panel", PANEL_TEX, tile_m=2.0, roughness=0.7),
    ),
    "cabinet_grey": kit.textured("cabinet_grey", CABINET_TEX, tile_m=0.5, roughness=0.5),
    "robot_orange": kit.plain("robot_orange", (236, 120, 20), metallic=0.2, roughness=0.4),
    "safety_yellow": kit.plain("safety_yellow", (244, 200, 20), metallic=0.2, roughness=0.5),
    "belt": kit.plain("belt", (36, 38, 40), roughness=0.85),
    "aluminium": kit.plain("aluminium", (190, 194, 200), metallic=0.9, roughness=0.3),
    "led_off": kit.plain("led_off", (60, 40, 20), roughness=0.3),
    "alarm_screen": kit.plain("alarm_screen", (200, 40, 30), roughness=0.2, emissive=(170, 30, 20)),
    "bin_blue": kit.plain("bin_blue", (30, 90, 190), roughness=0.5),
    "floor_line": kit.plain("floor_line", (240, 200, 30), roughness=0.6),
}


def robot_arm() -> kit.Parts:
    """A six-axis industrial robot, its base at the origin, reaching towards -X and +Z."""
    shoulder = (0.0, 0.62, 0.0)
    elbow = (-0.32, 1.3, 0.2)
    wrist = (-0.72, 1.12, 0.5)
    tool = (-0.72, 0.92, 0.5)
    links = kit.merge(
        kit.chamfered_cylinder(0.17, 0.32, 0.02, base_y=0.18, sections=64, segments=3),  # turret
        kit.rounded_box((0.3, 0.24, 0.26), 0.04, (0, 0.48, 0)),  # shoulder housing
        kit.tube([shoulder, elbow], 0.095, sections=40),  # upper arm
        kit.tube([elbow, wrist], 0.07, sections=40),  # forearm
        kit.rounded_box((0.12, 0.12, 0.22), 0.02, (0.05, 0.4, 0.0)),  # motor on the turret
    )
    joints = kit.merge(
        kit.chamfered_cylinder(0.26, 0.18, 0.02, sections=72, segments=3),  # base
        *(
            kit.sphere(r, subdivisions=3).apply_translation(p)
            for p, r in ((shoulder, 0.13), (elbow, 0.1), (wrist, 0.065))
        ),
    )
    finger = kit.rounded_box((0.02, 0.09, 0.04), 0.006)
    gripper = kit.merge(
        kit.tube([wrist, tool], 0.045, sections=32),
        kit.chamfered_cylinder(
            0.05, 0.025, 0.005, base_y=tool[1] - 0.02, sections=48
        ).apply_translation((tool[0], 0, tool[2])),
        kit.rounded_box((0.16, 0.03, 0.05), 0.008, (tool[0], tool[1] - 0.05, tool[2])),
        *(
            finger.copy().apply_translation((tool[0] + s * 0.06, tool[1] - 0.14, tool[2]))
            for s in (-1, 1)
        ),
    )
    cable = kit.tube(
        [(0.12, 0.5, -0.12), (0.05, 0.95, -0.05), (-0.2, 1.38, 0.1), (-0.55, 1.3, 0.35)], 0.018
    )
    return [
        ("robot_orange", links),
        ("steel_dark", joints),
        ("aluminium", gripper),
        ("black_plastic", cable),
    ]


def sensor() -> Any:
    """An M30 inductive proximity sensor lying along Z (its sensing face at +Z), 0.09 m long,
    with its two lock nuts and the status LED's window on top."""
    # The threaded barrel (a ridge every 3 mm), a plain cable end and a rounded sensing face.
    thread = [(0.015 - 0.0007 * (k % 2), 0.012 + 0.0015 * k) for k in range(48)]
    face = [
        (0.0145 * math.cos(a), 0.085 + 0.005 * math.sin(a)) for a in np.linspace(0, math.pi / 2, 5)
    ]
    profile = [(0.0, 0.0), (0.012, 0.0), (0.0135, 0.004), (0.0135, 0.011), *thread, *face]
    body = kit.revolve(profile, sections=32).apply_transform(kit.rotate_x(90))
    nut = kit.chamfered_cylinder(0.022, 0.008, 0.0015, sections=6)
    nuts = [
        nut.copy().apply_transform(kit.translate(0, 0, z + 0.008) @ kit.rotate_x(90))
        for z in (0.02, 0.05)
    ]
    return kit.merge(body, *nuts)


def bracket_part() -> Any:
    """The part the cell makes: an L-shaped aluminium bracket with rounded edges."""
    return kit.merge(
        kit.rounded_box((0.12, 0.02, 0.1), 0.004),
        kit.rounded_box((0.12, 0.08, 0.02), 0.004, (0, 0.0, -0.04)),
    )


def add_sensor(b: kit.SceneBuilder, name: str, led: str, transform: Any) -> None:
    """A proximity sensor node `name` with its LED (material `led`) as a child."""
    b.add(name, sensor(), "steel", transform)
    b.add(
        f"{name}_led",
        kit.sphere(0.007, subdivisions=2).apply_translation((0, 0.013, 0.075)),
        led,
        parent=name,
    )


def fence(b: kit.SceneBuilder) -> None:
    """Yellow posts and rails around the cell; the front side has the gate opening."""
    x0, x1, z0, z1 = FENCE
    corners = [(x0, z1), (x1, z1), (x1, z0), (x0, z0)]
    sides = list(zip(corners, corners[1:] + corners[:1], strict=True))
    posts, rails = [], []
    for (ax, az), (bx, bz) in sides:
        length = math.hypot(bx - ax, bz - az)
        count = max(1, round(length / 1.0))
        for i in range(count + 1):
            t = i / count
            posts.append(kit.box((0.05, 2.0, 0.05), (ax + (bx - ax) * t, 0, az + (bz - az) * t)))
        for y in (0.15, 1.0, 1.95):
            if az == bz == z1:  # the front side: rails either side of the gate
                for a, c in ((ax, GATE[0]), (GATE[1], bx)):
                    rails.append(kit.rod((a, y, az), (c, y, az), 0.02, 8))
            else:
                rails.append(kit.rod((ax, y, az), (bx, y, bz), 0.02, 8))
    b.static(kit.merge(*posts), "safety_yellow")
    b.static(kit.merge(*rails), "safety_yellow")
    # The gate leaves, swung open into the cell.
    for hinge, side, angle in ((GATE[0], 1, 100.0), (GATE[1], -1, -100.0)):
        leaf = kit.merge(
            kit.frame(0.7, 1.9, 0.04, 0.04, (side * 0.35, 0.05, 0)),
            kit.rod((0.0, 1.0, 0), (side * 0.7, 1.0, 0), 0.015, 8),
        )
        b.static(leaf, "safety_yellow", kit.translate(hinge, 0, z1) @ kit.rotate_y(angle))
    # Hazard markings on the floor around the fence.
    stripe = kit.box((x1 - x0 + 0.3, 0.004, 0.1))
    for z in (z1 + 0.15, z0 - 0.15):
        b.static(stripe, "hazard", kit.translate((x0 + x1) / 2, 0, z))
    side = kit.box((0.1, 0.004, z1 - z0 + 0.3))
    for x in (x0 - 0.15, x1 + 0.15):
        b.static(side, "hazard", kit.translate(x, 0, (z0 + z1) / 2))


def build_hall(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(
        9.0,
        8.0,
        HEIGHT,
        center_x=0.3,
        center_z=-1.8,
        windows=[
            kit.Window("back", x, width=2.0, height=0.9, bottom=3.2) for x in (-2.6, 0.3, 3.2)
        ],
        doors=[kit.Door("left", 0.8, width=1.2)],
    )
    room.build(b)
    lamp = kit.merge(
        kit.lathe([(0.0, 0.0), (0.25, 0.0), (0.08, 0.25), (0.0, 0.25)], sections=24),
        kit.cylinder(0.015, HEIGHT - 3.85, base_y=0.25, sections=8),
    )
    for x in (-2.0, 1.0, 3.6):
        for z in (-4.0, -1.2):
            b.static(lamp, "steel_dark", kit.translate(x, 3.6, z))
            b.static(kit.cylinder(0.2, 0.01, sections=24), "lamp", kit.translate(x, 3.59, z))
    # Walkway lines and a second robot cell behind a fence on the left.
    for x in (-0.55, 3.3):
        b.static(kit.box((0.08, 0.004, 7.0)), "floor_line", kit.translate(x, 0, -1.9))
    b.static(kit.cylinder(0.3, 0.5, sections=24), "steel_dark", kit.translate(-2.8, 0, -4.3))
    b.static_parts(robot_arm(), kit.translate(-2.8, 0.5, -4.3) @ kit.rotate_y(140))
    posts = [kit.box((0.05, 2.0, 0.05), (x, 0, -3.2)) for x in (-4.0, -3.2, -2.4, -1.6)]
    rails = [kit.rod((-4.0, y, -3.2), (-1.6, y, -3.2), 0.02, 8) for y in (0.15, 1.0, 1.95)]
    b.static(kit.merge(*posts, *rails), "safety_yellow")
    # Racks of parts bins along the right wall, pallets of cartons, an extinguisher, a clock.
    for i, z in enumerate((-4.6, -3.2)):
        place = kit.translate(4.4, 0, z) @ kit.rotate_y(-90)
        b.static_parts(kit.shelf_unit(1.3, 0.5, 2.0, levels=4), place)
        for level in range(4):
            for k in range(4):
                colour = "bin_blue" if (k + level + i) % 3 else "red_paint"
                bin_mesh = kit.box((0.28, 0.18, 0.4), (-0.45 + 0.3 * k, 0.125 + level * 0.617, 0))
                b.static(bin_mesh, colour, place)
    for x, z in ((-3.3, -1.0), (-3.3, 0.4)):
        b.static_parts(kit.pallet(), kit.translate(x, 0, z))
        for k in range(4):
            b.static_parts(
                kit.carton((0.5, 0.4, 0.4)),
                kit.translate(x - 0.28 + 0.56 * (k % 2), 0.144, z - 0.22 + 0.44 * (k // 2)),
            )
    b.static_parts(kit.fire_extinguisher(), kit.translate(-0.5, 0, -5.7))
    b.static_parts(kit.wall_clock(), kit.translate(0.3, 2.8, -5.8))
    return room


def build_cell(b: kit.SceneBuilder) -> None:
    fence(b)
    # The conveyor: a frame on legs, a belt, end rollers, parts riding on it.
    x0, x1, z = CONVEYOR
    length, mid = x1 - x0, (x0 + x1) / 2
    frame_parts = [
        kit.box((length, 0.08, 0.04), (mid, BELT_TOP - 0.09, z + s * 0.23)) for s in (-1, 1)
    ]
    frame_parts += [
        kit.box((0.05, BELT_TOP - 0.09, 0.05), (x, 0, z + s * 0.2))
        for x in (x0 + 0.1, mid, x1 - 0.1)
        for s in (-1, 1)
    ]
    b.static(kit.merge(*frame_parts), "aluminium")
    belt = kit.rounded_box((length, 0.02, 0.42), 0.0099, (mid, BELT_TOP - 0.03, z), segments=4)
    b.add("conveyor", belt, "belt")
    rollers = [
        kit.tube(
            [(x, BELT_TOP - 0.04, z - 0.21), (x, BELT_TOP - 0.04, z + 0.21)],
            0.04,
            sections=32,
            round_ends=False,
        )
        for x in (x0, x1)
    ]
    b.static(kit.merge(*rollers), "steel")
    part = bracket_part()
    for i, x in enumerate((x1 - 0.12, x1 - 0.5, x1 - 0.85, x0 + 0.2)):
        b.static(part, "aluminium", kit.translate(x, BELT_TOP - 0.01, z) @ kit.rotate_y(5 * i))
    # The sensor bracket at the end of the belt (on its visitor side), with the failed sensor.
    bracket = kit.merge(
        kit.box((0.04, 0.12, 0.005), (0, 0, 0)), kit.box((0.04, 0.005, 0.05), (0, 0.1, -0.025))
    )
    b.static(bracket, "steel_dark", kit.translate(x1 - 0.12, BELT_TOP - 0.02, z + 0.26))
    mount = kit.translate(x1 - 0.12, BELT_TOP + 0.045, z + 0.3) @ kit.rotate_y(180)
    b.marker("sensor_mount", mount)
    add_sensor(b, "prox_sensor", "led_off", mount)
    b.static(
        kit.polyline([(x1 - 0.12, BELT_TOP + 0.045, z + 0.4), (x1 - 0.1, 0.5, z + 0.35)], 0.004),
        "black_plastic",
    )
    # The robot on its pedestal, and the box it fills.
    rx, rz = ROBOT
    b.static(kit.box((0.6, 0.5, 0.6)), "steel_dark", kit.translate(rx, 0, rz))
    b.add_parts("robot", robot_arm(), kit.translate(rx, 0.5, rz) @ kit.rotate_y(10))
    b.static_parts(kit.carton((0.5, 0.35, 0.4)), kit.translate(rx + 0.55, 0, rz + 0.9))


def on_cabinet(
    b: kit.SceneBuilder, name: str, mesh: Any, material: str, at: tuple[float, float, float]
) -> None:
    """A named part of the control cabinet at `at` in the cabinet's own frame."""
    b.add(name, mesh, material, kit.translate(*at), parent="control_cabinet")


def build_controls(b: kit.SceneBuilder) -> None:
    cx, cz = CABINET
    b.add_parts(
        "control_cabinet",
        [
            ("cabinet_grey", kit.rounded_box((0.8, 1.9, 0.4), 0.015)),
            ("black_plastic", kit.rounded_box((0.8, 0.1, 0.42), 0.01)),
            (
                "chrome",
                kit.pull_handle(0.2, 0.035, 0.009).apply_transform(
                    kit.translate(-0.33, 0.95, 0.2) @ kit.rotate_z(90) @ kit.rotate_y(90)
                ),
            ),
        ],
        kit.translate(cx, 0, cz) @ kit.rotate_y(15),
    )
    screen = kit.rounded_box((0.34, 0.24, 0.012), 0.004, segments=2)
    on_cabinet(b, "hmi_screen", screen, "alarm_screen", (-0.05, 1.3, 0.2))
    b.static(  # status light tower on the cabinet roof
        kit.merge(
            *(kit.cylinder(0.04, 0.07, base_y=1.9 + 0.07 * i, sections=14) for i in range(3))
        ),
        "red_paint",
        kit.translate(cx + 0.3, 0, cz),
    )
    on_cabinet(
        b, "isolator_plate", kit.box((0.01, 0.18, 0.18)), "safety_yellow", (0.405, 1.06, 0.0)
    )
    handle = kit.merge(
        kit.chamfered_cylinder(0.03, 0.02, 0.005, sections=48, segments=3).apply_transform(
            kit.rotate_z(-90)
        ),
        kit.rounded_box((0.03, 0.03, 0.13), 0.01, (0.025, -0.015, 0.0)),
    )
    on_cabinet(b, "isolator_handle", handle, "red_paint", (0.41, 1.15, 0.0))
    b.marker("lock_point", kit.translate(0.44, 1.09, 0.06), parent="control_cabinet")
    pendant = kit.merge(
        kit.rounded_box((0.24, 0.3, 0.06), 0.02),
        kit.rounded_box((0.06, 0.08, 0.04), 0.012, (0, 0.29, 0.0)),
        *(kit.capsule(0.02, 0.22).apply_translation((s * 0.12, 0.04, -0.01)) for s in (-1, 1)),
    )
    on_cabinet(b, "teach_pendant", pendant, "grey_plastic", (0.25, 1.05, 0.24))
    screen = kit.rounded_box((0.17, 0.12, 0.005), 0.0024, (0, 0.14, 0.029), segments=2)
    b.add("teach_pendant_screen", screen, "screen", parent="teach_pendant")
    b.add(
        "teach_pendant_stop",
        kit.knob(0.02, 0.015, ridges=0).apply_transform(
            kit.translate(0.07, 0.07, 0.028) @ kit.rotate_x(90)
        ),
        "indicator_red",
        parent="teach_pendant",
    )
    # The lockout station: a board on a post with hooks, tags and the padlock.
    lx, lz = cx - 0.75, cz + 0.35
    b.static(kit.box((0.06, 1.2, 0.06)), "steel_dark", kit.translate(lx, 0, lz))
    b.static(kit.box((0.45, 0.5, 0.02)), "safety_yellow", kit.translate(lx, 1.2, lz + 0.04))
    for i in range(3):
        b.static(
            kit.box((0.06, 0.1, 0.003)),
            "paper",
            kit.translate(lx - 0.12 + 0.12 * i, 1.3, lz + 0.052),
        )
    padlock: kit.Parts = [
        ("red_paint", kit.rounded_box((0.045, 0.05, 0.022), 0.006)),
        ("chrome", kit.pull_handle(0.03, 0.035, 0.004).apply_translation((0, 0.045, 0))),
    ]
    b.add_parts("padlock", padlock, kit.translate(lx, 1.5, lz + 0.07))
    b.static(kit.rod((lx, 1.575, lz + 0.05), (lx, 1.575, lz + 0.1), 0.005), "chrome")


def build_benches(b: kit.SceneBuilder) -> None:
    # Tool trolley outside the gate: the repair tray and the new sensor in its box.
    tx, tz = TROLLEY
    b.static_parts(
        kit.cabinet(0.7, 0.45, TOP - 0.02, body="red_paint", drawers=4, wheels=True),
        kit.translate(tx, 0, tz) @ kit.rotate_y(-10),
    )
    b.static(kit.box((0.72, 0.02, 0.47)), "steel_dark", kit.translate(tx, TOP - 0.02, tz))
    tray = kit.merge(
        kit.box((0.26, 0.01, 0.18)),
        *(kit.box((0.26, 0.04, 0.01), (0, 0.0, s * 0.09)) for s in (-1, 1)),
        *(kit.box((0.01, 0.04, 0.18), (s * 0.13, 0.0, 0)) for s in (-1, 1)),
    )
    b.add("repair_tray", tray, "bin_blue", kit.translate(tx - 0.16, TOP, tz - 0.05))
    box = kit.merge(
        kit.box((0.16, 0.005, 0.08)),
        *(kit.box((0.16, 0.05, 0.004), (0, 0, s * 0.04)) for s in (-1, 1)),
    )
    b.static(box, "cardboard", kit.translate(tx + 0.18, TOP, tz))
    add_sensor(b, "new_sensor", "indicator_green", kit.translate(tx + 0.18, TOP + 0.02, tz - 0.045))
    b.static(  # a multimeter and a screwdriver
        kit.box((0.08, 0.03, 0.15)), "yellow_paint", kit.translate(tx + 0.05, TOP, tz + 0.13)
    )
    b.static(
        kit.rod((tx - 0.3, TOP + 0.012, tz + 0.15), (tx - 0.12, TOP + 0.012, tz + 0.18), 0.01),
        "red_paint",
    )
    # QC table on the right with the go/no-go gauge, a finished part and a record sheet.
    qx, qz = QC_TABLE
    b.static_parts(kit.table(0.8, 1.2, TOP, top="steel"), kit.translate(qx, 0, qz))
    gauge = kit.merge(
        kit.rounded_box((0.2, 0.03, 0.16), 0.004),
        kit.rounded_box((0.03, 0.07, 0.16), 0.004, (-0.085, 0.028, 0)),
        kit.rounded_box((0.03, 0.07, 0.16), 0.004, (0.085, 0.028, 0)),
    )
    b.add("gauge", gauge, "steel_dark", kit.translate(qx - 0.15, TOP, qz - 0.2))
    b.add(
        "gauge_label",
        kit.box((0.06, 0.004, 0.03), (0.0, 0.1, 0.06)),
        "label_green",
        parent="gauge",
    )
    part = bracket_part()
    b.add("finished_part", part, "aluminium", kit.translate(qx - 0.15, TOP, qz + 0.15))
    b.static_parts(kit.clipboard(), kit.translate(qx + 0.2, TOP, qz + 0.1) @ kit.rotate_y(-80))
    b.static_parts(kit.monitor(width=0.4, height=0.26), kit.translate(qx + 0.25, TOP, qz - 0.35))
    b.marker("spawn", kit.translate(0.2, 0, 0.8))
    b.marker("thumbnail_camera", kit.look_at((0.4, 2.1, 1.5), (1.1, 0.9, -2.2)))


# Text in the robot cell (kit.signs): the alarm on the HMI, the teach pendant's screen, the
# fence and cabinet warnings, the lockout station and its tags.
SIGNS = (
    kit.Sign(
        ("ไม่พบชิ้นงานที่ปลายสายพาน", "E-201 NO PART AT CONVEYOR END", "แก้ไขแล้วกด RESET"),
        (0, 0.12, 0.0055),
        0.32,
        "alarm",
        parent="hmi_screen",
    ),
    kit.Sign(
        ("T1 สอนงาน  ความเร็ว 10%", "RESET แล้วรัน 1 รอบ"),
        (0, 0.2, 0.033),
        0.16,
        "screen",
        px=(256, 128),
        parent="teach_pendant",
    ),
    kit.Sign(
        ("อันตราย ไฟฟ้า 400 V", "DANGER ELECTRICITY"),
        (0.25, 1.62, 0.2005),
        0.22,
        "warning",
        px=(256, 128),
        parent="control_cabinet",
    ),
    kit.Sign(
        ("อันตราย พื้นที่หุ่นยนต์", "DANGER ROBOT WORKING AREA"),
        (2.45, 1.45, FENCE[3] + 0.03),
        0.6,
        "warning",
    ),
    kit.Sign(
        ("จุดล็อกเอาท์", "LOCKOUT STATION"),
        (CABINET[0] - 0.75, 1.63, CABINET[1] + 0.401),
        0.4,
        "warning",
        px=(512, 128),
    ),
    *(
        kit.Sign(
            ("อันตราย", "ห้ามเปิด", "DO NOT", "OPERATE"),
            (CABINET[0] - 0.87 + 0.12 * i, 1.35, CABINET[1] + 0.404),
            0.05,
            "prohibition",
            px=(64, 128),
        )
        for i in range(3)
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "factory": s.ambience(8.0, seed=1201, hum_hz=60, bright=0.3),
        "alarm": s.beep(880, 0.3, repeat=3, gap_s=0.2),
        "padlock": s.click(seed=1202, pitch_hz=1100, seconds=0.1),
        "sensor": s.click(seed=1203, pitch_hz=1800),
        "isolator": s.click(seed=1204, pitch_hz=700, seconds=0.12),
        "drive": s.hum(100, 4.0, seed=1205),  # the robot's drives energised
        "servo": s.drill(3.0, seed=1206, motor_hz=240),  # the arm's test cycle
        "gauge": s.beep(2400, 0.1, repeat=2),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
