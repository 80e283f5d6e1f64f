"""Furniture and fittings most workplaces have, as `Parts` (material name, mesh) standing on
y = 0 around the origin, their front towards +Z. Place them with `SceneBuilder.static_parts`
(scenery) or `SceneBuilder.add_parts` (a named object). Material names default to those of
`scenes.kit.materials.standard_materials`.
"""

from __future__ import annotations

import math

import numpy as np

from scenes.kit.builder import Parts
from scenes.kit.shapes import (
    box,
    cylinder,
    ellipsoid,
    lathe,
    merge,
    rod,
    rotate_x,
    rotate_z,
    torus,
    translate,
)

__all__ = [
    "cabinet",
    "carton",
    "chair",
    "clipboard",
    "fire_extinguisher",
    "monitor",
    "pallet",
    "plant",
    "shelf_unit",
    "stool",
    "table",
    "trash_bin",
    "wall_clock",
]


def table(
    width: float,
    depth: float,
    height: float = 0.9,
    *,
    top: str = "wood",
    legs: str = "steel_dark",
    thickness: float = 0.04,
    leg: float = 0.045,
    undershelf: bool = False,
) -> Parts:
    """A table or workbench whose top surface is at `height`."""
    inset = leg / 2 + 0.03
    leg_h = height - thickness
    parts: Parts = [("top", box((width, thickness, depth), (0, leg_h, 0)))]
    frame = [
        box((leg, leg_h, leg), (sx * (width / 2 - inset), 0, sz * (depth / 2 - inset)))
        for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    frame.append(box((width - 2 * inset, 0.06, 0.025), (0, leg_h - 0.06, depth / 2 - inset)))
    frame.append(box((width - 2 * inset, 0.06, 0.025), (0, leg_h - 0.06, -depth / 2 + inset)))
    parts.append((legs, merge(*frame)))
    if undershelf:
        parts.append((top, box((width - 2 * inset, 0.025, depth - 2 * inset), (0, 0.18, 0))))
    return [(top if m == "top" else m, mesh) for m, mesh in parts]


def cabinet(
    width: float,
    depth: float,
    height: float,
    *,
    body: str = "red_paint",
    handles: str = "chrome",
    drawers: int = 4,
    wheels: bool = False,
) -> Parts:
    """A drawer cabinet (tool chest, filing cabinet, bedside table) with handles."""
    base = 0.1 if wheels else 0.0
    shell = [box((width, height - base, depth), (0, base, 0))]
    gap = 0.012
    step = (height - base - 0.04) / drawers
    pulls = []
    for i in range(drawers):
        y = base + 0.02 + i * step
        shell.append(box((width - 0.04, step - gap, 0.012), (0, y + gap / 2, depth / 2)))
        pulls.append(
            rod(
                (-width * 0.3, y + step * 0.6, depth / 2 + 0.03),
                (width * 0.3, y + step * 0.6, depth / 2 + 0.03),
                0.008,
                6,
            )
        )
    parts: Parts = [(body, merge(*shell)), (handles, merge(*pulls))]
    if wheels:
        casters = [
            cylinder(0.04, 0.03, sections=10).apply_transform(
                translate(sx * (width / 2 - 0.06), 0.04, sz * (depth / 2 - 0.06)) @ rotate_x(90)
            )
            for sx in (-1, 1)
            for sz in (-1, 1)
        ]
        parts.append(("rubber", merge(*casters)))
    return parts


def shelf_unit(
    width: float,
    depth: float,
    height: float,
    *,
    levels: int = 4,
    frame: str = "steel_dark",
    shelves: str = "steel",
) -> Parts:
    """An open metal shelving unit with `levels` shelves (the lowest 0.1 m up)."""
    posts = [
        box((0.035, height, 0.035), (sx * (width / 2 - 0.02), 0, sz * (depth / 2 - 0.02)))
        for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    boards = [
        box((width, 0.025, depth), (0, 0.1 + i * (height - 0.15) / max(levels - 1, 1), 0))
        for i in range(levels)
    ]
    return [(frame, merge(*posts)), (shelves, merge(*boards))]


def chair(*, seat: str = "fabric_blue", frame: str = "steel_dark", height: float = 0.46) -> Parts:
    """An office or waiting-room chair: seat, backrest and four legs, facing +Z."""
    legs = [
        rod((sx * 0.2, 0, sz * 0.2), (sx * 0.2, height - 0.04, sz * 0.2), 0.012, 8)
        for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    legs += [
        rod((sx * 0.2, height - 0.04, -0.2), (sx * 0.2, height + 0.42, -0.22), 0.012, 8)
        for sx in (-1, 1)
    ]
    cushion = merge(
        box((0.46, 0.06, 0.44), (0, height - 0.04, 0)),
        box((0.44, 0.3, 0.05), (0, height + 0.14, -0.22)),
    )
    return [(seat, cushion), (frame, merge(*legs))]


def stool(*, seat: str = "black_plastic", frame: str = "steel", height: float = 0.65) -> Parts:
    return [
        (seat, cylinder(0.17, 0.05, base_y=height - 0.05, sections=20)),
        (
            frame,
            merge(
                *(
                    rod(
                        (0.2 * math.cos(a), 0, 0.2 * math.sin(a)),
                        (0.12 * math.cos(a), height - 0.05, 0.12 * math.sin(a)),
                        0.012,
                        6,
                    )
                    for a in np.linspace(0, 2 * math.pi, 4, endpoint=False) + math.pi / 4
                ),
                torus(0.16, 0.008, major_sections=16, minor_sections=5).apply_translation(
                    (0, 0.25, 0)
                ),
            ),
        ),
    ]


def plant(*, height: float = 1.1, pot: str = "terracotta", leaves: str = "foliage") -> Parts:
    """A potted plant: a tapered pot and a bushy crown of leaf clusters."""
    pot_h = 0.32
    profile = [(0.0, 0.0), (0.13, 0.0), (0.17, pot_h), (0.155, pot_h), (0.0, pot_h - 0.03)]
    crown = []
    rng = np.random.default_rng(7)
    for i in range(7):
        angle = i * 2.4
        r = 0.08 + 0.08 * (i % 3) / 2
        y = pot_h + (height - pot_h) * (0.25 + 0.6 * (i % 4) / 3)
        size = 0.14 + 0.05 * rng.random()
        crown.append(
            ellipsoid((size, size * 0.8, size), subdivisions=1).apply_translation(
                (r * math.cos(angle), y - size * 0.8, r * math.sin(angle))
            )
        )
    stem = rod((0, pot_h - 0.05, 0), (0, height * 0.8, 0), 0.012, 6)
    return [(pot, lathe(profile, sections=16)), (leaves, merge(*crown)), ("wood_dark", stem)]


def clipboard(*, board: str = "wood_dark", paper: str = "paper", clip: str = "chrome") -> Parts:
    """A clipboard lying flat (A4), its clip at -Z. Stand it up with rotate_x(90)."""
    return [
        (paper, box((0.21, 0.003, 0.28), (0, 0.006, 0.01))),
        (board, box((0.23, 0.006, 0.32))),
        (clip, box((0.09, 0.014, 0.04), (0, 0.006, -0.13))),
    ]


def carton(
    size: tuple[float, float, float], *, material: str = "cardboard", tape: str = "tape"
) -> Parts:
    """A taped cardboard box."""
    _, h, d = size
    return [
        (material, box(size)),
        (
            tape,
            merge(
                box((0.05, 0.002, d + 0.002), (0, h, 0)),
                box((0.05, h * 0.3, 0.002), (0, h * 0.7, d / 2)),
                box((0.05, h * 0.3, 0.002), (0, h * 0.7, -d / 2)),
            ),
        ),
    ]


def pallet(*, material: str = "wood") -> Parts:
    """A 1.2 x 1.0 m wooden pallet, 0.144 m high."""
    deck = [box((1.2, 0.022, 0.1), (0, 0.122, z)) for z in np.linspace(-0.45, 0.45, 7)]
    blocks = [
        box((0.1, 0.078, 0.1), (x, 0.022, z))
        for x in (-0.55, 0.0, 0.55)
        for z in (-0.45, 0.0, 0.45)
    ]
    stringers = [box((1.2, 0.022, 0.1), (0, 0.1, z)) for z in (-0.45, 0.0, 0.45)]
    bottom = [box((1.2, 0.022, 0.1), (0, 0.0, z)) for z in (-0.45, 0.0, 0.45)]
    return [(material, merge(*deck, *blocks, *stringers, *bottom))]


def fire_extinguisher(*, body: str = "red_paint", parts: str = "black_plastic") -> Parts:
    """A 6 kg dry-powder extinguisher standing on the floor."""
    shell = lathe(
        [
            (0.0, 0.0),
            (0.075, 0.0),
            (0.08, 0.02),
            (0.08, 0.42),
            (0.06, 0.48),
            (0.02, 0.5),
            (0.0, 0.5),
        ],
        sections=20,
    )
    valve = merge(
        cylinder(0.018, 0.06, base_y=0.5, sections=10),
        box((0.16, 0.012, 0.03), (0.04, 0.56, 0)),
        rod((-0.01, 0.54, 0), (-0.06, 0.5, 0.03), 0.008, 6),
        rod((-0.06, 0.5, 0.03), (-0.09, 0.2, 0.05), 0.008, 6),
    )
    return [(body, shell), (parts, valve)]


def monitor(
    *,
    width: float = 0.55,
    height: float = 0.33,
    screen: str = "screen",
    body: str = "black_plastic",
) -> Parts:
    """A desktop monitor on a stand, facing +Z; the screen's bottom edge 0.1 m up."""
    return [
        (screen, box((width - 0.02, height - 0.02, 0.004), (0, 0.11, 0.012))),
        (
            body,
            merge(
                box((width, height, 0.025), (0, 0.1, 0)),
                box((0.05, 0.12, 0.03), (0, 0.0, -0.03)),
                box((0.22, 0.012, 0.16), (0, 0.0, -0.02)),
            ),
        ),
    ]


def trash_bin(*, material: str = "grey_plastic", height: float = 0.5) -> Parts:
    return [
        (
            material,
            lathe(
                [
                    (0.0, 0.0),
                    (0.14, 0.0),
                    (0.17, height),
                    (0.16, height),
                    (0.13, 0.02),
                    (0.0, 0.02),
                ],
                sections=18,
            ),
        )
    ]


_FACE = translate(0, 0, 0.042) @ rotate_x(90)


def wall_clock(*, face: str = "paper", rim: str = "black_plastic") -> Parts:
    """A round clock facing +Z, centred on the origin (hang it on a wall)."""
    rim_mesh = cylinder(0.16, 0.04, sections=28).apply_transform(rotate_x(90))
    hands = merge(
        box((0.008, 0.1, 0.004), (0, 0, 0.046)),
        box((0.008, 0.07, 0.004), (0, 0, 0.046)).apply_transform(rotate_z(-110)),
    )
    return [
        (rim, merge(rim_mesh, hands)),
        (
            face,
            cylinder(0.145, 0.006, sections=28).apply_transform(
                translate(0, 0, 0.042) @ rotate_x(90)
            ),
        ),
    ]
