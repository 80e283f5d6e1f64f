"""Rasterising: triangles projected and clipped against the near plane, a vectorised numpy
z-buffer (scanline spans, one pass per chunk of fragments), rays and barycentric coordinates
of the pixels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from content_tools.render.camera import View
from content_tools.render.geometry import F64, I64, Bool, Geometry

_FRAGMENT_CHUNK = 1 << 21  # fragments rasterised at once (bounds the memory used)


@dataclass(slots=True)
class Prepared:
    """Per-face data for shading from one eye."""

    coef: F64  # (F, 9): numerators of u and v and their denominator, affine in (1, gx, gy)
    normals: F64  # (F, 3, 3) corner normals, turned to the side of the face the eye is on
    geometric: F64  # (F, 3) unit face normals, turned likewise
    base: F64  # (F, 4) the material's base colour factor
    emissive: F64  # (F, 3)
    textured: Bool  # (F,) the material has a base colour texture
    metallic: F64  # (F,)
    roughness: F64  # (F,)


def rays_at(view: View, fx: F64, fy: F64) -> tuple[F64, F64]:
    """(gx, gy) of points (fx, fy) on the image (pixel units): their rays are
    forward + gx * right + gy * up."""
    gx = (fx / view.width * 2.0 - 1.0) * view.tan_x
    gy = (1.0 - fy / view.height * 2.0) * view.tan_y
    return gx, gy


def pixel_rays(view: View, pixels: I64) -> tuple[F64, F64]:
    """(gx, gy) of pixel centres."""
    fx: F64 = (pixels % view.width).astype(np.float64) + 0.5
    fy: F64 = (pixels // view.width).astype(np.float64) + 0.5
    return rays_at(view, fx, fy)


def directions(view: View, gx: F64, gy: F64) -> F64:
    rays: F64 = (
        view.forward[None, :] + gx[:, None] * view.right[None, :] + gy[:, None] * view.up[None, :]
    )
    return rays


def prepare(geometry: Geometry, view: View) -> Prepared:
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
    return Prepared(
        coef=coef,
        normals=normals,
        geometric=geometric,
        base=np.array([x.base for x in materials])[m],
        emissive=np.array([x.emissive for x in materials])[m],
        textured=np.array([x.texture is not None for x in materials], dtype=bool)[m],
        metallic=np.clip(np.array([x.metallic for x in materials]), 0.0, 1.0)[m],
        roughness=np.clip(np.array([x.roughness for x in materials]), 0.05, 1.0)[m],
    )


def project(geometry: Geometry, view: View) -> tuple[F64, I64]:
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


def front_facing(screen: F64) -> Bool:
    """Counter-clockwise in glTF's sense (screen y points down, so the signed area is < 0)."""
    x, y = screen[:, :, 0], screen[:, :, 1]
    area = (x[:, 1] - x[:, 0]) * (y[:, 2] - y[:, 0]) - (x[:, 2] - x[:, 0]) * (y[:, 1] - y[:, 0])
    front: Bool = area < 0
    return front


def rasterise(
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


def barycentric(prep: Prepared, faces: I64, gx: F64, gy: F64) -> F64:
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


def interpolate(values: F64, corners: I64, bary: F64) -> F64:
    out: F64 = (
        values[corners[:, 0]] * bary[:, 0:1]
        + values[corners[:, 1]] * bary[:, 1:2]
        + values[corners[:, 2]] * bary[:, 2:3]
    )
    return out
