"""Geometry: primitives built around a node's origin, transforms, merging, crease shading and
texture coordinates. Everything is numpy and trimesh's creation functions only (no scipy,
shapely or networkx), and deterministic.

Primitives stand on y = 0 unless said otherwise (a node's origin is the centre of its base).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import trimesh as _trimesh

# trimesh is only partly annotated (some functions are untyped): use it through Any.
trimesh: Any = _trimesh

FloatArray = npt.NDArray[np.float64]
Vec3 = tuple[float, float, float]

CREASE_DEG = 40.0  # edges sharper than this are shaded flat
GRID_M = 0.25  # the largest cell of a big box's faces (vertices for the baked light)
GRID_MAX = 48  # ... and at most this many cells along one side

__all__ = [
    "CREASE_DEG",
    "GRID_M",
    "GRID_MAX",
    "FloatArray",
    "Vec3",
    "box",
    "box_uv",
    "cone",
    "crease_shaded",
    "cylinder",
    "ellipsoid",
    "frame",
    "lathe",
    "look_at",
    "merge",
    "polyline",
    "prism",
    "rod",
    "rotate_x",
    "rotate_y",
    "rotate_z",
    "scale",
    "scatter",
    "side_cylinders",
    "sphere",
    "torus",
    "translate",
    "trimesh",
    "upright_torus",
]


# ---------------------------------------------------------------------------------------------
# Transforms (4x4 matrices)


def translate(x: float, y: float, z: float) -> FloatArray:
    matrix = np.eye(4)
    matrix[:3, 3] = (x, y, z)
    return matrix


def _rotation(axis: int, degrees: float) -> FloatArray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    matrix = np.eye(4)
    matrix[i, i], matrix[i, j], matrix[j, i], matrix[j, j] = c, -s, s, c
    return matrix


def rotate_x(degrees: float) -> FloatArray:
    return _rotation(0, degrees)


def rotate_y(degrees: float) -> FloatArray:
    return _rotation(1, degrees)


def rotate_z(degrees: float) -> FloatArray:
    return _rotation(2, degrees)


def look_at(eye: Vec3, target: Vec3) -> FloatArray:
    """A node at `eye` whose -Z axis points at `target` with +Y up (cameras, spot lights)."""
    position = np.asarray(eye, dtype=float)
    forward = np.asarray(target, dtype=float) - position
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, (0.0, 1.0, 0.0))
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    matrix = np.eye(4)
    matrix[:3, 0], matrix[:3, 1], matrix[:3, 2], matrix[:3, 3] = right, up, -forward, position
    return matrix


def scale(x: float, y: float | None = None, z: float | None = None) -> FloatArray:
    matrix = np.eye(4)
    matrix[0, 0], matrix[1, 1], matrix[2, 2] = x, x if y is None else y, x if z is None else z
    return matrix


# ---------------------------------------------------------------------------------------------
# Primitives


def box(size: Vec3, base: Vec3 = (0, 0, 0), *, cell: float = GRID_M) -> Any:
    """A box `size` (x, y, z) whose bottom face is centred on `base`.

    A box longer than `cell` on any side has its faces divided into a grid of cells at most
    `cell` wide (at most GRID_MAX cells a side: a field gets coarser cells than a room), so
    that light baked into the vertices (`scenes.kit.bake`) has vertices to vary over on a
    floor or a wall; smaller boxes keep their 12 triangles."""
    x, y, z = base
    if max(size) <= cell:
        return trimesh.creation.box(extents=size, transform=translate(x, y + size[1] / 2, z))
    center = np.array([x, y + size[1] / 2, z], dtype=np.float64)
    half = np.asarray(size, dtype=np.float64) / 2
    if sorted(size)[1] <= cell:  # a bar (a beam, a post, a slat): light varies slowly along it
        cell *= 2
    counts = [min(GRID_MAX, max(1, math.ceil(extent / cell - 1e-9))) for extent in size]
    vertices: list[FloatArray] = []
    faces: list[npt.NDArray[np.int64]] = []
    offset = 0
    for axis in range(3):
        for sign in (1.0, -1.0):
            # u x v is the outward normal (sign * axis): counter-clockwise seen from outside
            u, v = (
                ((axis + 1) % 3, (axis + 2) % 3) if sign > 0 else ((axis + 2) % 3, (axis + 1) % 3)
            )
            nu, nv = counts[u], counts[v]
            a, b = np.meshgrid(
                np.linspace(-1, 1, nu + 1), np.linspace(-1, 1, nv + 1), indexing="ij"
            )
            points = np.tile(center, (a.size, 1))
            points[:, axis] += sign * half[axis]
            points[:, u] += a.reshape(-1) * half[u]
            points[:, v] += b.reshape(-1) * half[v]
            i, j = np.meshgrid(np.arange(nu), np.arange(nv), indexing="ij")
            p00 = (i * (nv + 1) + j).reshape(-1)
            p10, p01 = p00 + nv + 1, p00 + 1
            p11 = p10 + 1
            cells = np.column_stack([p00, p10, p11, p00, p11, p01]).reshape(-1, 3)
            vertices.append(points)
            faces.append(cells + offset)
            offset += len(points)
    return trimesh.Trimesh(
        vertices=np.round(np.vstack(vertices), 9), faces=np.vstack(faces), process=False
    )


def frame(width: float, height: float, bar: float, depth: float, base: Vec3 = (0, 0, 0)) -> Any:
    """A rectangular frame in the XY plane (a window, a picture, a door frame): four bars of
    thickness `bar` around a `width` x `height` outline whose bottom edge is centred on `base`."""
    x, y, z = base
    return merge(
        box((width, bar, depth), (x, y, z)),
        box((width, bar, depth), (x, y + height - bar, z)),
        box((bar, height - 2 * bar, depth), (x - width / 2 + bar / 2, y + bar, z)),
        box((bar, height - 2 * bar, depth), (x + width / 2 - bar / 2, y + bar, z)),
    )


def cylinder(radius: float, height: float, *, base_y: float = 0.0, sections: int = 32) -> Any:
    """A vertical cylinder standing on y = base_y."""
    return trimesh.creation.cylinder(
        radius=radius, segment=[(0, base_y, 0), (0, base_y + height, 0)], sections=sections
    )


def side_cylinders(
    radius: float, length: float, bases: Iterable[Sequence[float]], *, sections: int
) -> list[Any]:
    """Cylinders on their side, axis along Z (wheels, casters, knobs, gauges): one per point
    of `bases`, the centre of its base there."""
    return [
        cylinder(radius, length, sections=sections).apply_transform(translate(*base) @ rotate_x(90))
        for base in bases
    ]


def upright_torus(
    major: float,
    minor: float,
    center: Sequence[float],
    *,
    major_sections: int,
    minor_sections: int,
) -> Any:
    """A torus standing upright, its hole along Z (a handle, a reel), centred at `center`."""
    ring = torus(major, minor, major_sections=major_sections, minor_sections=minor_sections)
    return ring.apply_transform(translate(*center) @ rotate_x(90))


def rod(start: Sequence[float], end: Sequence[float], radius: float, sections: int = 12) -> Any:
    """A cylinder from `start` to `end` (pipes, handles, legs, rails)."""
    return trimesh.creation.cylinder(radius=radius, segment=[start, end], sections=sections)


def polyline(points: Sequence[Sequence[float]], radius: float, sections: int = 8) -> Any:
    """A bent tube through `points` (cables, hoses): rods with a ball at every joint."""
    parts = [rod(a, b, radius, sections) for a, b in itertools.pairwise(points)]
    for point in points[1:-1]:
        parts.append(sphere(radius, subdivisions=1).apply_translation(point))
    return merge(*parts)


def cone(radius: float, height: float, *, base_y: float = 0.0, sections: int = 20) -> Any:
    return lathe([(0.0, base_y), (radius, base_y), (0.0, base_y + height)], sections=sections)


def sphere(radius: float, *, subdivisions: int = 2) -> Any:
    """A sphere centred on the origin."""
    return trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius)


def ellipsoid(radii: Vec3, *, subdivisions: int = 3) -> Any:
    """An ellipsoid resting on y = 0."""
    mesh = trimesh.creation.icosphere(subdivisions=subdivisions, radius=1.0)
    mesh.apply_scale(radii)
    mesh.apply_translation((0, radii[1], 0))
    return mesh


def lathe(profile: Sequence[tuple[float, float]], *, sections: int = 40) -> Any:
    """Revolve a (radius, height) profile around the Y axis (bowls, bottles, cups, wheels).
    The profile may run either way round: it is turned so that the faces point outwards."""
    points = np.asarray(profile, dtype=float)
    if _signed_area(points) < 0:
        points = points[::-1]
    mesh = trimesh.creation.revolve(points, sections=sections)
    mesh.apply_transform(rotate_x(-90))  # trimesh revolves around Z; glTF is Y-up
    return mesh


def torus(major: float, minor: float, *, major_sections: int = 40, minor_sections: int = 14) -> Any:
    """A ring in the XZ plane centred on the origin (tyres, steering wheels, hose coils)."""
    angles = np.linspace(0, 2 * math.pi, minor_sections, endpoint=False)
    circle = [(major + minor * math.cos(a), minor * math.sin(a)) for a in angles]
    circle.append(circle[0])
    return lathe(circle, sections=major_sections)


def prism(outline: Sequence[tuple[float, float]], depth: float, *, z0: float | None = None) -> Any:
    """Extrude a simple polygon drawn in the XY plane (counter-clockwise or clockwise) along Z,
    from z0 to z0 + depth (centred on z = 0 by default): car bodies, chair sides, brackets."""
    points = np.asarray(outline, dtype=float)
    if _signed_area(points) < 0:
        points = points[::-1]
    n = len(points)
    start = -depth / 2 if z0 is None else z0
    triangles = _ear_clip(points)
    front = np.column_stack([points, np.full(n, start + depth)])
    back = np.column_stack([points, np.full(n, start)])
    vertices = np.vstack([front, back])
    faces = [list(t) for t in triangles]
    faces += [[c + n, b + n, a + n] for a, b, c in triangles]
    for i in range(n):
        j = (i + 1) % n
        faces += [[i, i + n, j + n], [i, j + n, j]]
    return trimesh.Trimesh(vertices=vertices, faces=np.asarray(faces), process=False)


def _signed_area(points: FloatArray) -> float:
    x, y = points[:, 0], points[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) / 2


def _ear_clip(points: FloatArray) -> list[tuple[int, int, int]]:
    """Triangulate a counter-clockwise simple polygon (O(n^2) ear clipping)."""
    remaining = list(range(len(points)))
    triangles: list[tuple[int, int, int]] = []

    def cross(o: FloatArray, a: FloatArray, b: FloatArray) -> float:
        return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))

    guard = 0
    while len(remaining) > 3 and guard < 10_000:
        guard += 1
        for k in range(len(remaining)):
            i, j, m = remaining[k - 1], remaining[k], remaining[(k + 1) % len(remaining)]
            a, b, c = points[i], points[j], points[m]
            if cross(a, b, c) <= 1e-12:
                continue  # reflex or flat corner
            inside = False
            for other in remaining:
                if other in (i, j, m):
                    continue
                p = points[other]
                if cross(a, b, p) >= 0 and cross(b, c, p) >= 0 and cross(c, a, p) >= 0:
                    inside = True
                    break
            if not inside:
                triangles.append((i, j, m))
                del remaining[k]
                break
        else:  # no ear found (degenerate input): fan the rest
            break
    for k in range(1, len(remaining) - 1):
        triangles.append((remaining[0], remaining[k], remaining[k + 1]))
    return triangles


def merge(*meshes: Any) -> Any:
    return trimesh.util.concatenate(list(meshes))


def scatter(mesh: Any, transforms: Sequence[FloatArray]) -> Any:
    """Many transformed copies of `mesh` as one mesh (grass, plants, bolts): numpy only, much
    faster than copying and transforming trimesh objects one by one."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    stacked = np.asarray(transforms, dtype=np.float64)  # (n, 4, 4)
    moved = np.einsum("nij,vj->nvi", stacked[:, :3, :3], vertices) + stacked[:, None, :3, 3]
    offsets = (np.arange(len(stacked)) * len(vertices))[:, None, None]
    return trimesh.Trimesh(
        vertices=moved.reshape(-1, 3), faces=(faces[None] + offsets).reshape(-1, 3), process=False
    )


# ---------------------------------------------------------------------------------------------
# Shading and texture coordinates


def crease_shaded(mesh: Any, crease_deg: float = CREASE_DEG) -> Any:
    """Split vertices along sharp edges and give every vertex a normal: smooth curved surfaces,
    flat faces on boxes. Deterministic and numpy-only (no scipy or networkx needed)."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    tri = vertices[faces]
    face_normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    lengths = np.linalg.norm(face_normals, axis=1)
    keep = lengths > 1e-12
    tri, face_normals = tri[keep], face_normals[keep] / lengths[keep, None]
    corners = tri.reshape(-1, 3)
    count = len(corners)
    corner_normal = np.repeat(face_normals, 3, axis=0)
    _, group = np.unique(np.round(corners * 1e6).astype(np.int64), axis=0, return_inverse=True)
    group = group.reshape(-1)
    # Every pair of corners at the same position: add the other face's normal when the angle
    # between the two faces is below the crease angle (each corner pairs with itself too).
    order = np.argsort(group, kind="stable")
    sizes = np.bincount(group)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    repeats = sizes[group]
    owner = np.repeat(np.arange(count), repeats)
    offsets = np.arange(len(owner)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    partner = order[np.repeat(starts[group], repeats) + offsets]
    dots = np.einsum("ij,ij->i", corner_normal[owner], corner_normal[partner])
    similar = dots >= math.cos(math.radians(crease_deg))
    summed: FloatArray = np.column_stack(
        [
            np.bincount(owner[similar], corner_normal[partner[similar], axis], minlength=count)
            for axis in range(3)
        ]
    ).astype(np.float64)
    normals = summed / np.linalg.norm(summed, axis=1, keepdims=True)
    key = np.round(np.hstack([corners * 1e6, normals * 1e4])).astype(np.int64)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    order_first = np.argsort(first, kind="stable")  # keep the original vertex order
    remap = np.empty_like(order_first)
    remap[order_first] = np.arange(len(order_first))
    new_index = remap[inverse.reshape(-1)]
    # Rounded so that tiny floating-point differences between machines rarely change the bytes.
    out_vertices = np.round(corners[first[order_first]], 6)
    out_normals = np.round(normals[first[order_first]], 5)
    return trimesh.Trimesh(
        vertices=out_vertices,
        faces=new_index.reshape(-1, 3),
        vertex_normals=out_normals,
        process=False,
    )


def box_uv(vertices: FloatArray, normals: FloatArray, tile_m: float) -> FloatArray:
    """Texture coordinates by box projection: each vertex takes the two coordinates across its
    normal's main axis, divided by `tile_m` (the size of one texture repeat in metres)."""
    axis = np.argmax(np.abs(normals), axis=1)
    u = np.where(axis == 0, vertices[:, 2], vertices[:, 0])
    v = np.where(axis == 1, vertices[:, 2], vertices[:, 1])
    return np.round(np.column_stack([u, v]) / tile_m, 5)
