"""Build `scene.glb` (and `thumbnail.png`) for the warehouse scene: a distribution centre aisle.

Pallet racking (blue uprights, orange beams) loaded with pallets of cartons, a location label on
every bay, a packing table with a barcode scanner, pick list, tape gun and shipping labels, an
outbound pallet, a hand pallet truck, a forklift parked further down, yellow lane markings,
high-bay lights and a loading-dock roller door.

Run by the packager with the scene folder as the working directory: `python generate.py
[OUTPUT]` writes OUTPUT (default `scene.glb` here) and `thumbnail.png` next to it. Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from its own folder: make `scenes` importable
    sys.path.insert(0, str(ROOT))

from scenes.kit.builder import Parts, SceneBuilder  # noqa: E402
from scenes.kit.export import main  # noqa: E402
from scenes.kit.furniture import carton, clipboard, fire_extinguisher, pallet, table  # noqa: E402
from scenes.kit.materials import (  # noqa: E402
    WHITE,
    Material,
    concrete,
    fabric,
    noise_texture,
    standard_materials,
)
from scenes.kit.room import Room, ceiling_lights, room_materials  # noqa: E402
from scenes.kit.shapes import (  # noqa: E402
    box,
    cylinder,
    lathe,
    look_at,
    merge,
    rod,
    rotate_x,
    rotate_y,
    rotate_z,
    translate,
)

TOP = 0.9
RACK_Z = -2.7  # the front face of the first rack run is at RACK_Z + 0.55
LEVELS = (0.0, 1.5, 3.0)  # beam heights (the ground level sits on the floor)
BAYS = (-3.6, -1.2, 1.2)  # left edge of each 2.4 m bay
PACK = (2.3, -0.5)  # packing table centre

NODES = (
    "spawn",
    "safety_vest",
    "pick_list",
    "scanner",
    "bin_label",
    "target_carton",
    "packing_spot",
    "tape_dispenser",
    "shipping_label",
    "label_spot",
    "outbound_pallet",
    "forklift",
)

MATERIALS: dict[str, Material] = {
    **standard_materials(),
    **room_materials(
        floor=Material(
            "warehouse_floor",
            WHITE,
            roughness=0.6,
            texture=concrete((170, 170, 166), size=256, seed=81),
            tile_m=3.0,
        ),
        wall=Material(
            "cladding",
            WHITE,
            roughness=0.7,
            metallic=0.2,
            texture=noise_texture((214, 218, 222), (196, 200, 206), size=64, seed=82),
            tile_m=3.0,
        ),
    ),
    "rack_blue": Material("rack_blue", (24, 70, 150, 255), metallic=0.4, roughness=0.45),
    "beam_orange": Material("beam_orange", (236, 110, 20, 255), metallic=0.4, roughness=0.45),
    "vest": Material(
        "vest",
        WHITE,
        roughness=0.7,
        texture=fabric((250, 200, 20), size=64, seed=83, threads=10),
        tile_m=0.2,
    ),
    "reflective": Material("reflective", (220, 222, 226, 255), metallic=0.6, roughness=0.2),
    "forklift_yellow": Material(
        "forklift_yellow", (240, 180, 20, 255), metallic=0.3, roughness=0.45
    ),
    "stretch_film": Material("stretch_film", (200, 210, 220, 150), roughness=0.1),
    "roller": Material("roller", (170, 176, 182, 255), metallic=0.6, roughness=0.45),
}


def rack_bay(width: float = 2.4, depth: float = 1.1, height: float = 4.2) -> Parts:
    """One bay of pallet racking standing from x = 0 to `width`, front at z = +depth/2."""
    uprights = []
    for x in (0.05, width - 0.05):
        for z in (-depth / 2 + 0.05, depth / 2 - 0.05):
            uprights.append(box((0.08, height, 0.08), (x, 0, z)))
        for y in (0.3, 1.2, 2.1, 3.0, 3.9):
            uprights.append(rod((x, y, -depth / 2 + 0.05), (x, y + 0.9, depth / 2 - 0.05), 0.012))
    beams = [
        box((width - 0.1, 0.12, 0.05), (width / 2, y, z))
        for y in LEVELS[1:]
        for z in (-depth / 2 + 0.05, depth / 2 - 0.05)
    ]
    return [("rack_blue", merge(*uprights)), ("beam_orange", merge(*beams))]


def forklift() -> Parts:
    """A counterbalance forklift facing -X, forks lowered."""
    body = merge(box((1.6, 0.7, 1.0), (0.2, 0.25, 0)), box((0.5, 0.5, 1.0), (0.75, 0.95, 0)))
    guard = merge(
        *(rod((x, 0.95, z), (x, 2.1, z), 0.03) for x in (-0.35, 0.55) for z in (-0.45, 0.45)),
        box((1.0, 0.05, 1.0), (0.1, 2.1, 0)),
    )
    mast = merge(
        box((0.08, 2.3, 0.08), (-0.7, 0.1, -0.3)),
        box((0.08, 2.3, 0.08), (-0.7, 0.1, 0.3)),
        box((0.06, 0.5, 0.9), (-0.75, 0.1, 0)),
    )
    forks = merge(
        box((1.1, 0.05, 0.12), (-1.3, 0.05, -0.25)), box((1.1, 0.05, 0.12), (-1.3, 0.05, 0.25))
    )
    wheels = merge(
        *(
            cylinder(0.25, 0.2, sections=24).apply_transform(translate(x, 0.25, z) @ rotate_x(90))
            for x in (-0.35, 0.75)
            for z in (-0.6, 0.4)
        )
    )
    seat = merge(box((0.45, 0.12, 0.45), (0.3, 0.95, 0)), box((0.1, 0.45, 0.45), (0.5, 1.05, 0)))
    wheel_stand = rod((-0.15, 0.95, 0.0), (-0.25, 1.3, 0.0), 0.025)
    return [
        ("forklift_yellow", body),
        ("black_plastic", merge(guard, seat, wheel_stand)),
        ("steel_dark", merge(mast, forks)),
        ("rubber", wheels),
    ]


def hand_pallet_truck() -> Parts:
    forks = merge(
        box((1.15, 0.07, 0.16), (-0.55, 0.02, -0.2)),
        box((1.15, 0.07, 0.16), (-0.55, 0.02, 0.2)),
        box((0.25, 0.3, 0.56), (0.1, 0.02, 0)),
    )
    handle = merge(
        rod((0.15, 0.3, 0), (0.45, 1.15, 0), 0.02),
        rod((0.45, 1.15, -0.12), (0.45, 1.15, 0.12), 0.02),
    )
    wheels = merge(
        *(
            cylinder(0.08, 0.05, sections=16).apply_transform(
                translate(0.15, 0.08, z) @ rotate_x(90)
            )
            for z in (-0.1, 0.1)
        )
    )
    return [("red_paint", forks), ("black_plastic", handle), ("rubber", wheels)]


def build_room(b: SceneBuilder) -> Room:
    room = Room(10.0, 10.0, 6.0, center_z=-3.5)
    room.build(b)
    lamp = lathe([(0.0, 0.3), (0.05, 0.3), (0.25, 0.05), (0.26, 0.0), (0.0, 0.02)])
    for x in (-3.0, 0.0, 3.0):
        for z in (-1.0, -4.5, -7.0):
            b.static(lamp, "steel", translate(x, 5.3, z))
            b.static(cylinder(0.22, 0.01, base_y=5.3, sections=24), "lamp", translate(x, 0, z))
            b.static(rod((x, 5.6, z), (x, 6.0, z), 0.01), "steel_dark")
    ceiling_lights(b, [], room.height)
    # Loading dock roller door and lane markings.
    slats = [box((3.2, 0.09, 0.04), (0, 0.1 * i, 0)) for i in range(32)]
    b.static(merge(*slats), "roller", translate(2.5, 0, room.back + 0.03))
    b.static(box((3.5, 0.4, 0.4)), "roller", translate(2.5, 3.2, room.back + 0.2))
    lines = merge(
        box((9.0, 0.003, 0.1), (0, 0, RACK_Z + 0.8)),
        box((9.0, 0.003, 0.1), (0, 0, RACK_Z - 0.85)),
        box((0.1, 0.003, 3.0), (-2.4, 0, 0.0)),
    )
    b.static(lines, "yellow_paint")
    b.static_parts(fire_extinguisher(), translate(-4.8, 0, -0.5))
    return room


def build_racks(b: SceneBuilder) -> None:
    sizes = [(0.4, 0.3, 0.3), (0.5, 0.35, 0.4), (0.35, 0.25, 0.3)]
    # The same meshes placed many times: the builder shades each mesh once.
    cartons = {size: carton(size) for size in sizes}
    pallet_parts, bay_parts = pallet(), rack_bay()
    for run, z in enumerate((RACK_Z, RACK_Z - 3.0)):
        for bay, x0 in enumerate(BAYS):
            b.static_parts(bay_parts, translate(x0, 0, z))
            for level, y in enumerate(LEVELS):
                base = y + (0.12 if level else 0.0)
                for slot in range(2):
                    cx = x0 + 0.65 + 1.1 * slot
                    b.static_parts(pallet_parts, translate(cx, base, z) @ rotate_y(90))
                    if (run, bay, level, slot) == (0, 2, 0, 0):
                        continue  # the bay the visitor picks from: its carton is a node
                    size = sizes[(bay + level + slot) % 3]
                    h = size[1]
                    for k in range(4):
                        b.static_parts(
                            cartons[size],
                            translate(
                                cx - 0.27 + 0.54 * (k % 2), base + 0.144, z - 0.25 + 0.5 * (k // 2)
                            ),
                        )
                    b.static_parts(cartons[size], translate(cx, base + 0.144 + h, z))
            for y in LEVELS[1:]:
                b.static(
                    box((0.12, 0.06, 0.005)), "paper", translate(x0 + 0.35, y + 0.03, z + 0.58)
                )
    # The pick location: a label on the lowest beam and one carton to pick from its pallet.
    x0 = BAYS[2]
    b.add("bin_label", box((0.2, 0.1, 0.005)), "paper", translate(x0 + 0.65, 0.3, RACK_Z + 0.56))
    b.add(
        "bin_label_code",
        merge(
            *(
                box((0.006 + 0.004 * (i % 3), 0.06, 0.002), (-0.07 + 0.014 * i, 0.02, 0.004))
                for i in range(10)
            )
        ),
        "black_plastic",
        parent="bin_label",
    )
    b.static(
        rod((x0 + 0.65, 0.0, RACK_Z + 0.56), (x0 + 0.65, 0.3, RACK_Z + 0.56), 0.01), "rack_blue"
    )
    b.add_parts(
        "target_carton", carton((0.4, 0.3, 0.3)), translate(x0 + 0.65, 0.144, RACK_Z + 0.25)
    )
    b.add(
        "target_carton_barcode",
        box((0.1, 0.06, 0.002), (0, 0.15, 0.151)),
        "paper",
        parent="target_carton",
    )


def build_packing(b: SceneBuilder) -> None:
    px, pz = PACK
    b.static_parts(
        table(1.8, 0.8, TOP, top="wood", legs="steel_dark", undershelf=True),
        translate(px, 0, pz) @ rotate_y(90),
    )
    b.marker("packing_spot", translate(px, TOP, pz - 0.2))
    b.marker("label_spot", translate(px, TOP + 0.3, pz - 0.2))
    dispenser = merge(
        box((0.06, 0.12, 0.2)),
        cylinder(0.06, 0.05, sections=24).apply_transform(
            translate(0.025, 0.14, -0.03) @ rotate_z(90)
        ),
        rod((0, 0.05, 0.1), (0, 0.0, 0.22), 0.015),
    )
    b.add("tape_dispenser", dispenser, "red_paint", translate(px - 0.1, TOP, pz + 0.45))
    b.add("shipping_label", box((0.1, 0.003, 0.15)), "paper", translate(px + 0.2, TOP, pz + 0.2))
    scanner = merge(
        box((0.07, 0.035, 0.16), (0, 0, 0)),
        rod((0, 0.0, -0.05), (0, -0.1, -0.09), 0.018).apply_translation((0, 0.12, 0)),
    )
    b.add("scanner", scanner, "black_plastic", translate(px - 0.2, TOP, pz + 0.75) @ rotate_y(90))
    b.add("scanner_screen", box((0.05, 0.002, 0.06), (0, 0.036, 0.02)), "screen", parent="scanner")
    b.add_parts("pick_list", clipboard(), translate(px + 0.15, TOP, pz + 0.65) @ rotate_y(80))
    vest = merge(box((0.5, 0.6, 0.03)), box((0.5, 0.05, 0.035), (0, 0.2, 0.0)))
    b.add(
        "safety_vest",
        vest,
        "vest",
        translate(px + 0.45, TOP + 0.1, pz - 0.6)
        @ rotate_y(-90)
        @ rotate_x(-80)
        @ translate(0, -0.3, 0),
    )
    b.add(
        "safety_vest_stripes",
        merge(box((0.52, 0.04, 0.035), (0, 0.12, 0.0)), box((0.52, 0.04, 0.035), (0, 0.3, 0.0))),
        "reflective",
        parent="safety_vest",
    )
    roll = merge(cylinder(0.1, 0.5, sections=28), cylinder(0.03, 0.58, base_y=-0.04))
    b.static(roll, "stretch_film", translate(px + 0.1, TOP, pz - 0.7) @ rotate_x(90))
    for i, size in enumerate([(0.3, 0.2, 0.25), (0.4, 0.25, 0.3)]):
        b.static_parts(carton(size), translate(px + 0.1, 0.2, pz - 0.5 + 0.5 * i))
    # Outbound pallet on the left, the hand pallet truck, the forklift down the aisle.
    b.add_parts("outbound_pallet", pallet(), translate(-1.5, 0, -0.6))
    for k in range(3):
        b.static_parts(carton((0.4, 0.3, 0.3)), translate(-1.8 + 0.42 * k, 0.144, -0.9))
    b.static_parts(hand_pallet_truck(), translate(-3.2, 0, -0.8) @ rotate_y(20))
    b.add_parts("forklift", forklift(), translate(-1.5, 0, -4.1) @ rotate_y(10))
    b.marker("spawn", translate(0, 0, 0.8))
    b.marker("thumbnail_camera", look_at((2.2, 2.2, 1.5), (-0.5, 1.2, -3.2)))


def build() -> SceneBuilder:
    b = SceneBuilder(MATERIALS)
    build_room(b)
    build_racks(b)
    build_packing(b)
    return b


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], build, here=Path(__file__).parent, required=NODES))
