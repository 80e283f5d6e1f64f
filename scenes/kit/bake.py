"""Light baked into the vertices at generation time: ambient occlusion under the room's light.

`bake_scene(scene)` gives every vertex of a trimesh scene a grey vertex colour (glTF
`COLOR_0`, unsigned bytes, normalized), the share of the room's light that reaches it: corners,
the floor under and next to furniture, the undersides of shelves come out darker, open
surfaces stay white. The headset multiplies the material's colour by it (three.js turns on
`vertexColors` when a primitive has `COLOR_0`), so the shading costs nothing at run time.

How (numpy only, deterministic): every triangle of the scene in world space is sampled densely
into a voxel grid (`VOXEL_M` cells) that keeps, for each cell a surface passes through, the
planes of up to two triangles there. From each vertex, `RAYS` rays leave over the hemisphere
around its normal (a fixed cosine-weighted spiral, so each ray stands for an equal share of
diffuse light) and march through the grid up to `REACH_M`. A ray is stopped in a cell that
holds a surface unless it is leaving one of the cell's planes from its front: so a surface
does not shade itself, and a knife lying on a board is shaded by the board below it but not
buried in it (cells are 4 cm; the knife is 4 mm thick). A ray stopped at distance d is blocked
by `1 - (d / REACH_M)^2` (near things shade more). Rays are weighted by the room's light,
brighter from above (ceiling lamps, windows) than from below (`1 + UP_BIAS * y`). The vertex's
value is `1 - STRENGTH * blocked share`, in linear light (what COLOR_0 is).

A mesh placed several times (instances of one glTF mesh) gets the mean over its placements. A
thing the visitor picks up keeps the light of where it stood, and leaves its contact shadow on
the table: a small price for no run-time cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from scenes.kit.shapes import FloatArray

__all__ = ["BakeSettings", "ambient_light", "bake_scene", "occupancy"]

VOXEL_M = 0.04
RAYS = 24
REACH_M = 1.2
UP_BIAS = 0.5
STRENGTH = 0.75
MAX_CELLS = 12_000_000  # a bigger scene gets coarser cells (memory: 8 bytes a cell)
_CHUNK = 4096  # vertices marched at a time
Points = npt.NDArray[np.floating[Any]]  # float32 while marching (half the memory traffic)


@dataclass(frozen=True)
class BakeSettings:
    voxel_m: float = VOXEL_M
    rays: int = RAYS
    reach_m: float = REACH_M
    up_bias: float = UP_BIAS
    strength: float = STRENGTH


@dataclass(frozen=True)
class Occupancy:
    """Which cells of a regular grid hold a surface, and the planes of up to two surfaces in
    each (the last triangle through the cell, and the last one facing another way: both faces
    of a thin board, a floor and a wall in a corner). A ray that leaves one of them from its
    front is not stopped in that cell: a knife lying on a board is not inside the board."""

    cells: npt.NDArray[np.int32]  # (x, y, z, 2): rows of `planes`, -1 for none
    planes: npt.NDArray[np.float32]  # (n, 4): unit normal and offset (n . p = d on the plane)
    origin: FloatArray
    size: float

    def index(self, points: Points) -> npt.NDArray[np.intp]:
        """Flat cell index of each point. A point outside the grid counts as in the nearest
        cell of its border, which is empty: the grid has two empty cells around the scene."""
        shape = self.cells.shape
        scaled = (points - self.origin.astype(points.dtype)) * points.dtype.type(1.0 / self.size)
        cell = np.floor(scaled).astype(np.intp)
        np.clip(cell, 0, np.asarray(shape[:3]) - 1, out=cell)
        flat: npt.NDArray[np.intp] = (cell[:, 0] * shape[1] + cell[:, 1]) * shape[2] + cell[:, 2]
        return flat

    def blocks(self, points: Points, directions: Points) -> npt.NDArray[np.bool_]:
        """Whether rays at `points` (n, 3) going along `directions` are stopped there: the cell
        holds a surface, and the point is not leaving either of the cell's planes from its
        front."""
        table = self.cells.reshape(-1, 2)
        stopped = table[:, 0][self.index(points)] >= 0
        solid = np.flatnonzero(stopped)
        if len(solid) == 0:
            return stopped
        rows, at, going = table[self.index(points[solid])], points[solid], directions[solid]
        for k in range(2):
            plane = self.planes[np.maximum(rows[:, k], 0)]
            normal = plane[:, :3]
            leaving = (np.einsum("ik,ik->i", normal, at) > plane[:, 3]) & (
                np.einsum("ik,ik->i", normal, going) >= 0
            )
            stopped[solid[leaving & (rows[:, k] >= 0)]] = False
        return stopped


def occupancy(triangles: FloatArray, voxel_m: float = VOXEL_M) -> Occupancy:
    """A grid marking every cell that a triangle (n, 3, 3) passes through (sampled 0.7 of a
    cell apart: a cell that a triangle only grazes at a corner may be missed), with up to two
    planes a cell: the highest-numbered triangle through it, and the highest-numbered one
    facing another way (max is independent of the order numpy applies repeats in)."""
    low, high = triangles.reshape(-1, 3).min(axis=0), triangles.reshape(-1, 3).max(axis=0)
    size = voxel_m
    while np.prod(np.ceil((high - low) / size) + 4) > MAX_CELLS:
        size *= 1.25
    origin = low - 2 * size
    shape = tuple(int(n) for n in np.ceil((high - low) / size) + 4)
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    offsets = np.einsum("tk,tk->t", normals, triangles[:, 0])
    grid = Occupancy(
        np.full((*shape, 2), -1, dtype=np.int32),
        np.column_stack([normals, offsets]).astype(np.float32),
        origin,
        size,
    )
    cells, owners = _cells_crossed(grid, triangles)
    first = np.full(grid.cells.size // 2, -1, dtype=np.int32)
    np.maximum.at(first, cells, owners)
    other = np.einsum("ik,ik->i", normals[owners], normals[first[cells]]) < 0.5
    second = np.full_like(first, -1)
    np.maximum.at(second, cells[other], owners[other])
    table = grid.cells.reshape(-1, 2)
    table[:, 0], table[:, 1] = first, second
    return grid


def _cells_crossed(
    grid: Occupancy, triangles: FloatArray
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int32]]:
    """(cell, triangle) pairs where the triangle passes through the cell (some repeated)."""
    edges = np.stack(
        [
            triangles[:, 1] - triangles[:, 0],
            triangles[:, 2] - triangles[:, 1],
            triangles[:, 0] - triangles[:, 2],
        ],
        axis=1,
    )
    longest = np.linalg.norm(edges, axis=2).max(axis=1)
    steps = np.maximum(1, np.ceil(longest / (0.7 * grid.size))).astype(np.int64)
    cells, owners = [], []
    for n in np.unique(steps):
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = i + j <= n
        weights = np.column_stack([n - i[keep] - j[keep], i[keep], j[keep]]) / n  # barycentric
        members = np.flatnonzero(steps == n)
        per_chunk = max(1, 2_000_000 // len(weights))
        for start in range(0, len(members), per_chunk):
            chosen = members[start : start + per_chunk]
            points = np.einsum("pk,tkd->tpd", weights, triangles[chosen])
            flat = grid.index(points.reshape(-1, 3))
            owner = np.repeat(chosen.astype(np.int32), len(weights))
            # neighbouring samples mostly share a cell: drop the repeats next to each other
            new = np.ones(len(flat), dtype=bool)
            new[1:] = (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])
            cells.append(flat[new])
            owners.append(owner[new])
    return np.concatenate(cells), np.concatenate(owners)


def _directions(count: int) -> FloatArray:
    """A cosine-weighted spiral over the hemisphere around +Z (deterministic)."""
    k = np.arange(count) + 0.5
    radius = np.sqrt(k / count)
    angle = k * math.pi * (3 - math.sqrt(5))
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle), np.sqrt(1 - radius**2)])


def _march(cell: float, reach: float) -> FloatArray:
    """Distances along a ray: 3/4 of a cell apart near the surface, then 8 % further each step
    (a far thin board may be stepped over now and then; far things shade little)."""
    distances = [0.5 * cell]
    while distances[-1] < reach:
        distances.append(distances[-1] + max(0.75 * cell, 0.08 * distances[-1]))
    return np.asarray(distances[:-1])


def _frames(normals: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Two unit tangents per normal, completing a right-handed frame."""
    helper = np.where(np.abs(normals[:, 1:2]) < 0.9, [[0.0, 1.0, 0.0]], [[1.0, 0.0, 0.0]])
    tangent = np.cross(helper, normals)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    return tangent, np.cross(normals, tangent)


def ambient_light(
    grid: Occupancy,
    positions: FloatArray,
    normals: FloatArray,
    settings: BakeSettings = BakeSettings(),
) -> FloatArray:
    """The baked light (0..1, 1 = unshaded) at each world position with its unit normal."""
    local = _directions(settings.rays)
    distances = _march(grid.size, settings.reach_m)
    falloff = 1.0 - (distances / settings.reach_m) ** 2
    out = np.ones(len(positions))
    for start in range(0, len(positions), _CHUNK):
        p, n = positions[start : start + _CHUNK], normals[start : start + _CHUNK]
        length = np.linalg.norm(n, axis=1, keepdims=True)
        n = np.where(length > 1e-9, n / np.maximum(length, 1e-9), [[0.0, 1.0, 0.0]])
        tangent, bitangent = _frames(n)
        rays = (
            local[None, :, 0:1] * tangent[:, None]
            + local[None, :, 1:2] * bitangent[:, None]
            + local[None, :, 2:3] * n[:, None]
        ).reshape(-1, 3)  # each vertex's rays in turn
        origins = np.repeat(p + n * (0.5 * grid.size), len(local), axis=0)
        blocked = np.zeros(len(rays))
        active = np.arange(len(rays))  # the rays not stopped yet, and their origins and ways
        going, start_at = rays.astype(np.float32), origins.astype(np.float32)
        for distance, weight in zip(distances.astype(np.float32), falloff, strict=True):
            hit = grid.blocks(start_at + going * distance, going)
            if hit.any():
                blocked[active[hit]] = weight
                keep = ~hit
                active, going, start_at = active[keep], going[keep], start_at[keep]
        light = np.maximum(1.0 + settings.up_bias * rays[:, 1], 0.0).reshape(len(p), -1)
        share = (blocked.reshape(len(p), -1) * light).sum(axis=1) / light.sum(axis=1)
        out[start : start + _CHUNK] = 1.0 - settings.strength * share
    return out


def bake_scene(scene: Any, settings: BakeSettings = BakeSettings()) -> None:
    """Give every mesh of the trimesh `scene` its baked light as vertex colours (RGBA bytes,
    `visual.vertex_attributes["color"]`, which trimesh writes as glTF COLOR_0)."""
    graph = scene.graph
    placements: dict[str, list[FloatArray]] = {}
    for node in sorted(graph.nodes_geometry):
        matrix, name = graph[node]
        placements.setdefault(name, []).append(np.asarray(matrix, dtype=np.float64))
    names = sorted(placements)
    world: dict[str, list[tuple[FloatArray, FloatArray]]] = {}
    triangles = []
    for name in names:
        mesh = scene.geometry[name]
        vertices = np.asarray(mesh.vertices, dtype=np.float64)
        normals = np.asarray(mesh.vertex_normals, dtype=np.float64)
        faces = np.asarray(mesh.faces, dtype=np.int64)
        for matrix in placements[name]:
            linear = matrix[:3, :3]
            moved = vertices @ linear.T + matrix[:3, 3]
            turned = normals @ np.linalg.inv(linear)
            world.setdefault(name, []).append((moved, turned))
            triangles.append(moved[faces])
    if not triangles:
        return
    grid = occupancy(np.asarray(np.concatenate(triangles)), settings.voxel_m)
    for name in names:
        values = np.mean(
            [ambient_light(grid, moved, turned, settings) for moved, turned in world[name]], axis=0
        )
        grey = np.round(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
        colours = np.column_stack([grey, grey, grey, np.full(len(grey), 255, dtype=np.uint8)])
        scene.geometry[name].visual.vertex_attributes["color"] = colours
