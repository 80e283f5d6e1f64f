"""Shading a visible pixel: base colour (factor, vertex colour, texture), Lambert lighting from
the key light with a shadow map plus sky/ground ambient, a little specular, emissive; and the
sky behind the scene.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from content_tools.render.camera import Camera, View, as_tuple, make_view, unit
from content_tools.render.geometry import F32, F64, I64, Bool, Geometry, srgb_to_linear
from content_tools.render.raster import (
    Prepared,
    barycentric,
    directions,
    interpolate,
    project,
    rasterise,
)

_SHADOW_SIZE = 1024  # shadow map texels on each side
_SHADOW_MAX_ANGLE = 75.0  # widest half-angle the shadow map covers (degrees)
# Lighting (linear RGB). The key light comes from above, behind and to the left of the viewer.
_KEY_COLOUR = np.array([1.0, 0.96, 0.9]) * 0.85
_SKY_AMBIENT = np.array([0.46, 0.48, 0.52])
_GROUND_AMBIENT = np.array([0.2, 0.19, 0.18])
# Background (sRGB): horizon to zenith above the horizon, horizon to ground below it.
_ZENITH = np.array([0.42, 0.6, 0.85])
_HORIZON = np.array([0.86, 0.9, 0.94])
_GROUND = np.array([0.6, 0.6, 0.58])


@dataclass(slots=True)
class ShadowMap:
    view: View
    depth: F64  # 1/z per texel, 0 where nothing is


def background(view: View, gx: F64, gy: F64) -> F64:
    """A sky gradient above the horizon and a soft ground below it (linear RGB)."""
    rays = directions(view, gx, gy)
    y = rays[:, 1] / np.linalg.norm(rays, axis=1)
    sky = np.clip(y, 0.0, 1.0)[:, None] ** 0.7
    ground = np.clip(-y * 3.0, 0.0, 1.0)[:, None]
    zenith, horizon, floor = (srgb_to_linear(c) for c in (_ZENITH, _HORIZON, _GROUND))
    colour: F64 = np.where(
        (y >= 0)[:, None],
        horizon * (1 - sky) + zenith * sky,
        horizon * (1 - ground) + floor * ground,
    )
    return colour


def light_position(geometry: Geometry, view: View, z: F64) -> F64:
    """A point light above, behind and left of the eye, scaled to the view's typical depth and
    kept on the eye's side of any surface (inside a room, below its ceiling)."""
    focus = float(np.median(z[:: max(1, len(z) // 10000)]))
    offset = unit(-0.45 * view.right + np.array([0.0, 0.8, 0.0]) - 0.4 * view.forward)
    offset *= focus * 0.9
    fraction = _segment_hit(geometry, view.eye, offset)
    result: F64 = view.eye + offset * min(1.0, 0.7 * fraction)
    return result


def _segment_hit(geometry: Geometry, start: F64, offset: F64) -> float:
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


def build_shadow_map(geometry: Geometry, casts: Bool, light: F64, targets: F64) -> ShadowMap | None:
    """Depth from `light` of the faces that `casts` (both sides), aimed to cover `targets`."""
    rel = targets - light
    distance = np.linalg.norm(rel, axis=1)
    rel = rel[distance > 1e-9] / distance[distance > 1e-9, None]
    if len(rel) == 0:
        return None
    forward = unit(rel.mean(axis=0))
    if np.linalg.norm(forward) < 1e-6:
        return None
    spread = math.acos(float(np.clip((rel @ forward).min(), -1.0, 1.0)))
    tan_half = math.tan(min(spread, math.radians(_SHADOW_MAX_ANGLE))) * 1.02 + 1e-3
    near = max(float(distance.min()) * 1e-3, 1e-6)
    view = make_view(
        Camera(as_tuple(light), as_tuple(forward)),
        _SHADOW_SIZE,
        _SHADOW_SIZE,
        tan_half,
        tan_half,
        near,
    )
    screen, faces = project(geometry, view)
    sel = casts[faces]
    _, depth = rasterise(screen[sel], faces[sel], _SHADOW_SIZE, _SHADOW_SIZE, limit=None)
    return ShadowMap(view, depth)


def _lit_fraction(shadow_map: ShadowMap | None, positions: F64, normals: F64) -> F64:
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


def base_colour(geometry: Geometry, prep: Prepared, faces: I64, bary: F64) -> F64:
    """Linear RGBA: base colour factor x vertex colour x base colour texture, (N, 4)."""
    rgba = prep.base[faces]
    corners = geometry.faces[faces]
    if geometry.has_colours:
        rgba *= interpolate(geometry.colours, corners, bary)
    textured = np.flatnonzero(prep.textured[faces])
    if len(textured):
        uv = interpolate(geometry.uvs, corners[textured], bary[textured])
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


def shade(
    geometry: Geometry,
    prep: Prepared,
    view: View,
    faces: I64,
    gx: F64,
    gy: F64,
    z: F64,
    light: F64,
    shadow_map: ShadowMap | None,
) -> tuple[F64, F64]:
    """Lit linear RGB and alpha of the pixels (gx, gy) showing `faces` at depth `z`."""
    bary = barycentric(prep, faces, gx, gy)
    rgba = base_colour(geometry, prep, faces, bary)
    base = rgba[:, :3]
    rays = directions(view, gx, gy)
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


def _emissive(geometry: Geometry, prep: Prepared, faces: I64, bary: F64) -> F64:
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
        uv = interpolate(geometry.uvs, geometry.faces[faces[sel]], bary[sel])
        out[sel] *= _sample(texture, uv)[:, :3]
    return out
