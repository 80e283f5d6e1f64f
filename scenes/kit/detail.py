"""Shapes with the detail a visitor sees up close: rounded and bevelled boxes, revolved
profiles with closed poles (cups, bottles, pots, knobs with grip ridges), tubes along a path
(handles, capsules, cables) and their common assemblies (a mug, a bottle, a pull handle).

Every shape is closed (watertight once coincident vertices are welded), its faces wound
counter-clockwise seen from outside (so `crease_shaded` gives outward normals and the builder's
box projection gives texture coordinates), deterministic, and has a triangle count that
follows from its parameters (the docstrings say how). Shapes stand on y = 0 around the Y axis
unless said otherwise, like those of `scenes.kit.shapes`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from scenes.kit.shapes import (
    GRID_M,
    FloatArray,
    Vec3,
    box,
    ellipsoid,
    merge,
    rotate_x,
    rotate_y,
    rotate_z,
    scale,
    translate,
    trimesh,
)

__all__ = [
    "bottle",
    "capsule",
    "chamfered_cylinder",
    "cup",
    "glove",
    "knob",
    "mug",
    "pull_handle",
    "revolve",
    "rounded_box",
    "tap",
    "tube",
]

IntArray = npt.NDArray[np.int64]

MIN_STEP_M = 2.0**-10
"""The smallest step a shape makes (about 1 mm): the packer quantizes positions to a grid this
fine (`content_tools.meshpack`), and a triangle two of whose corners fall on one grid point is
dropped. A rounded box makes fewer bend segments, or a full round, rather than smaller steps."""
_STEP = 2 * MIN_STEP_M  # the smallest step along a profile: two grid cells, whatever the angle
_RING_STEP = 1.5 * MIN_STEP_M  # between the points of a ring (level: the step is in x and z)


def _mesh(vertices: FloatArray, faces: IntArray) -> Any:
    return trimesh.Trimesh(vertices=np.round(vertices, 9), faces=faces, process=False)


# ---------------------------------------------------------------------------------------------
# Rounded boxes


def _box_ticks(half: float, radius: float, segments: int, cell: float) -> FloatArray:
    """Positions along one axis of a face's grid: the rounded band at each end (`segments`
    steps, spaced so that the bend turns by equal angles) and the flat middle in cells of at
    most `cell` (for the baked light)."""
    flat = half - radius
    bend = radius * np.tan(np.linspace(0, math.pi / 4, segments + 1))  # 0 .. radius
    middle = max(1, math.ceil(2 * flat / cell - 1e-9)) if flat > 1e-9 else 0
    inner = np.linspace(-flat, flat, middle + 1) if middle else np.zeros(1)
    ticks = np.concatenate([-flat - bend[::-1], inner[1:-1], flat + bend])
    return np.unique(np.round(ticks, 12))


def rounded_box(
    size: Vec3,
    radius: float,
    base: Vec3 = (0, 0, 0),
    *,
    segments: int = 3,
    cell: float = GRID_M,
) -> Any:
    """A box `size` whose edges and corners are rounded to `radius`, its bottom face centred
    on `base` (cases, handsets, cushions, worktops, buttons). `segments` steps turn each edge
    through 90 degrees (1 gives a bevel of two facets); the flat middle of a face longer than
    `cell` is divided into cells for the baked light, as `shapes.box` does. No step is smaller
    than `MIN_STEP_M`: a small radius gets fewer segments, and a radius within that of half
    the thinnest side becomes a full round (a blade, a sheet); thinner than two steps (a card,
    a label), it is a plain `shapes.box`.

    Triangles: 2 * (nx*ny + ny*nz + nz*nx) * 2, where n is the number of cells along an axis:
    2 * segments for the rounded ends plus the cells of the flat middle (1 when it is shorter
    than `cell`, none when the radius is half the side)."""
    half = np.asarray(size, dtype=np.float64) / 2
    if not 0 < radius <= float(half.min()) + 1e-12:
        raise ValueError(f"radius {radius} must be positive and at most half the smallest side")
    if float(half.min()) - radius < MIN_STEP_M:  # a sliver of flat face: round it fully
        radius = float(half.min())
    if radius < 2 * MIN_STEP_M:  # too thin to round on the packer's grid: a plain box
        return box(size, base, cell=cell)
    segments = max(1, min(segments, math.floor(radius * math.pi / 4 / _STEP)))
    ticks = [_box_ticks(float(h), radius, segments, cell) for h in half]
    core = half - radius
    vertices: list[FloatArray] = []
    faces: list[IntArray] = []
    offset = 0
    for axis in range(3):
        for sign in (1.0, -1.0):
            u, v = (
                ((axis + 1) % 3, (axis + 2) % 3) if sign > 0 else ((axis + 2) % 3, (axis + 1) % 3)
            )
            a, b = np.meshgrid(ticks[u], ticks[v], indexing="ij")
            points = np.zeros((a.size, 3))
            points[:, axis] = sign * half[axis]
            points[:, u], points[:, v] = a.reshape(-1), b.reshape(-1)
            inner = np.clip(points, -core, core)
            direction = points - inner
            points = inner + radius * direction / np.linalg.norm(direction, axis=1, keepdims=True)
            nu, nv = len(ticks[u]) - 1, len(ticks[v]) - 1
            vertices.append(points)
            faces.append(_grid_faces(nu, nv) + offset)
            offset += len(points)
    mesh = _mesh(np.vstack(vertices), np.vstack(faces))
    mesh.apply_translation((base[0], base[1] + half[1], base[2]))
    return mesh


def _grid_faces(nu: int, nv: int) -> IntArray:
    """Two triangles per cell of a (nu + 1) x (nv + 1) grid of points (row-major in u)."""
    i, j = np.meshgrid(np.arange(nu), np.arange(nv), indexing="ij")
    p00 = (i * (nv + 1) + j).reshape(-1)
    p10, p01 = p00 + nv + 1, p00 + 1
    faces: IntArray = np.column_stack([p00, p10, p10 + 1, p00, p10 + 1, p01]).reshape(-1, 3)
    return faces


# ---------------------------------------------------------------------------------------------
# Revolved profiles


def revolve(
    profile: Sequence[tuple[float, float]],
    *,
    sections: int = 48,
    ridges: int = 0,
    ridge_depth: float = 0.0,
) -> Any:
    """Revolve a (radius, height) profile around the Y axis. The profile runs from a point on
    the axis (radius 0) to another point on the axis, either way round: the ends become single
    pole vertices, so the result is closed (a bottle, a cup with a wall, a knob). `ridges`
    ridges around (a knob's or a cap's grip, a garlic's cloves) push the widest rings
    outwards by up to `ridge_depth` times their radius, narrower rings less.

    Triangles: sections * (2 * (len(profile) - 1) - 2): a band of quads between two rings,
    one triangle per section at each pole. A narrow profile gets fewer sections, so that its
    widest ring's points stand 1.5 `MIN_STEP_M` apart at least, and narrower rings next to a
    pole whose points would stand closer are left out."""
    points = np.asarray(profile, dtype=np.float64)
    points[np.abs(points[:, 0]) < 1e-9, 0] = 0.0  # cos(90 degrees) is on the axis
    if len(points) < 3 or points[0, 0] != 0 or points[-1, 0] != 0 or (points[1:-1, 0] <= 0).any():
        raise ValueError("a profile starts and ends on the axis, and leaves it in between")
    area = float(np.dot(points[:, 0], np.roll(points[:, 1], -1)))
    area -= float(np.dot(np.roll(points[:, 0], -1), points[:, 1]))
    if area < 0:  # clockwise in (r, y): turn it round so that the faces point out
        points = points[::-1]
    # Rings next to a pole whose points would stand closer than the packer's grid can hold
    # are left out: the tip of a dome or a nib becomes a slightly blunter cone.
    widest = float(points[:, 0].max())
    sections = max(3, min(sections, math.floor(2 * math.pi * widest / _RING_STEP)))
    too_small = (2 * math.pi * points[:, 0] < _RING_STEP * sections) & (points[:, 0] < widest / 2)
    while len(points) > 3 and too_small[1]:
        points, too_small = np.delete(points, 1, axis=0), np.delete(too_small, 1)
    while len(points) > 3 and too_small[-2]:
        points, too_small = np.delete(points, -2, axis=0), np.delete(too_small, -2)
    angles = np.linspace(0, 2 * math.pi, sections, endpoint=False)
    rings = points[1:-1]
    radius = rings[:, :1] * np.ones((1, sections))
    if ridges:  # full depth at the widest rings, fading towards the axis
        bump = ridge_depth * np.maximum(np.cos(ridges * angles), 0) ** 2
        weight = (rings[:, :1] / rings[:, 0].max()) ** 4
        radius = radius * (1 + weight * bump[None, :])
    ring_points = np.stack(
        [
            radius * np.cos(angles),
            np.repeat(rings[:, 1:], sections, axis=1),
            -radius * np.sin(angles),
        ],
        axis=-1,
    ).reshape(-1, 3)
    return _closed_rings((0.0, points[0, 1], 0.0), (0.0, points[-1, 1], 0.0), ring_points, sections)


def _closed_rings(
    first: Sequence[float], last: Sequence[float], rings: FloatArray, sections: int
) -> Any:
    """A closed surface: a pole at `first`, rings of `sections` points each (consecutive
    rows of `rings`, wound round the same way), a pole at `last`."""
    vertices = np.vstack([np.asarray([first, last], dtype=np.float64), rings])
    count = len(rings) // sections
    k = np.arange(sections, dtype=np.int64)
    k1 = (k + 1) % sections
    faces = [np.column_stack([np.zeros(sections, np.int64), 2 + k1, 2 + k])]
    for r in range(count - 1):
        a, b = 2 + r * sections, 2 + (r + 1) * sections
        faces.append(np.column_stack([a + k, a + k1, b + k1, a + k, b + k1, b + k]).reshape(-1, 3))
    end = 2 + (count - 1) * sections
    faces.append(np.column_stack([np.ones(sections, np.int64), end + k, end + k1]))
    return _mesh(vertices, np.vstack(faces))


def _arc(
    center: tuple[float, float], radius: float, start: float, end: float, steps: int
) -> list[tuple[float, float]]:
    """Points of a circular arc in the (r, y) plane, angles in degrees."""
    return [
        (
            center[0] + radius * math.cos(math.radians(a)),
            center[1] + radius * math.sin(math.radians(a)),
        )
        for a in np.linspace(start, end, steps + 1)
    ]


def chamfered_cylinder(
    radius: float,
    height: float,
    edge: float,
    *,
    base_y: float = 0.0,
    sections: int = 40,
    segments: int = 1,
    ridges: int = 0,
) -> Any:
    """A vertical cylinder whose top and bottom edges are bevelled by `edge` (segments=1, a
    45-degree chamfer) or rounded (more segments): pucks, lids, knobs, buttons, wheels.

    Triangles: sections * (2 * (2 * segments + 3) - 2), with fewer segments where an edge's
    steps would be shorter than two `MIN_STEP_M`."""
    segments = max(1, min(segments, math.floor(edge * math.pi / 2 / _STEP)))
    profile = [(0.0, 0.0)]
    profile += _arc((radius - edge, edge), edge, -90, 0, segments)
    profile += _arc((radius - edge, height - edge), edge, 0, 90, segments)
    profile.append((0.0, height))
    mesh = revolve(profile, sections=sections, ridges=ridges, ridge_depth=0.06 if ridges else 0)
    return mesh.apply_translation((0, base_y, 0))


def knob(radius: float, height: float, *, ridges: int = 18, sections: int = 54) -> Any:
    """A control knob standing on y = 0: a grip of `ridges` ridges with rounded edges
    (stoves, radios, valves, gas regulators). Triangles: sections * 16."""
    return chamfered_cylinder(
        radius, height, min(radius, height) * 0.25, sections=sections, segments=3, ridges=ridges
    )


def cup(
    bottom: float,
    top: float,
    height: float,
    *,
    wall: float = 0.004,
    sections: int = 48,
    rim_segments: int = 4,
    foot: float = 0.0,
) -> Any:
    """An open vessel with a wall `wall` thick and a rounded rim: a cup, glass, bowl, pot or
    bucket (`bottom` and `top` outer radii); `foot` raises the inside floor (a thick base).

    Triangles: sections * (2 * (rim_segments + 6) - 2), with fewer rim segments (an even number,
    at least two) where the rim's steps would be shorter than two `MIN_STEP_M`."""
    rim_segments = max(2, min(rim_segments, math.floor(wall * math.pi / 2 / _STEP)) // 2 * 2)
    floor = max(wall, foot)
    slope = (top - bottom) / height
    profile = [(0.0, 0.0), (bottom - wall, 0.0), (bottom, wall), (top, height - wall / 2)]
    profile += _arc((top - wall / 2, height - wall / 2), wall / 2, 0, 180, rim_segments)[1:]
    inner_bottom = bottom - wall + slope * floor
    profile += [(inner_bottom + slope * wall, floor + wall), (inner_bottom, floor), (0.0, floor)]
    return revolve(profile, sections=sections)


def bottle(
    radius: float,
    height: float,
    *,
    neck: float,
    neck_height: float,
    shoulder: float,
    sections: int = 40,
) -> Any:
    """A closed bottle: a body of `radius` with a rounded foot, a curved `shoulder` (its
    height) narrowing to a `neck` radius, and a lip at the top (sauces, oil, drinks, gel).

    Triangles: sections * (2 * 13 - 2)."""
    body = height - neck_height - shoulder
    profile = [(0.0, 0.0)]
    profile += _arc((radius - 0.006, 0.006), 0.006, -90, 0, 2)
    profile += [
        (
            radius + (neck - radius) * (1 - math.cos(t * math.pi / 2)),
            body + shoulder * math.sin(t * math.pi / 2),
        )
        for t in np.linspace(0, 1, 6)
    ]
    profile += [
        (neck, height - 0.006),
        (neck * 1.15, height - 0.004),
        (neck * 1.15, height),
        (0.0, height),
    ]
    return revolve(profile, sections=sections)


# ---------------------------------------------------------------------------------------------
# Tubes


def tube(
    path: Sequence[Sequence[float]],
    radius: float,
    *,
    sections: int = 16,
    round_ends: bool = True,
    end_segments: int = 4,
) -> Any:
    """A tube of `radius` along `path` (handles, rails, hoses, pens, capsules), closed by
    half-spheres (`round_ends`) or flat discs. The cross-section is carried along the path
    without twisting (parallel transport), so bends stay round.

    Triangles: 2 * sections * (len(path) - 1 + 2 * (end_segments - 1)) + 2 * sections
    (flat ends count as one segment each; a thin tube's round ends get fewer segments, none
    of whose rings has edges shorter than 1.5 `MIN_STEP_M`)."""
    points = np.asarray(path, dtype=np.float64)
    if len(points) < 2:
        raise ValueError("a tube needs at least two points")
    tangents = _tangents(points)
    normal = np.cross(tangents[0], (0.0, 1.0, 0.0) if abs(tangents[0][1]) < 0.9 else (1.0, 0, 0))
    normal /= np.linalg.norm(normal)
    frames = []
    for t_prev, t in zip([tangents[0], *tangents[:-1]], tangents, strict=True):
        normal = normal - t * np.dot(normal, t)
        if np.linalg.norm(normal) < 1e-9:  # the path doubles back: start a fresh frame
            normal = np.cross(t_prev, t) if np.linalg.norm(np.cross(t_prev, t)) > 1e-9 else normal
        normal /= np.linalg.norm(normal)
        frames.append((normal.copy(), np.cross(t, normal)))
    # Rings along the path, then the caps' rings (shrinking to a pole) at both ends; fewer of
    # them on a thin tube, so that the smallest ring's edges are not below the packer's grid.
    steps = end_segments if round_ends else 1
    while steps > 1 and 2 * math.pi * radius * math.sin(math.pi / (2 * steps)) < (
        _RING_STEP * sections
    ):
        steps -= 1
    rings: list[tuple[FloatArray, FloatArray, FloatArray, float]] = []
    cap = [
        (math.sin(math.pi / 2 * s / steps), math.cos(math.pi / 2 * s / steps))
        for s in range(steps - 1, 0, -1)
    ]  # (axial offset share, radius share) from the pole side inwards, pole excluded
    n0, b0 = frames[0]
    for along, share in cap:
        rings.append(
            (points[0] - tangents[0] * radius * along * round_ends, n0, b0, radius * share)
        )
    for point, (n, b) in zip(points, frames, strict=True):
        rings.append((point, n, b, radius))
    n1, b1 = frames[-1]
    for along, share in reversed(cap):
        rings.append(
            (points[-1] + tangents[-1] * radius * along * round_ends, n1, b1, radius * share)
        )
    angles = np.linspace(0, 2 * math.pi, sections, endpoint=False)
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
    ring_points = np.vstack([c + r * (cos * n + sin * b) for c, n, b, r in rings])
    start = points[0] - tangents[0] * (radius * round_ends)
    end = points[-1] + tangents[-1] * (radius * round_ends)
    return _closed_rings(start, end, ring_points, sections)


def _tangents(points: FloatArray) -> FloatArray:
    forward = np.diff(points, axis=0)
    forward /= np.linalg.norm(forward, axis=1, keepdims=True)
    tangents = np.vstack([forward[:1], forward[:-1] + forward[1:], forward[-1:]])
    result: FloatArray = tangents / np.linalg.norm(tangents, axis=1, keepdims=True)
    return result


def capsule(radius: float, length: float, *, sections: int = 16, end_segments: int = 4) -> Any:
    """A capsule along Y standing on y = 0, `length` long overall (pens, grips, rollers)."""
    return tube(
        [(0, radius, 0), (0, length - radius, 0)],
        radius,
        sections=sections,
        end_segments=end_segments,
    )


def pull_handle(
    width: float,
    height: float,
    radius: float,
    *,
    bend: float | None = None,
    sections: int = 14,
    bend_steps: int = 6,
) -> Any:
    """A handle in the XY plane, its two feet on y = 0 at x = -width/2 and +width/2, rising
    `height` with rounded bends of radius `bend` (a drawer pull, a mug's or a pot's handle, a
    bag's or a toolbox's grip). Turn it with a rotation to stand it off a wall or a cup."""
    bend = min(width / 2, height) * 0.5 if bend is None else bend
    bend = min(max(bend, 2 * radius), width / 2, height)  # the inside of the bend stays open
    inner = max(bend - radius, radius / 2)  # the inside of the bend: its steps stay on the grid
    bend_steps = max(2, min(bend_steps, math.floor(inner * math.pi / 2 / _STEP)))
    x, top = width / 2, height
    path: list[tuple[float, float, float]] = [(-x, 0.0, 0.0)]
    path += [
        (-x + bend - bend * math.cos(a), top - bend + bend * math.sin(a), 0.0)
        for a in np.linspace(0, math.pi / 2, bend_steps + 1)
    ]
    path += [
        (x - bend + bend * math.sin(a), top - bend + bend * math.cos(a), 0.0)
        for a in np.linspace(0, math.pi / 2, bend_steps + 1)
    ]
    path.append((x, 0.0, 0.0))
    return tube(_dedupe(path), radius, sections=sections)


def _dedupe(path: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    out = [path[0]]
    for point in path[1:]:
        if math.dist(point, out[-1]) > 1e-9:
            out.append(point)
    return out


# ---------------------------------------------------------------------------------------------
# Assemblies


def glove(*, cuff: float = 0.08, finger: float = 0.009) -> Any:
    """A work glove lying flat, fingers towards -Z: palm, four fingers, thumb and a flattened
    open cuff `cuff` long towards +Z (rubber gloves for electricians, leather gauntlets for
    welders, nitrile for carers)."""
    fingers = [
        capsule(finger, 0.07 + 0.012 * (1 - abs(i - 1.5))).apply_transform(
            translate(-0.03 + 0.02 * i, 0.012, -0.07) @ rotate_x(-90)
        )
        for i in range(4)
    ]
    thumb = capsule(finger * 1.1, 0.06).apply_transform(
        translate(0.045, 0.012, -0.01) @ rotate_y(-40) @ rotate_x(-90)
    )
    palm = ellipsoid((0.05, 0.017, 0.07), subdivisions=3).apply_translation((0, -0.005, 0))
    sleeve = cup(0.05, 0.055, cuff, wall=0.003, sections=32).apply_transform(
        translate(0, 0.012, 0.04) @ scale(1, 0.35, 1) @ rotate_x(90)
    )
    return merge(palm, *fingers, thumb, sleeve)


def tap(height: float, reach: float, radius: float = 0.012, *, lever: float = 0.08) -> Any:
    """A mixer tap standing on y = 0: a rounded foot, the neck rising `height`, bending over in
    a quarter circle to the spout `reach` forward (+Z), and a lever on a ridged hub at the side
    of the neck (kitchen sinks, wash basins)."""
    bend, spout = min(reach / 2, height / 3), min(reach / 4, 0.02)
    quarter = np.linspace(0, math.pi / 2, 9)
    neck = [(0.0, 0.03, 0.0), (0.0, height - bend, 0.0)]
    neck += [(0.0, height - bend * (1 - math.sin(a)), bend * (1 - math.cos(a))) for a in quarter]
    neck += [
        (0.0, height - spout * (1 - math.cos(a)), reach - spout * (1 - math.sin(a)))
        for a in quarter
    ]
    neck.append((0.0, height - spout - 0.02, reach))
    hub_y = height * 0.62
    return merge(
        chamfered_cylinder(radius * 2.2, 0.03, radius / 2, sections=40, segments=3),
        tube(_dedupe(neck), radius, sections=20),
        chamfered_cylinder(
            radius * 1.25, 0.025, radius / 3, sections=32, segments=2, ridges=12
        ).apply_transform(translate(0, hub_y, radius * 1.6) @ rotate_x(90)),
        tube(
            [(0, hub_y, radius * 3.6), (0, hub_y + 0.015, radius * 3.6 + lever)],
            radius / 2,
            sections=12,
            end_segments=2,
        ),
    )


def mug(
    bottom: float,
    top: float,
    height: float,
    *,
    handle: float,
    wall: float = 0.004,
    sections: int = 48,
) -> Any:
    """A `cup` with a handle `handle` tall on its +X side, half-way up (coffee cups, mugs, milk
    pitchers, jugs)."""
    middle = (bottom + top) / 2
    grip = pull_handle(handle, handle * 0.45, max(wall * 1.4, 0.005), bend=handle * 0.2)
    grip.apply_transform(translate(middle - wall, height / 2, 0) @ rotate_z(-90))
    return merge(cup(bottom, top, height, wall=wall, sections=sections), grip)
