"""Software thumbnails of glTF scenes: `render_thumbnail(glb) -> PNG bytes`.

No GPU and no display are needed: the model is loaded with trimesh (node transforms applied,
Draco decoded), triangles are clipped against the near plane and rasterised by a vectorised
numpy z-buffer (scanline spans, one pass per chunk of fragments), then every visible pixel is
shaded once (deferred): base colour factor x vertex colour x base-colour texture (bilinear, with
UVs), Lambert lighting from a key light plus a sky/ground ambient, a little specular, emissive.
MASK materials are alpha-tested, BLEND materials composited (nearest transparent layer) over the
opaque scene. Supersampling (2x by default) anti-aliases the edges.

Camera (unless `eye`/`target` are given): a node named `thumbnail_camera` (its position, looking
along its -Z axis), else a node named `spawn` (1.6 m above it, looking along its -Z axis: the
visitor's first view), else the scene's bounding box framed from the front, above and a little
to the right.

The output is deterministic: the same GLB and arguments give the same PNG bytes (no metadata,
fixed compression settings).
"""

from __future__ import annotations

import io
import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import trimesh as _trimesh
from PIL import Image

from content_tools.errors import ModelError
from content_tools.glb import parse_glb

__all__ = [
    "CAMERA_NODE",
    "EYE_HEIGHT",
    "SPAWN_NODE",
    "SPAWN_PITCH_DEG",
    "Camera",
    "choose_camera",
    "render_thumbnail",
]

# trimesh is only partly annotated: use it through Any.
trimesh: Any = _trimesh

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]

CAMERA_NODE = "thumbnail_camera"
SPAWN_NODE = "spawn"
EYE_HEIGHT = 1.6  # metres above the spawn node
SPAWN_PITCH_DEG = -10.0  # the spawn view looks this far below the horizon
MAX_SIZE = 4096  # largest thumbnail side (pixels)
MAX_TEXTURE = 1024  # textures are scaled down to this (a cheap stand-in for mipmaps)
_FRAGMENT_CHUNK = 1 << 21  # fragments rasterised at once (bounds the memory used)
_SHADOW_SIZE = 1024  # shadow map texels on each side
_SHADOW_MAX_ANGLE = 75.0  # widest half-angle the shadow map covers (degrees)
_UNSUPPORTED = ("EXT_meshopt_compression",)  # trimesh would load zeros

# Lighting (linear RGB). The key light comes from above, behind and to the left of the viewer.
_KEY_COLOUR = np.array([1.0, 0.96, 0.9]) * 0.85
_SKY_AMBIENT = np.array([0.46, 0.48, 0.52])
_GROUND_AMBIENT = np.array([0.2, 0.19, 0.18])
# Background (sRGB): horizon to zenith above the horizon, horizon to ground below it.
_ZENITH = np.array([0.42, 0.6, 0.85])
_HORIZON = np.array([0.86, 0.9, 0.94])
_GROUND = np.array([0.6, 0.6, 0.58])

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Camera:
    """A perspective camera: `eye` looking along `forward`, `up` roughly up (world units)."""

    eye: tuple[float, float, float]
    forward: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 1.0, 0.0)


@dataclass(slots=True)
class _Material:
    base: F64  # linear RGBA factor
    texture: F32 | None  # (h, w, 4) linear RGB + alpha, glTF orientation (row 0 = v 0)
    emissive: F64  # linear RGB
    emissive_texture: F32 | None
    metallic: float
    roughness: float
    double_sided: bool
    alpha_mode: str  # OPAQUE, MASK or BLEND
    alpha_cutoff: float


@dataclass(slots=True)
class _Geometry:
    positions: F64  # (V, 3) world
    normals: F64  # (V, 3) world, unit (zero where the mesh had none)
    colours: F64  # (V, 4) linear vertex colours (1 where none)
    uvs: F64  # (V, 2) glTF convention: (0, 0) is the image's top left
    faces: I64  # (F, 3)
    face_material: I64  # (F,)
    flat: Bool  # (F,) true where the mesh has no normals: shade with the face normal
    materials: list[_Material]
    has_colours: bool = False  # some vertex colour is not white


@dataclass(slots=True)
class _View:
    eye: F64
    forward: F64
    right: F64
    up: F64
    tan_x: float
    tan_y: float
    near: float
    width: int
    height: int


def render_thumbnail(
    glb: bytes,
    *,
    width: int = 640,
    height: int = 360,
    eye: tuple[float, float, float] | None = None,
    target: tuple[float, float, float] | None = None,
    fov_deg: float = 60.0,
    supersample: int = 2,
) -> bytes:
    """Render the GLB `glb` to a `width` x `height` PNG and return its bytes.

    `fov_deg` is the vertical field of view. Without `eye` and `target` the camera is chosen by
    `choose_camera`; with only `target`, the scene is framed around it; with only `eye`, the
    camera looks at the centre of the scene's bounding box. Raises ModelError when the model
    cannot be read and ValueError for bad arguments.
    """
    if not (1 <= width <= MAX_SIZE and 1 <= height <= MAX_SIZE):
        raise ValueError(f"the thumbnail size must be 1..{MAX_SIZE} pixels on each side")
    if not 1.0 <= fov_deg <= 170.0:
        raise ValueError("fov_deg must be between 1 and 170 degrees")
    if not 1 <= supersample <= 4:
        raise ValueError("supersample must be 1..4")
    scene = _load_scene(glb)
    geometry = _geometry(scene)
    camera = _camera_for(scene, geometry, eye, target, fov_deg, width / height)
    image = _render(geometry, camera, width, height, fov_deg, supersample)
    return _png(image)


def choose_camera(
    glb: bytes, *, fov_deg: float = 60.0, aspect: float = 16 / 9
) -> tuple[Camera, str]:
    """The automatic camera of `render_thumbnail` and what it was based on:
    `thumbnail_camera`, `spawn` or `bounds`."""
    scene = _load_scene(glb)
    return _auto_camera(scene, _geometry(scene), fov_deg, aspect)


# ---------------------------------------------------------------------------------------------
# Loading


def _load_scene(glb: bytes) -> Any:
    _check_extensions(glb)
    try:
        return trimesh.load(file_obj=io.BytesIO(glb), file_type="glb", force="scene")
    except Exception as exc:  # trimesh raises whatever its parsers hit
        raise ModelError(f"cannot read the model: {exc}") from exc


def _check_extensions(glb: bytes) -> None:
    """Refuse models trimesh would load as zeros (meshopt-compressed geometry)."""
    document, _ = parse_glb(glb, path=None)
    used = document.get("extensionsUsed", [])
    for name in _UNSUPPORTED:
        if isinstance(used, list) and name in used:
            raise ModelError(f"cannot render a model that uses {name}; render its source model")


def _geometry(scene: Any) -> _Geometry:
    positions: list[F64] = []
    normals: list[F64] = []
    colours: list[F64] = []
    uvs: list[F64] = []
    faces: list[I64] = []
    face_material: list[I64] = []
    flat: list[Bool] = []
    materials: list[_Material] = []
    material_index: dict[int, int] = {}
    offset = 0
    graph = scene.graph
    for node in sorted(graph.nodes_geometry):
        matrix, geometry_name = graph[node]
        mesh = scene.geometry.get(geometry_name)
        if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
            continue
        matrix = np.asarray(matrix, dtype=np.float64)
        vertices = np.asarray(mesh.vertices, dtype=np.float64)
        mesh_faces = np.asarray(mesh.faces, dtype=np.int64)
        if vertices.ndim != 2 or len(vertices) == 0 or mesh_faces.max() >= len(vertices):
            continue
        linear = matrix[:3, :3]
        positions.append(vertices @ linear.T + matrix[:3, 3])
        cached = getattr(getattr(mesh, "_cache", None), "cache", {})
        has_normals = "vertex_normals" in cached
        if has_normals:
            normal_matrix = np.linalg.pinv(linear).T
            n = np.asarray(mesh.vertex_normals, dtype=np.float64) @ normal_matrix.T
            n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
            normals.append(n)
        else:
            normals.append(np.zeros_like(vertices))
        if np.linalg.det(linear) < 0:  # a mirroring transform turns the faces inside out
            mesh_faces = mesh_faces[:, ::-1]
        faces.append(mesh_faces + offset)
        flat.append(np.full(len(mesh_faces), not has_normals))
        visual = mesh.visual
        material = getattr(visual, "material", None)
        key = id(material)
        if key not in material_index:
            material_index[key] = len(materials)
            materials.append(_material(material))
        face_material.append(np.full(len(mesh_faces), material_index[key], dtype=np.int64))
        colours.append(_vertex_colours(visual, len(vertices)))
        uv = getattr(visual, "uv", None) if material is not None else None
        if uv is not None and len(uv) == len(vertices):
            uv = np.asarray(uv, dtype=np.float64)[:, :2].copy()
            uv[:, 1] = 1.0 - uv[:, 1]  # trimesh flips v; back to glTF's convention
            uvs.append(np.nan_to_num(uv))
        else:
            uvs.append(np.zeros((len(vertices), 2)))
        offset += len(vertices)
    if not faces:
        empty = np.zeros((0, 3))
        return _Geometry(
            positions=empty,
            normals=empty,
            colours=np.zeros((0, 4)),
            uvs=np.zeros((0, 2)),
            faces=np.zeros((0, 3), dtype=np.int64),
            face_material=np.zeros(0, dtype=np.int64),
            flat=np.zeros(0, dtype=bool),
            materials=[],
        )
    return _Geometry(
        positions=np.concatenate(positions),
        normals=np.concatenate(normals),
        colours=np.concatenate(colours),
        uvs=np.concatenate(uvs),
        faces=np.concatenate(faces),
        face_material=np.concatenate(face_material),
        flat=np.concatenate(flat),
        materials=materials,
        has_colours=bool(any(np.any(c != 1.0) for c in colours)),
    )


def _vertex_colours(visual: Any, count: int) -> F64:
    raw: Any = None
    attributes = getattr(visual, "vertex_attributes", None)
    if isinstance(attributes, dict) and "color" in attributes:
        raw = attributes["color"]
    elif getattr(visual, "kind", None) == "vertex":
        raw = visual.vertex_colors
    if raw is None:
        return np.ones((count, 4))
    array = np.asarray(raw)
    if array.ndim != 2 or len(array) != count or array.shape[1] not in (3, 4):
        return np.ones((count, 4))
    if array.dtype == np.uint8:
        values = array.astype(np.float64) / 255.0
    elif array.dtype == np.uint16:
        values = array.astype(np.float64) / 65535.0
    else:
        values = np.clip(np.nan_to_num(array.astype(np.float64)), 0.0, 1.0)
    if values.shape[1] == 3:
        values = np.hstack([values, np.ones((count, 1))])
    return values


def _material(material: Any) -> _Material:
    if material is None:  # glTF's default material, a little darker than white
        return _Material(
            base=np.array([0.8, 0.8, 0.8, 1.0]),
            texture=None,
            emissive=np.zeros(3),
            emissive_texture=None,
            metallic=0.0,
            roughness=1.0,
            double_sided=False,
            alpha_mode="OPAQUE",
            alpha_cutoff=0.5,
        )
    base = _factor(getattr(material, "baseColorFactor", None), 4, 1.0)
    texture = _texture(getattr(material, "baseColorTexture", None), srgb=True)
    if texture is None and getattr(material, "image", None) is not None:  # SimpleMaterial
        texture = _texture(material.image, srgb=True)
    if getattr(material, "baseColorFactor", None) is None:
        diffuse = getattr(material, "diffuse", None)  # SimpleMaterial (sRGB 0..255)
        if diffuse is not None:
            base = _srgb_to_linear(_factor(diffuse, 4, 1.0))
    emissive = _factor(getattr(material, "emissiveFactor", None), 3, 0.0)
    emissive_texture = _texture(getattr(material, "emissiveTexture", None), srgb=True)
    if emissive_texture is not None and not np.any(emissive):
        emissive_texture = None
    alpha_mode = getattr(material, "alphaMode", None)
    cutoff = getattr(material, "alphaCutoff", None)
    return _Material(
        base=base,
        texture=texture,
        emissive=emissive[:3],
        emissive_texture=emissive_texture,
        metallic=_scalar(getattr(material, "metallicFactor", None), 1.0),
        roughness=_scalar(getattr(material, "roughnessFactor", None), 1.0),
        double_sided=bool(getattr(material, "doubleSided", False)),
        alpha_mode=alpha_mode if alpha_mode in ("MASK", "BLEND") else "OPAQUE",
        alpha_cutoff=_scalar(cutoff, 0.5),
    )


def _factor(value: Any, size: int, default: float) -> F64:
    """A colour factor as floats 0..1 (trimesh keeps base colours as uint8 0..255)."""
    out = np.full(size, default)
    if value is None:
        return out
    array = np.asarray(value).reshape(-1)
    if array.size < 3 or array.dtype.kind not in "uif":
        return out
    scaled = array.astype(np.float64)
    if array.dtype.kind in "ui":
        scaled /= 255.0
    n = min(size, array.size)
    out[:n] = np.clip(np.nan_to_num(scaled[:n]), 0.0, 1.0)
    return out


def _scalar(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _texture(image: Any, *, srgb: bool) -> F32 | None:
    if not isinstance(image, Image.Image):
        return None
    try:
        rgba = image.convert("RGBA")
        if max(rgba.size) > MAX_TEXTURE:
            scale = MAX_TEXTURE / max(rgba.size)
            size = (max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale)))
            rgba = rgba.resize(size, Image.Resampling.BOX)
        array = np.asarray(rgba, dtype=np.float32) / np.float32(255.0)
    except (OSError, ValueError) as exc:  # a corrupt or unsupported image: ignore the texture
        _log.debug("cannot use a texture: %s", exc)
        return None
    if srgb:
        array[..., :3] = _srgb_to_linear(array[..., :3]).astype(np.float32)
    return np.ascontiguousarray(array)


def _srgb_to_linear(values: Any) -> F64:
    v = np.asarray(values, dtype=np.float64)
    out: F64 = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return out


def _linear_to_srgb(values: F64) -> F64:
    v = np.clip(values, 0.0, 1.0)
    out: F64 = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return out


# ---------------------------------------------------------------------------------------------
# Camera


def _node_matrix(scene: Any, name: str) -> F64 | None:
    graph = scene.graph
    if name not in graph.nodes:
        return None
    matrix, _ = graph[name]
    array = np.asarray(matrix, dtype=np.float64)
    return array if array.shape == (4, 4) and np.all(np.isfinite(array)) else None


def _bounds(geometry: _Geometry) -> tuple[F64, F64]:
    if len(geometry.faces) == 0:
        return np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 1.0])
    used = geometry.positions[np.unique(geometry.faces)]
    used = used[np.all(np.isfinite(used), axis=1)]
    if len(used) == 0:
        return np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 1.0])
    return used.min(axis=0), used.max(axis=0)


def _used_points(geometry: _Geometry) -> F64:
    if len(geometry.faces) == 0:
        return np.zeros((0, 3))
    used = geometry.positions[np.unique(geometry.faces)]
    points: F64 = used[np.all(np.isfinite(used), axis=1)]
    return points


def _auto_camera(
    scene: Any, geometry: _Geometry, fov_deg: float, aspect: float
) -> tuple[Camera, str]:
    matrix = _node_matrix(scene, CAMERA_NODE)
    if matrix is not None:
        forward = -matrix[:3, 2]
        up = matrix[:3, 1]
        if np.linalg.norm(forward) > 1e-9:
            return Camera(_tuple(matrix[:3, 3]), _tuple(forward), _tuple(up)), "thumbnail_camera"
    matrix = _node_matrix(scene, SPAWN_NODE)
    if matrix is not None:
        forward = -matrix[:3, 2]
        forward[1] = 0.0  # a tilted spawn node still gives a level view ...
        if np.linalg.norm(forward) > 1e-9:
            # ... tipped down a little: a visitor looks at the work in front of them.
            pitch = math.radians(SPAWN_PITCH_DEG)
            forward = _unit(forward) * math.cos(pitch) + np.array([0.0, math.sin(pitch), 0.0])
            eye = matrix[:3, 3] + np.array([0.0, EYE_HEIGHT, 0.0])
            return Camera(_tuple(eye), _tuple(forward)), "spawn"
    low, high = _bounds(geometry)
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
    right = _unit(np.cross(forward, [0.0, 1.0, 0.0]))
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
    return Camera(_tuple(eye), _tuple(forward))


def _camera_for(
    scene: Any,
    geometry: _Geometry,
    eye: tuple[float, float, float] | None,
    target: tuple[float, float, float] | None,
    fov_deg: float,
    aspect: float,
) -> Camera:
    if eye is None and target is None:
        return _auto_camera(scene, geometry, fov_deg, aspect)[0]
    low, high = _bounds(geometry)
    if eye is None:
        assert target is not None  # noqa: S101 - type narrowing, not an input check
        aim = np.asarray(target, dtype=np.float64)
        return _frame(_used_points(geometry), aim, fov_deg, aspect, recentre=False)
    eye_array = np.asarray(eye, dtype=np.float64)
    aim = np.asarray(target, dtype=np.float64) if target is not None else (low + high) / 2
    forward = aim - eye_array
    if np.linalg.norm(forward) < 1e-12:
        forward = np.array([0.0, 0.0, -1.0])
    return Camera(_tuple(eye_array), _tuple(forward))


def _tuple(vector: Any) -> tuple[float, float, float]:
    return (float(vector[0]), float(vector[1]), float(vector[2]))


def _unit(vector: Any) -> F64:
    array = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 1e-12 else array


def _make_view(
    camera: Camera, width: int, height: int, tan_x: float, tan_y: float, near: float
) -> _View:
    eye = np.asarray(camera.eye, dtype=np.float64)
    forward = _unit(camera.forward)
    right = np.cross(forward, _unit(camera.up))
    if np.linalg.norm(right) < 1e-6:  # looking straight up or down
        right = np.cross(forward, [0.0, 0.0, -1.0 if forward[1] < 0 else 1.0])
    right = _unit(right)
    up = np.cross(right, forward)
    return _View(eye, forward, right, up, tan_x, tan_y, near, width, height)


# ---------------------------------------------------------------------------------------------
# Rendering


@dataclass(slots=True)
class _Prepared:
    """Per-face data for shading from one eye."""

    coef: F64  # (F, 9): numerators of u and v and their denominator, affine in (1, gx, gy)
    normals: F64  # (F, 3, 3) corner normals, turned to the side of the face the eye is on
    geometric: F64  # (F, 3) unit face normals, turned likewise
    base: F64  # (F, 4) the material's base colour factor
    emissive: F64  # (F, 3)
    textured: Bool  # (F,) the material has a base colour texture
    metallic: F64  # (F,)
    roughness: F64  # (F,)


@dataclass(slots=True)
class _ShadowMap:
    view: _View
    depth: F64  # 1/z per texel, 0 where nothing is


def _render(
    geometry: _Geometry,
    camera: Camera,
    width: int,
    height: int,
    fov_deg: float,
    supersample: int,
) -> npt.NDArray[np.uint8]:
    w, h = width * supersample, height * supersample
    low, high = _bounds(geometry)
    # Depth is stored as 1/z, so a small near plane costs no precision.
    near = max(float(np.linalg.norm(high - low)) * 1e-4, 1e-6)
    tan_y = math.tan(math.radians(fov_deg) / 2)
    view = _make_view(camera, w, h, tan_y * w / h, tan_y, near)
    colour = _draw(geometry, view, supersample).reshape(height, width, 3)
    out: npt.NDArray[np.uint8] = np.round(_linear_to_srgb(colour) * 255.0).astype(np.uint8)
    return out


def _rays_at(view: _View, fx: F64, fy: F64) -> tuple[F64, F64]:
    """(gx, gy) of points (fx, fy) on the image (pixel units): their rays are
    forward + gx * right + gy * up."""
    gx = (fx / view.width * 2.0 - 1.0) * view.tan_x
    gy = (1.0 - fy / view.height * 2.0) * view.tan_y
    return gx, gy


def _pixel_rays(view: _View, pixels: I64) -> tuple[F64, F64]:
    """(gx, gy) of pixel centres."""
    fx: F64 = (pixels % view.width).astype(np.float64) + 0.5
    fy: F64 = (pixels // view.width).astype(np.float64) + 0.5
    return _rays_at(view, fx, fy)


def _directions(view: _View, gx: F64, gy: F64) -> F64:
    rays: F64 = (
        view.forward[None, :] + gx[:, None] * view.right[None, :] + gy[:, None] * view.up[None, :]
    )
    return rays


def _background(view: _View, gx: F64, gy: F64) -> F64:
    """A sky gradient above the horizon and a soft ground below it (linear RGB)."""
    rays = _directions(view, gx, gy)
    y = rays[:, 1] / np.linalg.norm(rays, axis=1)
    sky = np.clip(y, 0.0, 1.0)[:, None] ** 0.7
    ground = np.clip(-y * 3.0, 0.0, 1.0)[:, None]
    zenith, horizon, floor = (_srgb_to_linear(c) for c in (_ZENITH, _HORIZON, _GROUND))
    colour: F64 = np.where(
        (y >= 0)[:, None],
        horizon * (1 - sky) + zenith * sky,
        horizon * (1 - ground) + floor * ground,
    )
    return colour


def _draw(geometry: _Geometry, view: _View, supersample: int) -> F64:
    """Linear RGB of every output pixel, (h * w, 3); `view` is the supersampled image.

    A pixel whose samples all show the same face (or all the background) is shaded once, at
    its centre; only pixels on edges are shaded sample by sample and averaged.
    """
    s = supersample
    width, height = view.width // s, view.height // s
    # samples[b] lists the sample indices of output pixel b.
    samples = (
        np.arange(view.width * view.height)
        .reshape(height, s, width, s)
        .transpose(0, 2, 1, 3)
        .reshape(width * height, s * s)
    )
    block_y, block_x = np.divmod(np.arange(width * height), width)
    centre_x, centre_y = (block_x + 0.5) * s, (block_y + 0.5) * s
    if len(geometry.faces) == 0:
        return _background(view, *_rays_at(view, centre_x, centre_y))
    materials = geometry.materials
    material_of = geometry.face_material
    blend = np.array([m.alpha_mode == "BLEND" for m in materials], dtype=bool)[material_of]
    masked = np.array([m.alpha_mode == "MASK" for m in materials], dtype=bool)[material_of]
    double = np.array([m.double_sided for m in materials], dtype=bool)[material_of]
    cutoff = np.array([m.alpha_cutoff for m in materials])[material_of]
    prep = _prepare(geometry, view)
    screen, tri_faces = _project(geometry, view)
    visible = _front_facing(screen) | double[tri_faces]

    def alpha_test(pixels: I64, faces: I64) -> Bool:
        keep = np.ones(len(pixels), dtype=bool)
        test = np.flatnonzero(masked[faces])
        if len(test):
            gx, gy = _pixel_rays(view, pixels[test])
            bary = _barycentric(prep, faces[test], gx, gy)
            alpha = _colour(geometry, prep, faces[test], bary)[:, 3]
            keep[test] = alpha >= cutoff[faces[test]]
        return keep

    opaque = visible & ~blend[tri_faces]
    ids, depth = _rasterise(
        screen[opaque],
        tri_faces[opaque],
        view.width,
        view.height,
        limit=None,
        fragment_filter=alpha_test if masked.any() else None,
    )
    block_ids = ids[samples]
    uniform = np.all(block_ids == block_ids[:, :1], axis=1)
    whole = np.flatnonzero(uniform & (block_ids[:, 0] >= 0))  # one face covers the pixel
    empty = np.flatnonzero(uniform & (block_ids[:, 0] < 0))  # background only
    edge = samples[~uniform].reshape(-1)  # samples of pixels on an edge
    edge_hit, edge_miss = edge[ids[edge] >= 0], edge[ids[edge] < 0]
    result = np.empty((width * height, 3))
    result[empty] = _background(view, *_rays_at(view, centre_x[empty], centre_y[empty]))
    colour = np.zeros((view.width * view.height, 3))  # samples of edge pixels only
    colour[edge_miss] = _background(view, *_pixel_rays(view, edge_miss))
    # Shading inputs: the centres of whole pixels, then the hit samples of edge pixels.
    gx_whole, gy_whole = _rays_at(view, centre_x[whole], centre_y[whole])
    gx_edge, gy_edge = _pixel_rays(view, edge_hit)
    gx = np.concatenate([gx_whole, gx_edge])
    gy = np.concatenate([gy_whole, gy_edge])
    # 1/z is affine on the image: the mean over a pixel's samples is its value at the centre.
    z = 1.0 / np.concatenate([depth[samples[whole]].mean(axis=1), depth[edge_hit]])
    faces = np.concatenate([block_ids[whole, 0], ids[edge_hit]])
    light = view.eye.copy()
    shadow_map: _ShadowMap | None = None
    if len(faces):
        positions = view.eye + z[:, None] * _directions(view, gx, gy)
        light = _light_position(geometry, view, z)
        step = max(1, len(faces) // 20000)
        shadow_map = _shadow_map(geometry, ~blend, light, positions[::step])
        rgb, _ = _shade(geometry, prep, view, faces, gx, gy, z, light, shadow_map)
        result[whole] = rgb[: len(whole)]
        colour[edge_hit] = rgb[len(whole) :]
    layer = visible & blend[tri_faces]
    if layer.any():
        blend_ids, blend_depth = _rasterise(
            screen[layer], tri_faces[layer], view.width, view.height, limit=depth
        )
        touched = np.any(blend_ids[samples] >= 0, axis=1) & uniform
        colour[samples[touched]] = result[touched][:, None, :]  # back to samples
        uniform &= ~touched
        hit = np.flatnonzero(blend_ids >= 0)
        gx, gy = _pixel_rays(view, hit)
        z = 1.0 / blend_depth[hit]
        rgb, alpha = _shade(geometry, prep, view, blend_ids[hit], gx, gy, z, light, shadow_map)
        colour[hit] = rgb * alpha[:, None] + colour[hit] * (1.0 - alpha[:, None])
    result[~uniform] = colour[samples[~uniform]].mean(axis=1)  # average in linear light
    return result


def _prepare(geometry: _Geometry, view: _View) -> _Prepared:
    faces = geometry.faces
    p0 = geometry.positions[faces[:, 0]]
    e1 = geometry.positions[faces[:, 1]] - p0
    e2 = geometry.positions[faces[:, 2]] - p0
    to_eye = view.eye - p0
    # Moeller-Trumbore with the ray d = forward + gx * right + gy * up, rewritten with triple
    # products: u = d.(e2 x t) / d.(e2 x e1), v = d.(t x e1) / d.(e2 x e1).
    axes = np.stack([view.forward, view.right, view.up], axis=1)  # (3, 3): columns
    coef = np.hstack(
        [np.cross(e2, to_eye) @ axes, np.cross(to_eye, e1) @ axes, np.cross(e2, e1) @ axes]
    )
    geometric = np.cross(e1, e2)
    geometric /= np.maximum(np.linalg.norm(geometric, axis=1, keepdims=True), 1e-300)
    behind = np.einsum("ij,ij->i", geometric, to_eye) < 0
    geometric[behind] *= -1
    normals = geometry.normals[faces]
    normals = np.where(geometry.flat[:, None, None], geometric[:, None, :], normals)
    normals[behind] *= -1
    materials = geometry.materials
    m = geometry.face_material
    return _Prepared(
        coef=coef,
        normals=normals,
        geometric=geometric,
        base=np.array([x.base for x in materials])[m],
        emissive=np.array([x.emissive for x in materials])[m],
        textured=np.array([x.texture is not None for x in materials], dtype=bool)[m],
        metallic=np.clip(np.array([x.metallic for x in materials]), 0.0, 1.0)[m],
        roughness=np.clip(np.array([x.roughness for x in materials]), 0.05, 1.0)[m],
    )


def _project(geometry: _Geometry, view: _View) -> tuple[F64, I64]:
    """Clip every face against the near plane and project it: ((T, 3, 3) screen x, y and 1/z,
    the face each of the T triangles came from)."""
    rel = geometry.positions - view.eye
    camera_space = np.stack([rel @ view.right, rel @ view.up, rel @ view.forward], axis=1)
    triangles = camera_space[geometry.faces]
    finite = np.all(np.isfinite(triangles), axis=(1, 2))
    face_ids = np.flatnonzero(finite)
    triangles, face_ids = _clip_near(triangles[finite], face_ids, view.near)
    z = triangles[:, :, 2]
    sx = (triangles[:, :, 0] / z / view.tan_x + 1.0) * 0.5 * view.width
    sy = (1.0 - triangles[:, :, 1] / z / view.tan_y) * 0.5 * view.height
    return np.stack([sx, sy, 1.0 / z], axis=2), face_ids


def _clip_near(triangles: F64, ids: I64, near: float) -> tuple[F64, I64]:
    inside = triangles[:, :, 2] >= near
    count = inside.sum(axis=1)
    parts = [triangles[count == 3]]
    part_ids = [ids[count == 3]]
    for kept in (2, 1):
        sel = count == kept
        if not sel.any():
            continue
        tris, flags = triangles[sel], inside[sel]
        # Rotate (keeping the winding) so that the odd vertex out comes first.
        first = np.argmin(flags, axis=1) if kept == 2 else np.argmax(flags, axis=1)
        order = (first[:, None] + np.arange(3)[None, :]) % 3
        tris = np.take_along_axis(tris, order[:, :, None], axis=1)
        p, a, b = tris[:, 0], tris[:, 1], tris[:, 2]
        ta = ((near - p[:, 2]) / (a[:, 2] - p[:, 2]))[:, None]
        tb = ((near - p[:, 2]) / (b[:, 2] - p[:, 2]))[:, None]
        pa, pb = p + (a - p) * ta, p + (b - p) * tb
        pa[:, 2] = pb[:, 2] = near
        if kept == 2:  # p is behind: the quad pa, a, b, pb
            parts += [np.stack([pa, a, b], axis=1), np.stack([pa, b, pb], axis=1)]
            part_ids += [ids[sel], ids[sel]]
        else:  # only p is in front: the triangle p, pa, pb
            parts.append(np.stack([p, pa, pb], axis=1))
            part_ids.append(ids[sel])
    return np.concatenate(parts), np.concatenate(part_ids)


def _front_facing(screen: F64) -> Bool:
    """Counter-clockwise in glTF's sense (screen y points down, so the signed area is < 0)."""
    x, y = screen[:, :, 0], screen[:, :, 1]
    area = (x[:, 1] - x[:, 0]) * (y[:, 2] - y[:, 0]) - (x[:, 2] - x[:, 0]) * (y[:, 1] - y[:, 0])
    front: Bool = area < 0
    return front


def _rasterise(
    screen: F64,
    ids: I64,
    width: int,
    height: int,
    *,
    limit: F64 | None,
    fragment_filter: Callable[[I64, I64], Bool] | None = None,
) -> tuple[I64, F64]:
    """Z-buffer `screen` triangles: (face id or -1, 1/z) per pixel. Fragments no nearer than
    `limit` (a depth buffer) are dropped; `fragment_filter(pixels, faces)` may drop more."""
    depth = np.zeros(width * height)
    out = np.full(width * height, -1, dtype=np.int64)
    x, y, iz = screen[:, :, 0], screen[:, :, 1], screen[:, :, 2]
    area = (x[:, 1] - x[:, 0]) * (y[:, 2] - y[:, 0]) - (x[:, 2] - x[:, 0]) * (y[:, 1] - y[:, 0])
    y_first = np.ceil(np.clip(y.min(axis=1), -1.0, height + 1.0) - 0.5)
    y_last = np.floor(np.clip(y.max(axis=1), -1.0, height + 1.0) - 0.5)
    y_first, y_last = np.maximum(y_first, 0), np.minimum(y_last, height - 1)
    keep = (
        (np.abs(area) > 1e-12)
        & (y_first <= y_last)
        & (x.max(axis=1) >= 0.5 - 1e-9)
        & (x.min(axis=1) <= width - 0.5 + 1e-9)
    )
    if not keep.any():
        return out, depth
    x, y, iz, area, ids = x[keep], y[keep], iz[keep], area[keep], ids[keep]
    y_first, y_last = y_first[keep].astype(np.int64), y_last[keep].astype(np.int64)
    sign = np.sign(area)[:, None]
    # Edge functions a*x + b*y + c >= 0 inside, one per edge (i -> j).
    i, j = np.array([0, 1, 2]), np.array([1, 2, 0])
    ea = -(y[:, j] - y[:, i]) * sign
    eb = (x[:, j] - x[:, i]) * sign
    ec = ((y[:, j] - y[:, i]) * x[:, i] - (x[:, j] - x[:, i]) * y[:, i]) * sign
    # 1/z is affine in screen space: iz = da*x + db*y + dc.
    dx1, dx2 = x[:, 1] - x[:, 0], x[:, 2] - x[:, 0]
    dy1, dy2 = y[:, 1] - y[:, 0], y[:, 2] - y[:, 0]
    dz1, dz2 = iz[:, 1] - iz[:, 0], iz[:, 2] - iz[:, 0]
    da = (dz1 * dy2 - dz2 * dy1) / area
    db = (dz2 * dx1 - dz1 * dx2) / area
    dc = iz[:, 0] - da * x[:, 0] - db * y[:, 0]
    # One record per (triangle, pixel row) with the row's span of pixel centres.
    rows = y_last - y_first + 1
    tri = np.repeat(np.arange(len(rows)), rows)
    starts = np.cumsum(rows) - rows
    row_y = y_first[tri] + (np.arange(len(tri)) - starts[tri])
    centre_y = row_y + 0.5
    left = np.full(len(tri), -np.inf)
    right = np.full(len(tri), np.inf)
    empty = np.zeros(len(tri), dtype=bool)
    for edge in range(3):
        a = ea[tri, edge]
        k = eb[tri, edge] * centre_y + ec[tri, edge]
        bound = -k / np.where(a == 0, 1.0, a)
        left = np.where(a > 0, np.maximum(left, bound), left)
        right = np.where(a < 0, np.minimum(right, bound), right)
        empty |= (a == 0) & (k < 0)
    eps = 1e-7
    x_first = np.ceil(np.clip(left, -1.0, width + 1.0) - 0.5 - eps)
    x_last = np.floor(np.clip(right, -1.0, width + 1.0) - 0.5 + eps)
    x_first = np.maximum(x_first, 0).astype(np.int64)
    x_last = np.minimum(x_last, width - 1).astype(np.int64)
    counts = np.where(empty, 0, np.maximum(x_last - x_first + 1, 0))
    row_depth = db[tri] * centre_y + dc[tri]
    cumulative = np.cumsum(counts)
    total = int(cumulative[-1]) if len(cumulative) else 0
    cuts = np.searchsorted(cumulative, np.arange(_FRAGMENT_CHUNK, total, _FRAGMENT_CHUNK))
    bounds = [0, *(int(c) + 1 for c in cuts), len(counts)]
    for begin, end in itertools.pairwise(bounds):
        if begin >= end:
            continue
        n = counts[begin:end]
        record = np.repeat(np.arange(begin, end), n)
        if len(record) == 0:
            continue
        first = np.cumsum(n) - n
        px = x_first[record] + (np.arange(len(record)) - first[record - begin])
        t = tri[record]
        z = row_depth[record] + da[t] * (px + 0.5)
        pixel = row_y[record] * width + px
        faces = ids[t]
        if limit is not None:
            nearer = z > limit[pixel]
            pixel, z, faces = pixel[nearer], z[nearer], faces[nearer]
        if fragment_filter is not None and len(pixel):
            passed = fragment_filter(pixel, faces)
            pixel, z, faces = pixel[passed], z[passed], faces[passed]
        if len(pixel) == 0:
            continue
        np.maximum.at(depth, pixel, z)
        win = z >= depth[pixel]
        out[pixel[win]] = faces[win]
    return out, depth


# ---------------------------------------------------------------------------------------------
# Lighting and shadows


def _light_position(geometry: _Geometry, view: _View, z: F64) -> F64:
    """A point light above, behind and left of the eye, scaled to the view's typical depth and
    kept on the eye's side of any surface (inside a room, below its ceiling)."""
    focus = float(np.median(z[:: max(1, len(z) // 10000)]))
    offset = _unit(-0.45 * view.right + np.array([0.0, 0.8, 0.0]) - 0.4 * view.forward)
    offset *= focus * 0.9
    fraction = _segment_hit(geometry, view.eye, offset)
    result: F64 = view.eye + offset * min(1.0, 0.7 * fraction)
    return result


def _segment_hit(geometry: _Geometry, start: F64, offset: F64) -> float:
    """The fraction of the segment start..start+offset before it meets a face (1 if none)."""
    faces = geometry.faces
    p0 = geometry.positions[faces[:, 0]]
    e1 = geometry.positions[faces[:, 1]] - p0
    e2 = geometry.positions[faces[:, 2]] - p0
    pvec = np.cross(offset, e2)
    det = np.einsum("ij,ij->i", e1, pvec)
    ok = np.abs(det) > 1e-300
    inv = 1.0 / np.where(ok, det, 1.0)
    tvec = start - p0
    u = np.einsum("ij,ij->i", tvec, pvec) * inv
    qvec = np.cross(tvec, e1)
    v = (qvec @ offset) * inv
    t = np.einsum("ij,ij->i", e2, qvec) * inv
    hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 1e-9) & (t <= 1)
    return float(t[hit].min()) if hit.any() else 1.0


def _shadow_map(geometry: _Geometry, casts: Bool, light: F64, targets: F64) -> _ShadowMap | None:
    """Depth from `light` of the faces that `casts` (both sides), aimed to cover `targets`."""
    rel = targets - light
    distance = np.linalg.norm(rel, axis=1)
    rel = rel[distance > 1e-9] / distance[distance > 1e-9, None]
    if len(rel) == 0:
        return None
    forward = _unit(rel.mean(axis=0))
    if np.linalg.norm(forward) < 1e-6:
        return None
    spread = math.acos(float(np.clip((rel @ forward).min(), -1.0, 1.0)))
    tan_half = math.tan(min(spread, math.radians(_SHADOW_MAX_ANGLE))) * 1.02 + 1e-3
    near = max(float(distance.min()) * 1e-3, 1e-6)
    view = _make_view(
        Camera(_tuple(light), _tuple(forward)), _SHADOW_SIZE, _SHADOW_SIZE, tan_half, tan_half, near
    )
    screen, faces = _project(geometry, view)
    sel = casts[faces]
    _, depth = _rasterise(screen[sel], faces[sel], _SHADOW_SIZE, _SHADOW_SIZE, limit=None)
    return _ShadowMap(view, depth)


def _lit_fraction(shadow_map: _ShadowMap | None, positions: F64, normals: F64) -> F64:
    """How much of each point the light reaches (0..1, 3x3 percentage-closer filtering)."""
    if shadow_map is None:
        return np.ones(len(positions))
    view = shadow_map.view
    size = view.width
    distance = np.linalg.norm(positions - view.eye, axis=1)
    texel = 2.0 * view.tan_x / size
    # Normal offset: move the point off its surface by about two texels to avoid acne.
    points = positions + normals * (distance * texel * 2.0)[:, None]
    rel = points - view.eye
    z = rel @ view.forward
    safe = np.where(z > view.near, z, 1.0)
    sx = (rel @ view.right / safe / view.tan_x + 1.0) * 0.5 * size
    sy = (1.0 - rel @ view.up / safe / view.tan_y) * 0.5 * size
    inside = (z > view.near) & (sx >= 0) & (sx < size) & (sy >= 0) & (sy < size)
    iz = 1.0 / safe * (1.0 + 1e-3)
    ix = np.floor(np.clip(sx, 0, size - 1)).astype(np.int64)
    iy = np.floor(np.clip(sy, 0, size - 1)).astype(np.int64)
    lit = np.zeros(len(positions))
    for dy in (-1, 0, 1):
        row = np.clip(iy + dy, 0, size - 1) * size
        for dx in (-1, 0, 1):
            lit += shadow_map.depth[row + np.clip(ix + dx, 0, size - 1)] <= iz
    result: F64 = np.where(inside, lit / 9.0, 1.0)
    return result


# ---------------------------------------------------------------------------------------------
# Shading


def _barycentric(prep: _Prepared, faces: I64, gx: F64, gy: F64) -> F64:
    """Perspective-correct barycentric coordinates of each pixel ray on its face, (N, 3)."""
    c = prep.coef[faces]
    nu = c[:, 0] + gx * c[:, 1] + gy * c[:, 2]
    nv = c[:, 3] + gx * c[:, 4] + gy * c[:, 5]
    de = c[:, 6] + gx * c[:, 7] + gy * c[:, 8]
    de = np.where(np.abs(de) < 1e-300, 1e-300, de)
    u, v = nu / de, nv / de
    bary = np.clip(np.stack([1.0 - u - v, u, v], axis=1), 0.0, 1.0)
    bary /= np.maximum(bary.sum(axis=1, keepdims=True), 1e-12)
    return bary


def _interpolate(values: F64, corners: I64, bary: F64) -> F64:
    out: F64 = (
        values[corners[:, 0]] * bary[:, 0:1]
        + values[corners[:, 1]] * bary[:, 1:2]
        + values[corners[:, 2]] * bary[:, 2:3]
    )
    return out


def _colour(geometry: _Geometry, prep: _Prepared, faces: I64, bary: F64) -> F64:
    """Linear RGBA: base colour factor x vertex colour x base colour texture, (N, 4)."""
    rgba = prep.base[faces]
    corners = geometry.faces[faces]
    if geometry.has_colours:
        rgba *= _interpolate(geometry.colours, corners, bary)
    textured = np.flatnonzero(prep.textured[faces])
    if len(textured):
        uv = _interpolate(geometry.uvs, corners[textured], bary[textured])
        material_ids = geometry.face_material[faces[textured]]
        for index in np.unique(material_ids):
            texture = geometry.materials[int(index)].texture
            assert texture is not None  # noqa: S101 - type narrowing, not an input check
            sel = material_ids == index
            rgba[textured[sel]] *= _sample(texture, uv[sel])
    return rgba


def _sample(texture: F32, uv: F64) -> F64:
    """Bilinear lookup with repeat wrapping, (N, 4)."""
    h, w = texture.shape[:2]
    x = np.nan_to_num(uv[:, 0]) * w - 0.5
    y = np.nan_to_num(uv[:, 1]) * h - 0.5
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    x0i, y0i = x0.astype(np.int64) % w, y0.astype(np.int64) % h
    x1i, y1i = (x0i + 1) % w, (y0i + 1) % h
    top = texture[y0i, x0i] * (1 - fx) + texture[y0i, x1i] * fx
    bottom = texture[y1i, x0i] * (1 - fx) + texture[y1i, x1i] * fx
    result: F64 = (top * (1 - fy) + bottom * fy).astype(np.float64)
    return result


def _shade(
    geometry: _Geometry,
    prep: _Prepared,
    view: _View,
    faces: I64,
    gx: F64,
    gy: F64,
    z: F64,
    light: F64,
    shadow_map: _ShadowMap | None,
) -> tuple[F64, F64]:
    """Lit linear RGB and alpha of the pixels (gx, gy) showing `faces` at depth `z`."""
    bary = _barycentric(prep, faces, gx, gy)
    rgba = _colour(geometry, prep, faces, bary)
    base = rgba[:, :3]
    rays = _directions(view, gx, gy)
    positions = view.eye + z[:, None] * rays
    to_eye = -rays / np.linalg.norm(rays, axis=1, keepdims=True)
    normal = np.einsum("ni,nij->nj", bary, prep.normals[faces])
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    geometric = prep.geometric[faces]
    to_light = light - positions
    to_light /= np.maximum(np.linalg.norm(to_light, axis=1, keepdims=True), 1e-12)
    facing = np.einsum("ij,ij->i", geometric, to_light) > 0
    lit = np.where(facing, _lit_fraction(shadow_map, positions, geometric), 0.0)
    lambert = (np.clip(np.einsum("ij,ij->i", normal, to_light), 0.0, None) * lit)[:, None]
    hemisphere = (np.clip(normal[:, 1], -1.0, 1.0)[:, None] + 1.0) / 2.0
    ambient = _GROUND_AMBIENT * (1 - hemisphere) + _SKY_AMBIENT * hemisphere
    metallic = prep.metallic[faces][:, None]
    rough = prep.roughness[faces][:, None]
    halfway = to_eye + to_light
    halfway /= np.maximum(np.linalg.norm(halfway, axis=1, keepdims=True), 1e-12)
    shininess = np.clip(2.0 / rough**4 - 2.0, 2.0, 256.0)
    highlight = np.clip(np.einsum("ij,ij->i", normal, halfway), 0.0, 1.0)[:, None] ** shininess
    specular = (0.04 * (1 - metallic) + base * metallic) * (1.0 - rough) ** 2 * 2.4
    # Metals also mirror a little of the sky and the ground.
    reflected_y = rays[:, 1] - 2 * np.einsum("ij,ij->i", rays, normal) * normal[:, 1]
    up = np.clip(reflected_y / np.linalg.norm(rays, axis=1), -1.0, 1.0)[:, None]
    environment = _GROUND_AMBIENT * (1 - up) / 2 + _SKY_AMBIENT * (1 + up) / 2
    rgb = (
        base * (1.0 - 0.55 * metallic) * (ambient + _KEY_COLOUR * lambert)
        + specular * _KEY_COLOUR * highlight * lit[:, None]
        + base * metallic * environment * 0.5
    )
    rgb += _emissive(geometry, prep, faces, bary)
    return rgb, np.clip(rgba[:, 3], 0.0, 1.0)


def _emissive(geometry: _Geometry, prep: _Prepared, faces: I64, bary: F64) -> F64:
    out: F64 = prep.emissive[faces]
    glowing = np.flatnonzero(np.any(out > 0, axis=1))
    if len(glowing) == 0:
        return out
    material_ids = geometry.face_material[faces[glowing]]
    for index in np.unique(material_ids):
        texture = geometry.materials[int(index)].emissive_texture
        if texture is None:
            continue
        sel = glowing[material_ids == index]
        uv = _interpolate(geometry.uvs, geometry.faces[faces[sel]], bary[sel])
        out[sel] *= _sample(texture, uv)[:, :3]
    return out


# ---------------------------------------------------------------------------------------------
# Output


def _png(pixels: npt.NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    # No text chunks, no timestamps: the same pixels always give the same bytes.
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
