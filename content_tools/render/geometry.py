"""What the renderer draws, loaded from a GLB with trimesh: triangles with normals,
UVs and vertex colours, node transforms applied, and their materials (colour factors and
textures, linear RGB).
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import trimesh as _trimesh
from PIL import Image

from content_tools.errors import ModelError
from content_tools.glb import parse_glb

# trimesh is only partly annotated: use it through Any.
trimesh: Any = _trimesh
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
MAX_TEXTURE = 1024  # textures are scaled down to this (a cheap stand-in for mipmaps)
_UNSUPPORTED = ("EXT_meshopt_compression",)  # trimesh would load zeros
_log = logging.getLogger(__name__)


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
class Geometry:
    positions: F64  # (V, 3) world
    normals: F64  # (V, 3) world, unit (zero where the mesh had none)
    colours: F64  # (V, 4) linear vertex colours (1 where none)
    uvs: F64  # (V, 2) glTF convention: (0, 0) is the image's top left
    faces: I64  # (F, 3)
    face_material: I64  # (F,)
    flat: Bool  # (F,) true where the mesh has no normals: shade with the face normal
    materials: list[_Material]
    has_colours: bool = False  # some vertex colour is not white


def load_scene(glb: bytes) -> Any:
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


def load_geometry(scene: Any) -> Geometry:
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
        return Geometry(
            positions=empty,
            normals=empty,
            colours=np.zeros((0, 4)),
            uvs=np.zeros((0, 2)),
            faces=np.zeros((0, 3), dtype=np.int64),
            face_material=np.zeros(0, dtype=np.int64),
            flat=np.zeros(0, dtype=bool),
            materials=[],
        )
    return Geometry(
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
    attributes = getattr(visual, "vertex_attributes", None)  # a trimesh DataStore, not a dict
    if attributes is not None and "color" in attributes:
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
            base = srgb_to_linear(_factor(diffuse, 4, 1.0))
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
        array[..., :3] = srgb_to_linear(array[..., :3]).astype(np.float32)
    return np.ascontiguousarray(array)


def srgb_to_linear(values: Any) -> F64:
    v = np.asarray(values, dtype=np.float64)
    out: F64 = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return out


def linear_to_srgb(values: F64) -> F64:
    v = np.clip(values, 0.0, 1.0)
    out: F64 = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return out
