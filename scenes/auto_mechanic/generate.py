"""Build `scene.glb` (and `thumbnail.png`) for the auto mechanic scene: a car repair garage.

A sedan stands side-on in front of the visitor with its bonnet up (nose to the left); around it
a rolling tool chest, a workbench under a pegboard tool wall, a tyre stack, an oil drum, a floor
jack and a roller door. The visitor changes the engine oil and checks a tyre.
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

BENCH_TOP = 0.9
CAR_X, CAR_Z = -0.2, -2.7  # the car's centre on the floor; its nose points to -X
NOSE_X = CAR_X - 2.2
WHEEL_R = 0.33
WHEELS = [(-1.35, 1), (-1.35, -1), (1.35, 1), (1.35, -1)]  # (x along the car, side)

NODES = kit.script_nodes(__file__, "car", "tool_chest")


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_garage, build_car, build_tools, kit.signs(SIGNS))


GARAGE_FLOOR_TEX = kit.concrete((150, 156, 150), size=256, seed=21)
GARAGE_WALL_TEX = kit.noise_texture((232, 230, 222), (214, 210, 200), size=64, seed=22)
PEGBOARD_TEX = kit.pegboard((186, 150, 108))

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("garage_floor", GARAGE_FLOOR_TEX, tile_m=2.5, roughness=0.55),
        wall=kit.textured("garage_wall", GARAGE_WALL_TEX, tile_m=2.0, roughness=0.9),
    ),
    "car_paint": kit.plain("car_paint", (20, 70, 150), metallic=0.6, roughness=0.28),
    "engine": kit.plain("engine", (88, 90, 94), metallic=0.7, roughness=0.5),
    "oil_filter": kit.plain("oil_filter", (30, 90, 200), metallic=0.4, roughness=0.4),
    "oil_jug": kit.plain("oil_jug", (236, 200, 40), roughness=0.4),
    "oil_dark": kit.plain("oil_dark", (24, 20, 14), roughness=0.15),
    "pegboard": kit.textured("pegboard", PEGBOARD_TEX, tile_m=0.4, roughness=0.8),
    "roller": kit.plain("roller", (170, 176, 182), metallic=0.6, roughness=0.45),
    "drum_blue": kit.plain("drum_blue", (30, 80, 160), metallic=0.4, roughness=0.5),
    "chock_yellow": kit.plain("chock_yellow", (246, 196, 24), roughness=0.6),
    "lamp_red": kit.plain("lamp_red", (200, 30, 20), emissive=(160, 20, 10), roughness=0.8),
    "lamp_amber": kit.plain("lamp_amber", (240, 150, 20), emissive=(200, 110, 10), roughness=0.8),
}


def car_body() -> Any:
    """The lower body seen from the side (x along the car, nose at -2.2), with wheel arches."""
    outline: list[tuple[float, float]] = [(-2.25, 0.42), (-2.2, 0.3)]
    for centre in (-1.35, 1.35):
        outline.append((centre - 0.4, 0.3))
        for angle in np.linspace(math.pi, 0, 11)[1:-1]:
            outline.append((centre + 0.4 * math.cos(angle), 0.3 + 0.4 * math.sin(angle)))
        outline.append((centre + 0.4, 0.3))
    outline += [(2.2, 0.3), (2.27, 0.5), (2.22, 0.96), (1.3, 1.0), (-0.75, 0.98)]
    outline += [(-0.8, 0.8), (-2.12, 0.76), (-2.25, 0.68)]
    return kit.prism(outline, 1.74)


def build_car(b: kit.SceneBuilder) -> None:
    place = kit.translate(CAR_X, 0, CAR_Z)
    body = kit.merge(
        car_body(),
        # the bonnet's side panels and the cabin's roof
        kit.box((1.35, 0.2, 0.06), (-1.45, 0.76, 0.84)),
        kit.box((1.35, 0.2, 0.06), (-1.45, 0.76, -0.84)),
        kit.prism([(-0.25, 1.4), (0.95, 1.39), (0.97, 1.46), (-0.2, 1.47)], 1.46),
        # side mirrors
        kit.box((0.12, 0.1, 0.14), (-0.62, 1.02, 0.93)),
        kit.box((0.12, 0.1, 0.14), (-0.62, 1.02, -0.93)),
    )
    b.add("car", body, "car_paint", place)
    glass = kit.prism([(-0.78, 0.97), (1.3, 0.99), (0.95, 1.4), (-0.25, 1.41)], 1.5)
    b.add("car_glass", glass, "glass_dark", parent="car")
    trim = kit.merge(
        kit.box((0.06, 0.22, 1.5), (-2.25, 0.4, 0)),  # front bumper
        kit.box((0.06, 0.18, 1.5), (2.27, 0.36, 0)),
        kit.box((0.04, 0.12, 1.2), (-2.26, 0.6, 0)),  # grille
    )
    b.add("car_trim", trim, "black_plastic", parent="car")
    lights = kit.merge(
        kit.box((0.04, 0.08, 0.3), (-2.25, 0.66, 0.6)),
        kit.box((0.04, 0.08, 0.3), (-2.25, 0.66, -0.6)),
    )
    b.add("car_headlights", lights, "chrome", parent="car")
    b.add(
        "car_taillights",
        kit.merge(
            kit.box((0.04, 0.1, 0.3), (2.25, 0.78, 0.6)),
            kit.box((0.04, 0.1, 0.3), (2.25, 0.78, -0.6)),
        ),
        "lamp_red",
        parent="car",
    )
    # The bonnet, hinged at the windscreen and propped open.
    bonnet = kit.box((1.4, 0.03, 1.66), (-0.7, 0, 0))
    b.add(
        "bonnet",
        bonnet,
        "car_paint",
        kit.translate(-0.78, 0.98, 0) @ kit.rotate_z(-58),
        parent="car",
    )
    b.static(kit.rod((-2.0, 0.8, 0.6), (-1.55, 1.98, 0.6), 0.008), "steel", place)
    # Engine bay
    engine = kit.merge(
        kit.box((0.7, 0.28, 0.8), (-1.45, 0.76, 0)),
        kit.box((0.5, 0.12, 0.6), (-1.45, 1.04, 0)),
        kit.rod((-1.8, 0.95, -0.35), (-2.05, 0.9, -0.3), 0.04),
        kit.box((0.08, 0.4, 1.3), (-2.0, 0.5, 0)),  # radiator
    )
    b.static(engine, "engine", place)
    battery = kit.box((0.24, 0.2, 0.17), (-1.0, 0.8, 0.55))
    b.static(battery, "black_plastic", place)
    b.static(
        kit.merge(
            kit.cylinder(0.015, 0.03, base_y=1.0).apply_translation((-1.07, 0, 0.6)),
            kit.cylinder(0.015, 0.03, base_y=1.0).apply_translation((-0.93, 0, 0.6)),
        ),
        "red_paint",
        place,
    )
    b.static(
        kit.lathe(
            [(0, 0), (0.07, 0), (0.07, 0.18), (0.02, 0.22), (0, 0.22)], sections=14
        ).apply_translation((-1.0, 0.8, -0.55)),
        "white_plastic",
        place,
    )
    filler = kit.cylinder(0.035, 0.03, base_y=1.16, sections=16).apply_translation((-1.3, 0, -0.12))
    b.static(filler, "oil_jug", place)
    b.marker("oil_filler", kit.translate(-1.3, 1.19, -0.12), parent="car")
    b.marker("filter_mount", kit.translate(-1.6, 0.9, 0.42), parent="car")
    dipstick = kit.merge(
        kit.torus(0.025, 0.006, major_sections=40, minor_sections=12)
        .apply_transform(kit.rotate_x(90))
        .apply_translation((0, 0.06, 0)),
        kit.tube([(0, 0, 0), (0, 0.036, 0)], 0.004, sections=12),
    )
    b.add("dipstick", dipstick, "oil_jug", kit.translate(-1.7, 1.16, 0.3), parent="car")
    # Wheels: tyre (torus) and rim; the front tyre nearest the visitor is its own node.
    # A tyre with rounded shoulders and tread blocks (its middle hides behind the rim), and
    # a dished alloy rim: five spokes, five wheel nuts round a centre cap.
    flank = [(0.26, 0.095), (0.3, 0.09), (0.318, 0.078), (0.33, 0.05)]
    tyre = kit.revolve(
        [
            (0.0, -0.09),
            (0.18, -0.09),
            *((r, -y) for r, y in flank),
            *reversed(flank),
            (0.18, 0.09),
            (0.0, 0.09),
        ],
        sections=72,
        ridges=36,
        ridge_depth=0.03,
    ).apply_transform(kit.rotate_x(90))
    nut = kit.chamfered_cylinder(0.012, 0.02, 0.003, sections=6).apply_transform(kit.rotate_x(90))
    rim = kit.merge(
        kit.cup(0.19, 0.19, 0.2, wall=0.012, sections=64, foot=0.08).apply_transform(
            kit.translate(0, 0, -0.1) @ kit.rotate_x(90)
        ),
        *(
            kit.rounded_box((0.05, 0.13, 0.02), 0.008, (0, 0.05, 0.075)).apply_transform(
                kit.rotate_z(a)
            )
            for a in (0, 72, 144, 216, 288)
        ),
        *(
            nut.copy().apply_transform(kit.rotate_z(a) @ kit.translate(0, 0.05, 0.07))
            for a in (36, 108, 180, 252, 324)
        ),
        kit.knob(0.03, 0.02, ridges=0).apply_transform(
            kit.translate(0, 0, 0.07) @ kit.rotate_x(90)
        ),
    )
    for x, side in WHEELS:
        where = kit.translate(x, WHEEL_R, side * 0.78)
        if (x, side) == (-1.35, 1):
            b.add("front_tyre", tyre, "rubber", where, parent="car", mesh_name="tyre")
            b.marker("tyre_valve", kit.translate(0.0, -0.16, 0.12), parent="front_tyre")
        else:
            b.add(
                f"tyre_{'f' if x < 0 else 'r'}{side}",
                tyre,
                "rubber",
                where,
                parent="car",
                mesh_name="tyre",
            )
        b.add(
            f"rim_{'f' if x < 0 else 'r'}{side}",
            rim,
            "chrome",
            where,
            parent="car",
            mesh_name="rim",
        )
    b.marker("chock_target", kit.translate(1.35 + 0.5, 0, 0.78 + 0.05), parent="car")
    b.marker("drain_target", kit.translate(-1.45, 0, 1.05), parent="car")


def build_tools(b: kit.SceneBuilder) -> None:
    # Rolling tool chest to the right of the visitor, with the new oil filter on it.
    b.add_parts(
        "tool_chest",
        kit.cabinet(0.7, 0.46, 1.0, drawers=6, wheels=True),
        kit.translate(1.4, 0, -0.9) @ kit.rotate_y(-90),
    )
    b.add(
        "oil_filter",
        kit.merge(
            kit.chamfered_cylinder(0.05, 0.1, 0.008, sections=72, segments=3, ridges=24),
            kit.chamfered_cylinder(0.03, 0.012, 0.003, base_y=0.1, sections=32, segments=2),
        ),
        "oil_filter",
        kit.translate(1.4, 1.0, -1.05),
    )
    # A dial tyre gauge: the round case with a bezel, the stem, the angled chuck.
    gauge = kit.merge(
        kit.chamfered_cylinder(0.03, 0.02, 0.006, sections=48, segments=3).apply_transform(
            kit.rotate_x(90)
        ),
        kit.torus(0.028, 0.003, major_sections=48, minor_sections=8).apply_transform(
            kit.translate(0, 0, 0.02) @ kit.rotate_x(90)
        ),
        kit.tube([(0, -0.02, 0.01), (0.0, -0.12, 0.01), (0.0, -0.14, 0.03)], 0.008, sections=16),
        kit.chamfered_cylinder(0.011, 0.02, 0.003, sections=24).apply_transform(
            kit.translate(0, -0.14, 0.03) @ kit.rotate_x(90)
        ),
    )
    b.add("tyre_gauge", gauge, "chrome", kit.translate(1.3, 1.0 + 0.03, -0.72) @ kit.rotate_x(-90))
    b.add(
        "tyre_gauge_face",
        kit.box((0.05, 0.002, 0.05), (0, 0.0, 0)),
        "paper",
        kit.translate(0, 0.0, 0.021) @ kit.rotate_x(90),
        parent="tyre_gauge",
    )
    # Workbench along the right wall under a pegboard of tools.
    b.static_parts(
        kit.table(2.2, 0.7, BENCH_TOP, top="wood", legs="steel_dark", undershelf=True),
        kit.translate(3.25, 0, -3.0) @ kit.rotate_y(90),
    )
    b.static(kit.box((0.02, 1.0, 2.2)), "pegboard", kit.translate(3.59, 1.05, -3.0))
    tools = []
    for i in range(6):  # spanners of growing size
        z = -3.8 + i * 0.12
        tools.append(kit.rod((3.56, 1.35, z), (3.56, 1.55 + 0.03 * i, z), 0.01 + 0.001 * i))
        tools.append(
            kit.torus(
                0.022 + 0.002 * i, 0.008, major_sections=10, minor_sections=5
            ).apply_transform(kit.translate(3.56, 1.58 + 0.03 * i, z) @ kit.rotate_z(90))
        )
    for i in range(3):  # screwdrivers
        z = -2.9 + i * 0.1
        tools.append(kit.rod((3.55, 1.3, z), (3.55, 1.5, z), 0.004))
    b.static(kit.merge(*tools), "chrome", None)
    handles = [kit.box((0.03, 0.1, 0.03), (3.55, 1.5, -2.9 + i * 0.1)) for i in range(3)]
    handles.append(kit.box((0.04, 0.06, 0.3), (3.55, 1.75, -2.3)))  # hammer head holder
    b.static(kit.merge(*handles), "red_paint", None)
    b.static(kit.box((0.2, 0.12, 0.14), (3.35, BENCH_TOP, -3.8)), "blue_paint")  # bench vice
    b.static(
        kit.rod((3.35, BENCH_TOP + 0.12, -3.88), (3.35, BENCH_TOP + 0.12, -3.6), 0.012),
        "steel_dark",
    )
    b.add(
        "oil_bottle",
        kit.merge(
            kit.rounded_box((0.16, 0.24, 0.09), 0.02),
            kit.pull_handle(0.12, 0.04, 0.01).apply_transform(
                kit.translate(-0.07, 0.08, 0) @ kit.rotate_z(90)
            ),
            kit.chamfered_cylinder(
                0.02, 0.04, 0.003, base_y=0.235, sections=40, ridges=16
            ).apply_translation((0.05, 0, 0)),
        ),
        "oil_jug",
        kit.translate(3.3, BENCH_TOP, -2.45) @ kit.rotate_y(90),
    )
    b.add_parts(
        "job_card",
        kit.clipboard(),
        # tilted 15 degrees towards the visitor, its low edge on the bench (0.16 m * sin 15)
        kit.translate(3.3, BENCH_TOP + 0.045, -2.1) @ kit.rotate_y(-70) @ kit.rotate_x(15),
    )
    # Floor: the drain pan near the visitor, wheel chock, floor jack.
    pan = kit.cup(0.2, 0.26, 0.095, wall=0.008, sections=72, rim_segments=6)
    b.add("drain_pan", pan, "black_plastic", kit.translate(-1.2, 0, -0.6))
    b.add(
        "drain_pan_oil",
        kit.chamfered_cylinder(0.2, 0.006, 0.002, base_y=0.014, sections=72),
        "oil_dark",
        parent="drain_pan",
    )
    chock = kit.prism([(-0.12, 0), (0.12, 0), (0.0, 0.12)], 0.16).apply_transform(kit.rotate_y(90))
    b.add("wheel_chock", chock, "chock_yellow", kit.translate(0.6, 0, -0.55))
    jack = kit.merge(
        kit.rounded_box((0.3, 0.14, 0.7), 0.02),
        kit.tube([(0, 0.14, 0.35), (0, 0.9, 0.85)], 0.02),
        kit.chamfered_cylinder(0.06, 0.04, 0.008, base_y=0.14, segments=2).apply_translation(
            (0, 0, -0.3)
        ),
    )
    b.static(jack, "red_paint", kit.translate(-2.6, 0, -1.2) @ kit.rotate_y(30))
    b.static(
        kit.merge(
            *(
                kit.chamfered_cylinder(0.05, 0.04, 0.01, sections=32, segments=2).apply_transform(
                    kit.translate(sx * 0.14, 0.05, sz * 0.3) @ kit.rotate_z(90)
                )
                for sx in (-1, 1)
                for sz in (-1, 1)
            )
        ),
        "rubber",
        kit.translate(-2.6, 0, -1.2) @ kit.rotate_y(30),
    )


def build_garage(b: kit.SceneBuilder) -> None:
    room = kit.Room(
        8.0,
        7.0,
        3.6,
        center_z=-2.2,
        windows=[kit.Window("left", -3.0, width=1.6, height=1.0, bottom=1.4)],
        doors=[kit.Door("left", -0.2)],
    )
    room.build(b)
    # Roller door in the back wall, a red work lamp and safety line on the floor.
    slats = [kit.box((3.0, 0.08, 0.03), (0.0, 0.1 * i, 0.0)) for i in range(27)]
    b.static(kit.merge(*slats), "roller", kit.translate(-0.6, 0, room.back + 0.02))
    b.static(kit.box((3.3, 0.3, 0.35)), "roller", kit.translate(-0.6, 2.75, room.back + 0.17))
    b.static(kit.box((0.1, 2.9, 0.06)), "hazard", kit.translate(-2.15, 0, room.back + 0.03))
    b.static(kit.box((0.1, 2.9, 0.06)), "hazard", kit.translate(0.95, 0, room.back + 0.03))
    b.static(kit.box((6.0, 0.003, 0.1)), "yellow_paint", kit.translate(-0.2, 0, -0.1))
    kit.ceiling_lights(b, [(-0.2, -2.7), (-0.2, -0.6), (2.6, -3.0)], room.height, size=(1.5, 0.2))
    # Tyre stack and oil drum in the back corners, an air compressor and extinguisher.
    tyre = kit.torus(0.25, 0.1, major_sections=40, minor_sections=12)
    for i in range(4):
        b.static(tyre, "rubber", kit.translate(2.9, 0.1 + 0.2 * i, -5.0) @ kit.rotate_y(i * 17))
    drum = kit.lathe([(0, 0), (0.29, 0), (0.29, 0.88), (0, 0.88)], sections=24)
    b.static(drum, "drum_blue", kit.translate(-3.3, 0, -5.0))
    b.static(
        kit.merge(
            *(
                kit.torus(0.295, 0.012, major_sections=24, minor_sections=4).apply_translation(
                    (0, y, 0)
                )
                for y in (0.3, 0.6)
            )
        ),
        "drum_blue",
        kit.translate(-3.3, 0, -5.0),
    )
    b.static(kit.rod((-3.2, 0.88, -5.0), (-3.2, 1.3, -5.0), 0.02), "black_plastic")
    b.static(
        kit.merge(
            kit.cylinder(0.2, 0.7, sections=20).apply_transform(
                kit.translate(0, 0.35, 0) @ kit.rotate_z(90)
            ),
            kit.box((0.3, 0.25, 0.3), (0.1, 0.55, 0)),
        ),
        "red_paint",
        kit.translate(1.8, 0, -5.2),
    )
    b.static_parts(kit.fire_extinguisher(), kit.translate(-3.7, 0, -0.6))
    hose = kit.polyline(
        [(1.8, 0.6, -5.0), (2.2, 0.2, -4.6), (2.0, 0.02, -4.2), (1.6, 0.02, -4.3)], 0.012
    )
    b.static(hose, "black_plastic")
    # Shelving with oil cans and boxed parts against the back wall, a wall clock.
    b.static_parts(kit.shelf_unit(1.6, 0.5, 2.0, levels=4), kit.translate(-3.0, 0, -4.3))
    can = kit.lathe([(0, 0), (0.08, 0), (0.08, 0.26), (0.03, 0.3), (0, 0.3)], sections=20)
    for level, y in enumerate((0.125, 0.75, 1.37)):
        for i in range(6):
            material = ("oil_jug", "red_paint", "blue_paint")[(i + level) % 3]
            b.static(can, material, kit.translate(-3.7 + 0.22 * i + 0.03 * level, y, -4.3))
    for i, size in enumerate([(0.4, 0.25, 0.35), (0.3, 0.2, 0.3), (0.45, 0.3, 0.35)]):
        b.static_parts(kit.carton(size), kit.translate(-3.5 + 0.5 * i, 1.99 - 0.02, -4.3))
    b.static_parts(kit.wall_clock(), kit.translate(2.0, 2.6, -5.64))
    # Jack stands and spare wheels by the right wall.
    stand = kit.merge(
        kit.lathe([(0, 0), (0.16, 0), (0.04, 0.45), (0, 0.45)], sections=4),
        kit.rod((0, 0.3, 0), (0, 0.62, 0), 0.02),
        kit.box((0.1, 0.03, 0.06), (0, 0.62, 0)),
    )
    for x in (2.2, 2.6):
        b.static(stand, "red_paint", kit.translate(x, 0, -4.6))
    b.marker("spawn", kit.translate(0, 0, 0.4))
    b.marker("thumbnail_camera", kit.look_at((1.1, 1.85, 1.3), (-1.0, 0.85, -2.7)))


# Text in the garage (kit.signs): its name, safety signs, the job card and the oil's label.
SIGNS = (
    kit.Sign(
        ("อู่ช่างสมชาย", "SOMCHAI AUTO SERVICE"), (-0.6, 3.3, -5.697), 1.6, "zone", px=(1024, 256)
    ),
    kit.Sign(
        ("ห้ามสูบบุหรี่", "NO SMOKING"), (-3.997, 1.7, -1.6), 0.45, "prohibition", px=(256, 128), yaw=90
    ),
    kit.Sign(("ทางออก", "EXIT"), (-3.997, 2.3, -0.2), 0.5, "exit", px=(256, 128), yaw=90),
    kit.clipboard_sheet(
        (
            "ใบสั่งซ่อม JOB CARD",
            "ทะเบียน 1กข 2345 กรุงเทพมหานคร",
            "เปลี่ยนน้ำมันเครื่อง + ไส้กรอง",
            "เช็คลมยาง 32 ปอนด์",
        ),
        "job_card",
    ),
    kit.Sign(
        ("น้ำมันเครื่อง", "ENGINE OIL 5W-30"),
        (0, 0.12, -0.0455),
        0.14,
        "label",
        px=(256, 128),
        yaw=180,
        parent="oil_bottle",
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "garage": s.ambience(8.0, seed=401, hum_hz=60, bright=0.3),
        "chock": s.thud(seed=402, seconds=0.3),
        "dipstick": s.click(seed=403, pitch_hz=1400),
        "pan": s.bell(300, notes=(1.0,), seconds=0.5),
        "wrench": s.drill(1.5, seed=404, motor_hz=260),  # spinning the filter on
        "pour": s.water(2.5, seed=405, loop=False),
        "air": s.steam(0.6, seed=406),  # the gauge on the tyre valve
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
