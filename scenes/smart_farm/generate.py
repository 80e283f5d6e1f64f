"""Build `scene.glb` (and `thumbnail.png`) for the smart-farm scene: a drone shed by a rice field.

An equipment shed whose back wall opens onto a green rice field: a six-rotor spraying drone on
the workbench's landing mat, spare batteries on a charger, the flight-planning tablet and the
remote controller, a mixing tank with a measuring jug, masks and gloves, soil moisture sensors,
and outside a weather station and the launch pad at the edge of the field.
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
BACK = -4.2  # the back wall, open onto the field
BENCH = (-1.6, -1.6)  # the workbench with the drone (x, z)

NODES = kit.script_nodes(__file__)


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_shed, build_bench, kit.signs(SIGNS))


SHED_FLOOR_TEX = kit.concrete((160, 158, 150), size=256, seed=91)
SHED_WALL_TEX = kit.noise_texture((196, 204, 196), (176, 186, 178), size=64, seed=92)
RICE_TEX = kit.noise_texture(
    (110, 176, 60), (64, 130, 40), size=128, seed=93, cells=32, contrast=1.6
)
DIKE_TEX = kit.noise_texture((140, 112, 76), (110, 86, 56), size=64, seed=94)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("shed_floor", SHED_FLOOR_TEX, tile_m=2.5, roughness=0.8),
        wall=kit.textured("shed_wall", SHED_WALL_TEX, tile_m=2.0, roughness=0.7, metallic=0.2),
    ),
    "rice": kit.textured("rice", RICE_TEX, tile_m=1.5, roughness=0.8),
    "dike": kit.textured("dike", DIKE_TEX, tile_m=1.0, roughness=0.95),
    "drone_body": kit.plain("drone_body", (236, 238, 240), roughness=0.35),
    "carbon": kit.plain("carbon", (36, 38, 40), metallic=0.3, roughness=0.4),
    "tank_white": kit.plain("tank_white", (226, 232, 236), roughness=0.3),
    "battery": kit.plain("battery", (70, 74, 80), roughness=0.45),
    "pad": kit.plain("pad", (40, 110, 60), roughness=0.8),
    "pad_mark": kit.plain("pad_mark", (244, 244, 240), roughness=0.7),
    "liquid": kit.Material("liquid", (120, 190, 110, 200), roughness=0.1),
    "mask": kit.plain("mask", (240, 242, 244), roughness=0.8),
}


def spray_drone() -> kit.Parts:
    """A six-rotor agricultural spraying drone (about 2 m across), standing on its skids."""
    body = kit.merge(
        kit.ellipsoid((0.28, 0.12, 0.22), subdivisions=3).apply_translation((0, 0.42, 0)),
        kit.rounded_box((0.5, 0.08, 0.4), 0.03, (0, 0.4, 0)),
    )
    arms, motors, props = [], [], []
    for angle in np.linspace(0, 2 * math.pi, 6, endpoint=False) + math.pi / 6:
        x, z = math.cos(angle), math.sin(angle)
        arms.append(kit.tube([(0.2 * x, 0.46, 0.2 * z), (0.9 * x, 0.5, 0.9 * z)], 0.025))
        motors.append(
            kit.chamfered_cylinder(
                0.05, 0.08, 0.01, base_y=0.48, sections=32, segments=2, ridges=8
            ).apply_translation((0.9 * x, 0, 0.9 * z))
        )
        blade = kit.merge(
            kit.rounded_box((0.62, 0.006, 0.05), 0.0029, (0, 0.57, 0), segments=2),
            kit.chamfered_cylinder(0.02, 0.015, 0.004, base_y=0.56, sections=24),
        ).apply_transform(kit.rotate_y(math.degrees(angle) + 35))
        props.append(blade.apply_translation((0.9 * x, 0, 0.9 * z)))
    gear = [
        kit.tube([(sx * 0.2, 0.4, sz * 0.18), (sx * 0.3, 0.02, sz * 0.25)], 0.015)
        for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    gear += [kit.tube([(sx * 0.3, 0.02, -0.35), (sx * 0.3, 0.02, 0.35)], 0.018) for sx in (-1, 1)]
    nozzles = [kit.tube([(-0.5, 0.3, 0.0), (0.5, 0.3, 0.0)], 0.01)]
    nozzles += [
        kit.cone(0.02, 0.05).apply_transform(kit.translate(x, 0.3, 0) @ kit.rotate_x(180))
        for x in (-0.45, 0.45)
    ]
    return [
        ("drone_body", body),
        ("carbon", kit.merge(*arms, *gear, *nozzles)),
        ("black_plastic", kit.merge(*motors, *props)),
    ]


def weather_station() -> kit.Parts:
    mast = kit.rod((0, 0, 0), (0, 2.2, 0), 0.03)
    cups = [
        kit.rod((0, 2.35, 0), (0.15 * math.cos(a), 2.35, 0.15 * math.sin(a)), 0.006)
        for a in (0.0, 2.1, 4.2)
    ]
    cups += [
        kit.lathe(
            [(0.0, 0.0), (0.035, 0.01), (0.04, 0.04), (0.0, 0.035)], sections=12
        ).apply_transform(
            kit.translate(0.15 * math.cos(a), 2.33, 0.15 * math.sin(a)) @ kit.rotate_z(90)
        )
        for a in (0.0, 2.1, 4.2)
    ]
    vane = kit.merge(
        kit.rod((0, 2.1, 0), (0, 2.35, 0), 0.01), kit.box((0.3, 0.1, 0.01), (0.1, 2.05, 0))
    )
    panel = kit.box((0.4, 0.3, 0.02), (0, 0, 0)).apply_transform(
        kit.translate(0, 1.5, 0.05) @ kit.rotate_x(-30)
    )
    return [
        ("steel", kit.merge(mast, *cups, vane)),
        ("glass_dark", panel),
        ("white_plastic", kit.box((0.18, 0.24, 0.12), (0, 1.0, 0.06))),
    ]


def build_shed(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(
        8.0,
        5.6,
        3.4,
        center_z=BACK + 2.8,
        windows=[
            kit.Window("back", 0.3, width=5.0, height=3.0, bottom=0.0, glass=False),
            kit.Window("left", -1.2, width=1.4, height=1.0, bottom=1.2),
        ],
    )
    room.build(b)
    kit.ceiling_lights(b, [(-1.6, -1.6), (1.6, -1.6)], room.height, size=(1.2, 0.2))
    # The rice field outside, bunds between the paddies, a far tree line.
    b.add(
        "rice_field",
        kit.box((30.0, 0.3, 22.0), (0, -0.26, -11.2)),
        "rice",
        kit.translate(0, 0, BACK - 0.1),
    )
    b.static(
        kit.merge(
            *(kit.box((30.0, 0.12, 0.4), (0, -0.02, BACK - 0.1 - z)) for z in (0.4, 7.0, 14.0)),
            kit.box((0.4, 0.12, 22.0), (-6.0, -0.02, BACK - 11.3)),
            kit.box((0.4, 0.12, 22.0), (6.5, -0.02, BACK - 11.3)),
        ),
        "dike",
    )
    rows = [kit.box((30.0, 0.05, 0.08), (0, 0.04, BACK - 1.0 - 0.35 * i)) for i in range(16)]
    b.static(kit.merge(*rows), "rice")
    trees = [
        kit.ellipsoid((1.6, 2.2, 1.6), subdivisions=2).apply_translation((x, 1.1, BACK - 22.0))
        for x in np.linspace(-14, 14, 9)
    ]
    b.static(kit.merge(*trees), "foliage")
    trunks = [
        kit.rod((x, 0, BACK - 22.0), (x, 1.6, BACK - 22.0), 0.25) for x in np.linspace(-14, 14, 9)
    ]
    b.static(kit.merge(*trunks), "wood_dark")
    # Rice plants in rows near the shed: clumps of leaning blades.
    blade = kit.cone(0.012, 0.55, sections=5)
    placements = []
    rng = np.random.default_rng(95)
    for row in range(6):
        for k in range(40):
            x = -9.0 + 0.45 * k + 0.1 * rng.random()
            z = BACK - 1.0 - 0.35 * row
            for angle in (0.0, 120.0, 240.0):
                placements.append(
                    kit.translate(x, 0.04, z) @ kit.rotate_y(angle + 40 * row) @ kit.rotate_z(12)
                )
    b.static(kit.scatter(blade, placements), "rice")
    # Shelves with sacks and cartons, a mixing tank.
    b.static_parts(kit.shelf_unit(1.8, 0.5, 2.0, levels=4), kit.translate(2.8, 0, -3.8))
    for i in range(3):
        b.static_parts(kit.carton((0.45, 0.3, 0.35)), kit.translate(2.3 + 0.5 * i, 0.12, -3.8))
        b.static(
            kit.ellipsoid((0.22, 0.12, 0.16)),
            "white_plastic",
            kit.translate(2.3 + 0.5 * i, 0.74, -3.8),
        )
    tank = kit.lathe([(0.0, 0.0), (0.3, 0.0), (0.32, 0.8), (0.12, 0.9), (0.0, 0.9)], sections=32)
    b.static(tank, "tank_white", kit.translate(2.6, 0, -2.3))
    b.static(
        kit.cylinder(0.08, 0.05, base_y=0.9, sections=20), "blue_paint", kit.translate(2.6, 0, -2.3)
    )
    return room


def build_bench(b: kit.SceneBuilder) -> None:
    bx, bz = BENCH
    b.static_parts(
        kit.table(2.4, 0.9, TOP, top="wood", legs="steel_dark", undershelf=True),
        kit.translate(bx, 0, bz),
    )
    b.add_parts("drone", spray_drone(), kit.translate(bx, TOP, bz))
    b.add(
        "drone_tank",
        kit.revolve(
            [
                (0.0, 0.0),
                (0.13, 0.0),
                (0.145, 0.015),
                (0.16, 0.2),
                (0.12, 0.26),
                (0.05, 0.28),
                (0.0, 0.28),
            ],
            sections=56,
        ),
        "tank_white",
        kit.translate(0, 0.1, 0),
        parent="drone",
    )
    b.marker("battery_slot", kit.translate(0.0, 0.52, 0.1), parent="drone")
    battery = kit.merge(
        kit.rounded_box((0.18, 0.12, 0.28), 0.015),
        kit.pull_handle(0.12, 0.03, 0.008).apply_translation((0, 0.12, 0.0)),
    )
    b.add("battery", battery, "battery", kit.translate(bx + 1.45, TOP, bz + 0.2) @ kit.rotate_y(10))
    b.static(kit.box((0.3, 0.1, 0.25)), "black_plastic", kit.translate(bx + 1.0, TOP, bz - 0.2))
    b.static(battery, "battery", kit.translate(bx + 1.0, TOP + 0.1, bz - 0.2))
    b.static(
        kit.box((0.04, 0.03, 0.03)),
        "indicator_green",
        kit.translate(bx + 0.88, TOP + 0.05, bz - 0.07),
    )
    jug = kit.mug(0.06, 0.065, 0.18, handle=0.1, wall=0.004, sections=48)
    b.add("measuring_jug", jug, "white_plastic", kit.translate(bx - 0.95, TOP, bz + 0.25))
    liquid = kit.chamfered_cylinder(0.056, 0.1, 0.002, base_y=0.004, sections=48)
    b.add("measuring_jug_liquid", liquid, "liquid", parent="measuring_jug")
    tablet = kit.rounded_box((0.26, 0.012, 0.18), 0.0059, segments=3)
    b.add(
        "flight_tablet",
        tablet,
        "black_plastic",
        kit.translate(bx + 0.5, TOP, bz + 0.32) @ kit.rotate_y(-8) @ kit.rotate_x(12),
    )
    b.add(
        "flight_tablet_screen",
        kit.rounded_box((0.24, 0.002, 0.16), 0.00099, (0, 0.0115, 0), segments=2),
        "screen",
        parent="flight_tablet",
    )
    stick = kit.merge(
        kit.chamfered_cylinder(0.014, 0.008, 0.003, sections=32, segments=2),
        kit.tube([(0, 0.008, 0), (0, 0.03, 0)], 0.004, sections=12, round_ends=False),
        kit.knob(0.008, 0.01, ridges=8).apply_translation((0, 0.028, 0)),
    )
    remote = kit.merge(
        kit.rounded_box((0.22, 0.04, 0.14), 0.015),
        *(stick.copy().apply_translation((x, 0.04, 0.03)) for x in (-0.08, 0.08)),
        kit.rounded_box((0.16, 0.1, 0.012), 0.005, (0, 0.04, -0.07)),
        *(
            kit.capsule(0.018, 0.1).apply_transform(
                kit.translate(x, 0.02, -0.02) @ kit.rotate_x(90)
            )
            for x in (-0.1, 0.1)
        ),
    )
    b.add("remote_controller", remote, "grey_plastic", kit.translate(bx + 0.1, TOP, bz + 0.3))
    # A half-mask respirator: the face piece, two filter cartridges, the strap.
    filters = [
        kit.chamfered_cylinder(0.03, 0.02, 0.005, sections=40, segments=3).apply_transform(
            kit.translate(s * 0.06, 0.04, 0.02) @ kit.rotate_z(s * -70)
        )
        for s in (-1, 1)
    ]
    strap = [(0.07 * math.cos(a), 0.03, -0.05 * math.sin(a)) for a in np.linspace(0, math.pi, 13)]
    mask = kit.merge(
        kit.ellipsoid((0.07, 0.05, 0.05), subdivisions=3),
        *filters,
        kit.tube(strap, 0.004, sections=8),
    )
    b.add("ppe_mask", mask, "mask", kit.translate(bx - 0.55, TOP, bz + 0.3))
    gloves = kit.merge(
        kit.glove(), kit.glove().apply_transform(kit.translate(0.08, 0.01, 0.02) @ kit.rotate_y(6))
    )
    b.static(gloves, "green_paint", kit.translate(bx - 0.7, TOP, bz + 0.1))
    sensor = kit.merge(
        kit.tube([(0, 0, 0), (0, 0.3, 0)], 0.008, sections=16, round_ends=False),
        kit.rounded_box((0.06, 0.08, 0.03), 0.01, (0, 0.3, 0)),
        kit.revolve(
            [(0.0, 0.0), (0.012, 0.0), (0.011, 0.02), (0.005, 0.045), (0.0, 0.05)], sections=24
        ).apply_transform(kit.rotate_x(180)),
    )
    b.add(
        "soil_sensor",
        sensor,
        "yellow_paint",
        kit.translate(bx + 0.9, TOP + 0.05, bz + 0.38) @ kit.rotate_z(80),
    )
    # Outside: the launch pad, the weather station and the spot for the moisture sensor.
    pad = kit.merge(kit.box((1.6, 0.02, 1.6)))
    b.add("launch_pad", pad, "pad", kit.translate(0.8, 0, BACK - 0.9))
    b.add(
        "launch_pad_mark",
        kit.merge(
            kit.box((0.12, 0.005, 0.9), (-0.3, 0.02, 0)),
            kit.box((0.12, 0.005, 0.9), (0.3, 0.02, 0)),
            kit.box((0.6, 0.005, 0.12), (0, 0.02, 0)),
        ),
        "pad_mark",
        parent="launch_pad",
    )
    b.add_parts("weather_station", weather_station(), kit.translate(2.0, 0, BACK - 0.5))
    b.marker("sensor_spot", kit.translate(-1.4, 0.05, BACK - 0.8))
    b.marker("spawn", kit.translate(0, 0, -0.3))
    b.marker("thumbnail_camera", kit.look_at((1.6, 1.7, 0.6), (-0.6, 0.9, -3.6)))


# Text in the drone shed (kit.signs): its name, the chemical safety sign and the flight plan.
SIGNS = (
    kit.Sign(
        ("ศูนย์บริการโดรนเกษตร", "AGRI-DRONE SERVICE CENTRE"),
        (0.3, 3.2, BACK + 0.003),
        1.2,
        "zone",
        px=(1024, 256),
    ),
    kit.Sign(
        ("สวมหน้ากากและถุงมือ", "ขณะผสมสารเคมี", "WEAR MASK AND GLOVES"),
        (-3.997, 1.6, -2.9),
        0.45,
        "mandatory",
        px=(256, 256),
        yaw=90,
    ),
    kit.Sign(
        ("แผนการบิน นาข้าว 10 ไร่", "ความสูงบิน 2 ม.  ปุ๋ยน้ำ", "ระวังสายไฟและบ้านคน", "FLIGHT PLAN"),
        (0, 0.0145, 0),
        0.23,
        "screen",
        tilt=-90,
        parent="flight_tablet",
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The scene's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "field": s.birds(8.0, seed=801),
        "battery": s.click(seed=802, pitch_hz=1100, seconds=0.1),
        "pour": s.water(2.0, seed=803, loop=False),
        "remote": s.beep(2000, 0.08, repeat=2),
        "rotors": s.hum(170, 4.0, seed=804),  # the spraying drone in the air
        "sensor": s.beep(2600, 0.1, repeat=2),
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
