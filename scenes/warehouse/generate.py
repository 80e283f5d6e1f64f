"""Build `scene.glb` (and `thumbnail.png`) for the warehouse scene: a distribution centre aisle.

Pallet racking (blue uprights, orange beams) loaded with pallets of cartons, a location label on
every bay, a packing table with a barcode scanner, pick list, tape gun and shipping labels, an
outbound pallet, a hand pallet truck, a forklift parked further down, yellow lane markings,
high-bay lights and a loading-dock roller door.
"""

from __future__ import annotations

import sys
from pathlib import Path

if (ROOT := str(Path(__file__).resolve().parents[2])) not in sys.path:  # run as a script
    sys.path.insert(0, ROOT)  # from the scene folder: make `scenes` importable

from scenes import kit

TOP = 0.9
RACK_Z = -2.7  # the front face of the first rack run is at RACK_Z + 0.55
LEVELS = (0.0, 1.5, 3.0)  # beam heights (the ground level sits on the floor)
BAYS = (-3.6, -1.2, 1.2)  # left edge of each 2.4 m bay
PACK = (2.3, -0.5)  # packing table centre

NODES = kit.script_nodes(__file__, "forklift")


def build() -> kit.SceneBuilder:
    """The whole scene: its materials and the parts below, in order."""
    return kit.assemble(MATERIALS, build_room, build_racks, build_packing, kit.signs(SIGNS))


WAREHOUSE_FLOOR_TEX = kit.concrete((170, 170, 166), size=256, seed=81)
CLADDING_TEX = kit.noise_texture((214, 218, 222), (196, 200, 206), size=64, seed=82)
VEST_TEX = kit.fabric((250, 200, 20), size=64, seed=83, threads=10)

MATERIALS: dict[str, kit.Material] = {
    **kit.standard_materials(),
    **kit.room_materials(
        floor=kit.textured("warehouse_floor", WAREHOUSE_FLOOR_TEX, tile_m=3.0, roughness=0.6),
        wall=kit.textured("cladding", CLADDING_TEX, tile_m=3.0, roughness=0.7, metallic=0.2),
    ),
    "rack_blue": kit.plain("rack_blue", (24, 70, 150), metallic=0.4, roughness=0.45),
    "beam_orange": kit.plain("beam_orange", (236, 110, 20), metallic=0.4, roughness=0.45),
    "vest": kit.textured("vest", VEST_TEX, tile_m=0.2, roughness=0.7),
    "reflective": kit.plain("reflective", (220, 222, 226), metallic=0.6, roughness=0.2),
    "forklift_yellow": kit.plain("forklift_yellow", (240, 180, 20), metallic=0.3, roughness=0.45),
    "stretch_film": kit.Material("stretch_film", (200, 210, 220, 150), roughness=0.1),
    "roller": kit.plain("roller", (170, 176, 182), metallic=0.6, roughness=0.45),
}


def rack_bay(width: float = 2.4, depth: float = 1.1, height: float = 4.2) -> kit.Parts:
    """One bay of pallet racking standing from x = 0 to `width`, front at z = +depth/2."""
    uprights = []
    for x in (0.05, width - 0.05):
        for z in (-depth / 2 + 0.05, depth / 2 - 0.05):
            uprights.append(kit.box((0.08, height, 0.08), (x, 0, z)))
        for y in (0.3, 1.2, 2.1, 3.0, 3.9):
            uprights.append(
                kit.rod((x, y, -depth / 2 + 0.05), (x, y + 0.9, depth / 2 - 0.05), 0.012)
            )
    beams = [
        kit.box((width - 0.1, 0.12, 0.05), (width / 2, y, z))
        for y in LEVELS[1:]
        for z in (-depth / 2 + 0.05, depth / 2 - 0.05)
    ]
    return [("rack_blue", kit.merge(*uprights)), ("beam_orange", kit.merge(*beams))]


def forklift() -> kit.Parts:
    """A counterbalance forklift facing -X, forks lowered."""
    body = kit.merge(
        kit.box((1.6, 0.7, 1.0), (0.2, 0.25, 0)), kit.box((0.5, 0.5, 1.0), (0.75, 0.95, 0))
    )
    guard = kit.merge(
        *(kit.rod((x, 0.95, z), (x, 2.1, z), 0.03) for x in (-0.35, 0.55) for z in (-0.45, 0.45)),
        kit.box((1.0, 0.05, 1.0), (0.1, 2.1, 0)),
    )
    mast = kit.merge(
        kit.box((0.08, 2.3, 0.08), (-0.7, 0.1, -0.3)),
        kit.box((0.08, 2.3, 0.08), (-0.7, 0.1, 0.3)),
        kit.box((0.06, 0.5, 0.9), (-0.75, 0.1, 0)),
    )
    forks = kit.merge(
        kit.box((1.1, 0.05, 0.12), (-1.3, 0.05, -0.25)),
        kit.box((1.1, 0.05, 0.12), (-1.3, 0.05, 0.25)),
    )
    wheels = kit.merge(
        *kit.side_cylinders(
            0.25, 0.2, [(x, 0.25, z) for x in (-0.35, 0.75) for z in (-0.6, 0.4)], sections=24
        )
    )
    seat = kit.merge(
        kit.box((0.45, 0.12, 0.45), (0.3, 0.95, 0)), kit.box((0.1, 0.45, 0.45), (0.5, 1.05, 0))
    )
    wheel_stand = kit.rod((-0.15, 0.95, 0.0), (-0.25, 1.3, 0.0), 0.025)
    return [
        ("forklift_yellow", body),
        ("black_plastic", kit.merge(guard, seat, wheel_stand)),
        ("steel_dark", kit.merge(mast, forks)),
        ("rubber", wheels),
    ]


def hand_pallet_truck() -> kit.Parts:
    forks = kit.merge(
        kit.box((1.15, 0.07, 0.16), (-0.55, 0.02, -0.2)),
        kit.box((1.15, 0.07, 0.16), (-0.55, 0.02, 0.2)),
        kit.box((0.25, 0.3, 0.56), (0.1, 0.02, 0)),
    )
    handle = kit.merge(
        kit.rod((0.15, 0.3, 0), (0.45, 1.15, 0), 0.02),
        kit.rod((0.45, 1.15, -0.12), (0.45, 1.15, 0.12), 0.02),
    )
    wheels = kit.merge(
        *kit.side_cylinders(0.08, 0.05, [(0.15, 0.08, z) for z in (-0.1, 0.1)], sections=16)
    )
    return [("red_paint", forks), ("black_plastic", handle), ("rubber", wheels)]


def build_room(b: kit.SceneBuilder) -> kit.Room:
    room = kit.Room(10.0, 10.0, 6.0, center_z=-3.5)
    room.build(b)
    lamp = kit.lathe([(0.0, 0.3), (0.05, 0.3), (0.25, 0.05), (0.26, 0.0), (0.0, 0.02)])
    for x in (-3.0, 0.0, 3.0):
        for z in (-1.0, -4.5, -7.0):
            b.static(lamp, "steel", kit.translate(x, 5.3, z))
            b.static(
                kit.cylinder(0.22, 0.01, base_y=5.3, sections=24), "lamp", kit.translate(x, 0, z)
            )
            b.static(kit.rod((x, 5.6, z), (x, 6.0, z), 0.01), "steel_dark")
    kit.ceiling_lights(b, [], room.height)
    # Loading dock roller door and lane markings.
    slats = [kit.box((3.2, 0.09, 0.04), (0, 0.1 * i, 0)) for i in range(32)]
    b.static(kit.merge(*slats), "roller", kit.translate(2.5, 0, room.back + 0.03))
    b.static(kit.box((3.5, 0.4, 0.4)), "roller", kit.translate(2.5, 3.2, room.back + 0.2))
    lines = kit.merge(
        kit.box((9.0, 0.003, 0.1), (0, 0, RACK_Z + 0.8)),
        kit.box((9.0, 0.003, 0.1), (0, 0, RACK_Z - 0.85)),
        kit.box((0.1, 0.003, 3.0), (-2.4, 0, 0.0)),
    )
    b.static(lines, "yellow_paint")
    b.static_parts(kit.fire_extinguisher(), kit.translate(-4.8, 0, -0.5))
    return room


def build_racks(b: kit.SceneBuilder) -> None:
    sizes = [(0.4, 0.3, 0.3), (0.5, 0.35, 0.4), (0.35, 0.25, 0.3)]
    # The same meshes placed many times: the builder shades each mesh once.
    cartons = {size: kit.carton(size) for size in sizes}
    pallet_parts, bay_parts = kit.pallet(), rack_bay()
    for run, z in enumerate((RACK_Z, RACK_Z - 3.0)):
        for bay, x0 in enumerate(BAYS):
            b.static_parts(bay_parts, kit.translate(x0, 0, z))
            for level, y in enumerate(LEVELS):
                base = y + (0.12 if level else 0.0)
                for slot in range(2):
                    cx = x0 + 0.65 + 1.1 * slot
                    b.static_parts(pallet_parts, kit.translate(cx, base, z) @ kit.rotate_y(90))
                    if (run, bay, level, slot) == (0, 2, 0, 0):
                        continue  # the bay the visitor picks from: its carton is a node
                    size = sizes[(bay + level + slot) % 3]
                    h = size[1]
                    for k in range(4):
                        b.static_parts(
                            cartons[size],
                            kit.translate(
                                cx - 0.27 + 0.54 * (k % 2), base + 0.144, z - 0.25 + 0.5 * (k // 2)
                            ),
                        )
                    b.static_parts(cartons[size], kit.translate(cx, base + 0.144 + h, z))
            for y in LEVELS[1:]:
                b.static(
                    kit.box((0.12, 0.06, 0.005)),
                    "paper",
                    kit.translate(x0 + 0.35, y + 0.03, z + 0.58),
                )
    # The pick location: a label on the lowest beam and one carton to pick from its pallet.
    x0 = BAYS[2]
    b.add(
        "bin_label",
        kit.box((0.2, 0.1, 0.005)),
        "paper",
        kit.translate(x0 + 0.65, 0.3, RACK_Z + 0.56),
    )
    b.add(
        "bin_label_code",
        kit.merge(
            *(
                kit.box((0.006 + 0.004 * (i % 3), 0.06, 0.002), (-0.07 + 0.014 * i, 0.02, 0.004))
                for i in range(10)
            )
        ),
        "black_plastic",
        parent="bin_label",
    )
    b.static(
        kit.rod((x0 + 0.65, 0.0, RACK_Z + 0.56), (x0 + 0.65, 0.3, RACK_Z + 0.56), 0.01), "rack_blue"
    )
    b.add_parts(
        "target_carton", kit.carton((0.4, 0.3, 0.3)), kit.translate(x0 + 0.65, 0.144, RACK_Z + 0.25)
    )
    b.add(
        "target_carton_barcode",
        kit.box((0.1, 0.06, 0.002), (0, 0.15, 0.151)),
        "paper",
        parent="target_carton",
    )


def build_packing(b: kit.SceneBuilder) -> None:
    px, pz = PACK
    b.static_parts(
        kit.table(1.8, 0.8, TOP, top="wood", legs="steel_dark", undershelf=True),
        kit.translate(px, 0, pz) @ kit.rotate_y(90),
    )
    b.marker("packing_spot", kit.translate(px, TOP, pz - 0.2))
    b.marker("label_spot", kit.translate(px, TOP + 0.3, pz - 0.2))
    # A tape gun: the frame, the roll on its hub, the serrated blade guard, a pistol grip.
    dispenser = kit.merge(
        kit.rounded_box((0.06, 0.12, 0.2), 0.012),
        kit.cup(0.06, 0.06, 0.05, wall=0.02, sections=48).apply_transform(
            kit.translate(0.025, 0.14, -0.03) @ kit.rotate_z(90)
        ),
        kit.chamfered_cylinder(0.02, 0.056, 0.004, sections=24).apply_transform(
            kit.translate(0.028, 0.14, -0.03) @ kit.rotate_z(90)
        ),
        kit.revolve(
            [(0.0, 0.0), (0.014, 0.0), (0.017, 0.03), (0.017, 0.1), (0.013, 0.125), (0.0, 0.13)],
            sections=32,
            ridges=5,
            ridge_depth=0.12,
        ).apply_transform(kit.translate(0, 0.05, 0.1) @ kit.rotate_x(112)),
        kit.rounded_box((0.07, 0.03, 0.012), 0.005, (0, 0.16, 0.1)),
    )
    b.add("tape_dispenser", dispenser, "red_paint", kit.translate(px - 0.1, TOP, pz + 0.45))
    b.add(
        "shipping_label",
        kit.rounded_box((0.1, 0.003, 0.15), 0.0014, segments=2),
        "paper",
        kit.translate(px + 0.2, TOP, pz + 0.2),
    )
    # A handheld barcode scanner: the head with its window, a ridged pistol grip, the trigger.
    scanner = kit.merge(
        kit.rounded_box((0.07, 0.035, 0.16), 0.012, (0, 0, 0)),
        kit.revolve(
            [(0.0, 0.0), (0.014, 0.0), (0.018, 0.02), (0.019, 0.09), (0.015, 0.11), (0.0, 0.115)],
            sections=32,
            ridges=4,
            ridge_depth=0.1,
        ).apply_transform(kit.translate(0, 0.02, -0.09) @ kit.rotate_x(22)),
        kit.rounded_box((0.012, 0.03, 0.016), 0.0055, (0, -0.03, -0.02), segments=2),
    )
    b.add(
        "scanner",
        scanner,
        "black_plastic",
        kit.translate(px - 0.2, TOP, pz + 0.75) @ kit.rotate_y(90),
    )
    screen = kit.rounded_box((0.05, 0.002, 0.06), 0.00099, (0, 0.034, 0.02), segments=2)
    b.add("scanner_screen", screen, "screen", parent="scanner")
    b.add_parts(
        "pick_list", kit.clipboard(), kit.translate(px + 0.15, TOP, pz + 0.65) @ kit.rotate_y(80)
    )
    vest = kit.merge(
        kit.rounded_box((0.5, 0.6, 0.03), 0.0149, segments=3),
        kit.rounded_box((0.5, 0.05, 0.035), 0.0149, (0, 0.2, 0.0), segments=2),
    )
    b.add(
        "safety_vest",
        vest,
        "vest",
        kit.translate(px + 0.45, TOP + 0.1, pz - 0.6)
        @ kit.rotate_y(-90)
        @ kit.rotate_x(-80)
        @ kit.translate(0, -0.3, 0),
    )
    b.add(
        "safety_vest_stripes",
        kit.merge(
            kit.rounded_box((0.52, 0.04, 0.036), 0.012, (0, 0.12, 0.0), segments=2),
            kit.rounded_box((0.52, 0.04, 0.036), 0.012, (0, 0.3, 0.0), segments=2),
        ),
        "reflective",
        parent="safety_vest",
    )
    roll = kit.merge(kit.cylinder(0.1, 0.5, sections=28), kit.cylinder(0.03, 0.58, base_y=-0.04))
    b.static(roll, "stretch_film", kit.translate(px + 0.1, TOP, pz - 0.7) @ kit.rotate_x(90))
    for i, size in enumerate([(0.3, 0.2, 0.25), (0.4, 0.25, 0.3)]):
        b.static_parts(kit.carton(size), kit.translate(px + 0.1, 0.2, pz - 0.5 + 0.5 * i))
    # Outbound pallet on the left, the hand pallet truck, the forklift down the aisle.
    b.add_parts("outbound_pallet", kit.pallet(), kit.translate(-1.5, 0, -0.6))
    for k in range(3):
        b.static_parts(kit.carton((0.4, 0.3, 0.3)), kit.translate(-1.8 + 0.42 * k, 0.144, -0.9))
    b.static_parts(hand_pallet_truck(), kit.translate(-3.2, 0, -0.8) @ kit.rotate_y(20))
    b.add_parts("forklift", forklift(), kit.translate(-1.5, 0, -4.1) @ kit.rotate_y(10))
    b.marker("spawn", kit.translate(0, 0, 0.8))
    b.marker("thumbnail_camera", kit.look_at((2.2, 2.2, 1.5), (-0.5, 1.2, -3.2)))


# Text in the warehouse (kit.signs): location, safety and shipping signs, Thai and English.
SIGNS = (
    *(
        kit.Sign(
            (f"แถว C ช่อง 0{3 - i}", f"C-0{3 - i}"),
            (x0 + 1.2, 4.55, RACK_Z + 0.5),
            0.8,
            "zone",
            px=(256, 128),
            two_sided=True,
        )
        for i, x0 in enumerate(BAYS)
    ),
    kit.Sign(("C-01-1",), (0, 0.125, 0.003), 0.2, "label", px=(256, 64), parent="bin_label"),
    kit.Sign(("ทางออกฉุกเฉิน", "FIRE EXIT"), (-4.997, 2.6, -1.6), 0.6, "exit", px=(256, 128), yaw=90),
    kit.Sign(
        ("ถังดับเพลิง", "FIRE EXTINGUISHER"), (-4.997, 1.35, -0.5), 0.3, "fire", px=(256, 128), yaw=90
    ),
    kit.Sign(
        ("ระวังรถโฟล์คลิฟท์", "CAUTION FORKLIFTS"),
        (-4.997, 1.8, -4.2),
        0.5,
        "warning",
        px=(256, 128),
        yaw=90,
    ),
    kit.Sign(("ประตูรับส่งสินค้า 1", "LOADING DOCK 1"), (2.5, 4.1, -8.497), 1.2, "zone", px=(512, 128)),
    kit.Sign(
        ("จุดแพ็คสินค้า", "PACKING STATION"),
        (PACK[0], 2.3, PACK[1]),
        0.8,
        "zone",
        px=(512, 128),
        two_sided=True,
    ),
    kit.Sign(
        ("ส่งด่วน EXPRESS", "ถึง: ร้านสมใจ", "กรุงเทพฯ 10110"),
        (0, 0.0035, 0),
        0.09,
        "label",
        px=(256, 256),
        tilt=-90,
        parent="shipping_label",
    ),
    # the clip faces the visitor: it reads from there
    kit.clipboard_sheet(
        ("ใบหยิบสินค้า PICK LIST", "หม้อหุงข้าว 1 กล่อง", "ตำแหน่ง C-01-1"), "pick_list", yaw=180
    ),
)


def sounds() -> dict[str, kit.sound.Clip]:
    """The warehouse's sounds, as sounds/<name>.ogg (scene.yaml's script.sounds plays them)."""
    s = kit.sound
    return {
        "warehouse": s.ambience(8.0, seed=201, hum_hz=60, bright=0.2),  # a big hall, fans
        "power_on": s.beep(1800, 0.08, repeat=2, gap_s=0.05),
        "scan": s.beep(2700, 0.12),
        "thud": s.thud(seed=202, seconds=0.35),
        "tape": s.steam(0.9, seed=203),  # tape pulled off the roll
    }


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.exit(kit.main(sys.argv[1:], build, here=here, required=NODES, sounds=sounds))
