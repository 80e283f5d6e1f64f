"""The camera: a `thumbnail_camera` node, the visitor's view from the `spawn` node, or the
scene's bounds framed from the front; and the view (projection) it gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from content_tools.render.geometry import F64, Geometry

CAMERA_NODE = "thumbnail_camera"
SPAWN_NODE = "spawn"
EYE_HEIGHT = 1.6  # metres above the spawn node
SPAWN_PITCH_DEG = -10.0  # the spawn view looks this far below the horizon


@dataclass(frozen=True, slots=True)
class Camera:
    """A perspective camera: `eye` looking along `forward`, `up` roughly up (world units)."""

    eye: tuple[float, float, float]
    forward: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 1.0, 0.0)


@dataclass(slots=True)
class View:
    eye: F64
    forward: F64
    right: F64
    up: F64
    tan_x: float
    tan_y: float
    near: float
    width: int
    height: int


def _node_matrix(scene: Any, name: str) -> F64 | None:
    graph = scene.graph
    if name not in graph.nodes:
        return None
    matrix, _ = graph[name]
    array = np.asarray(matrix, dtype=np.float64)
    return array if array.shape == (4, 4) and np.all(np.isfinite(array)) else None


def scene_bounds(geometry: Geometry) -> tuple[F64, F64]:
    if len(geometry.faces) == 0:
        return np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 1.0])
    used = geometry.positions[np.unique(geometry.faces)]
    used = used[np.all(np.isfinite(used), axis=1)]
    if len(used) == 0:
        return np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 1.0])
    return used.min(axis=0), used.max(axis=0)


def _used_points(geometry: Geometry) -> F64:
    if len(geometry.faces) == 0:
        return np.zeros((0, 3))
    used = geometry.positions[np.unique(geometry.faces)]
    points: F64 = used[np.all(np.isfinite(used), axis=1)]
    return points


def auto_camera(
    scene: Any, geometry: Geometry, fov_deg: float, aspect: float
) -> tuple[Camera, str]:
    matrix = _node_matrix(scene, CAMERA_NODE)
    if matrix is not None:
        forward = -matrix[:3, 2]
        up = matrix[:3, 1]
        if np.linalg.norm(forward) > 1e-9:
            return Camera(
                as_tuple(matrix[:3, 3]), as_tuple(forward), as_tuple(up)
            ), "thumbnail_camera"
    matrix = _node_matrix(scene, SPAWN_NODE)
    if matrix is not None:
        forward = -matrix[:3, 2]
        forward[1] = 0.0  # a tilted spawn node still gives a level view ...
        if np.linalg.norm(forward) > 1e-9:
            # ... tipped down a little: a visitor looks at the work in front of them.
            pitch = math.radians(SPAWN_PITCH_DEG)
            forward = unit(forward) * math.cos(pitch) + np.array([0.0, math.sin(pitch), 0.0])
            eye = matrix[:3, 3] + np.array([0.0, EYE_HEIGHT, 0.0])
            return Camera(as_tuple(eye), as_tuple(forward)), "spawn"
    low, high = scene_bounds(geometry)
    points = _used_points(geometry)
    return _frame(points, (low + high) / 2, fov_deg, aspect, recentre=True), "bounds"


def _frame(points: F64, centre: F64, fov_deg: float, aspect: float, *, recentre: bool) -> Camera:
    """Frame `points`, looking at `centre` from the front, above and a little to the right;
    with `recentre`, the aim moves sideways so that the points sit in the middle."""
    azimuth, elevation = math.radians(25.0), math.radians(22.0)
    back = np.array(
        [
            math.sin(azimuth) * math.cos(elevation),
            math.sin(elevation),
            math.cos(azimuth) * math.cos(elevation),
        ]
    )  # from the centre towards the eye
    forward = -back
    right = unit(np.cross(forward, [0.0, 1.0, 0.0]))
    up = np.cross(right, forward)
    tan_y = math.tan(math.radians(fov_deg) / 2)
    tan_x = tan_y * aspect
    if len(points) == 0:
        points = centre[None, :]
    size = float(np.linalg.norm(points.max(axis=0) - points.min(axis=0)))

    def fit(aim: F64) -> float:
        rel = points - aim
        along = rel @ back  # how far each point sticks out towards the camera
        # Keep the points within the middle 88% of the picture.
        spread = np.maximum(np.abs(rel @ right) / tan_x, np.abs(rel @ up) / tan_y) / 0.88
        return max(float((spread + along).max()), size * 0.05, 1e-3)

    distance = fit(centre)
    if recentre:
        rel = points - (centre + back * distance)
        depth = np.maximum(rel @ forward, 1e-9)
        sx, sy = (rel @ right) / depth, (rel @ up) / depth
        shift = ((sx.min() + sx.max()) / 2) * right + ((sy.min() + sy.max()) / 2) * up
        centre = centre + shift * distance
        distance = fit(centre)
    eye = centre + back * distance
    return Camera(as_tuple(eye), as_tuple(forward))


def camera_for(
    scene: Any,
    geometry: Geometry,
    eye: tuple[float, float, float] | None,
    target: tuple[float, float, float] | None,
    fov_deg: float,
    aspect: float,
) -> Camera:
    if eye is None and target is None:
        return auto_camera(scene, geometry, fov_deg, aspect)[0]
    low, high = scene_bounds(geometry)
    if eye is None:
        assert target is not None  # noqa: S101 - type narrowing, not an input check
        aim = np.asarray(target, dtype=np.float64)
        return _frame(_used_points(geometry), aim, fov_deg, aspect, recentre=False)
    eye_array = np.asarray(eye, dtype=np.float64)
    aim = np.asarray(target, dtype=np.float64) if target is not None else (low + high) / 2
    forward = aim - eye_array
    if np.linalg.norm(forward) < 1e-12:
        forward = np.array([0.0, 0.0, -1.0])
    return Camera(as_tuple(eye_array), as_tuple(forward))


def as_tuple(vector: Any) -> tuple[float, float, float]:
    return (float(vector[0]), float(vector[1]), float(vector[2]))


def unit(vector: Any) -> F64:
    array = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 1e-12 else array


def make_view(
    camera: Camera, width: int, height: int, tan_x: float, tan_y: float, near: float
) -> View:
    eye = np.asarray(camera.eye, dtype=np.float64)
    forward = unit(camera.forward)
    right = np.cross(forward, unit(camera.up))
    if np.linalg.norm(right) < 1e-6:  # looking straight up or down
        right = np.cross(forward, [0.0, 0.0, -1.0 if forward[1] < 0 else 1.0])
    right = unit(right)
    up = np.cross(right, forward)
    return View(eye, forward, right, up, tan_x, tan_y, near, width, height)
