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
import math

import numpy as np
import numpy.typing as npt
from PIL import Image

from content_tools.render.camera import (
    CAMERA_NODE,
    EYE_HEIGHT,
    SPAWN_NODE,
    SPAWN_PITCH_DEG,
    Camera,
    View,
    auto_camera,
    camera_for,
    make_view,
    scene_bounds,
)
from content_tools.render.geometry import (
    F64,
    I64,
    Bool,
    Geometry,
    linear_to_srgb,
    load_geometry,
    load_scene,
)
from content_tools.render.raster import (
    barycentric,
    directions,
    front_facing,
    pixel_rays,
    prepare,
    project,
    rasterise,
    rays_at,
)
from content_tools.render.shading import (
    ShadowMap,
    background,
    base_colour,
    build_shadow_map,
    light_position,
    shade,
)

__all__ = [
    "CAMERA_NODE",
    "EYE_HEIGHT",
    "MAX_SIZE",
    "SPAWN_NODE",
    "SPAWN_PITCH_DEG",
    "Camera",
    "choose_camera",
    "render_thumbnail",
]

MAX_SIZE = 4096  # largest thumbnail side (pixels)


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
    scene = load_scene(glb)
    geometry = load_geometry(scene)
    camera = camera_for(scene, geometry, eye, target, fov_deg, width / height)
    image = _render(geometry, camera, width, height, fov_deg, supersample)
    return _png(image)


def choose_camera(
    glb: bytes, *, fov_deg: float = 60.0, aspect: float = 16 / 9
) -> tuple[Camera, str]:
    """The automatic camera of `render_thumbnail` and what it was based on:
    `thumbnail_camera`, `spawn` or `bounds`."""
    scene = load_scene(glb)
    return auto_camera(scene, load_geometry(scene), fov_deg, aspect)


def _render(
    geometry: Geometry,
    camera: Camera,
    width: int,
    height: int,
    fov_deg: float,
    supersample: int,
) -> npt.NDArray[np.uint8]:
    w, h = width * supersample, height * supersample
    low, high = scene_bounds(geometry)
    # Depth is stored as 1/z, so a small near plane costs no precision.
    near = max(float(np.linalg.norm(high - low)) * 1e-4, 1e-6)
    tan_y = math.tan(math.radians(fov_deg) / 2)
    view = make_view(camera, w, h, tan_y * w / h, tan_y, near)
    colour = _draw(geometry, view, supersample).reshape(height, width, 3)
    out: npt.NDArray[np.uint8] = np.round(linear_to_srgb(colour) * 255.0).astype(np.uint8)
    return out


def _draw(geometry: Geometry, view: View, supersample: int) -> F64:
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
        return background(view, *rays_at(view, centre_x, centre_y))
    materials = geometry.materials
    material_of = geometry.face_material
    blend = np.array([m.alpha_mode == "BLEND" for m in materials], dtype=bool)[material_of]
    masked = np.array([m.alpha_mode == "MASK" for m in materials], dtype=bool)[material_of]
    double = np.array([m.double_sided for m in materials], dtype=bool)[material_of]
    cutoff = np.array([m.alpha_cutoff for m in materials])[material_of]
    prep = prepare(geometry, view)
    screen, tri_faces = project(geometry, view)
    visible = front_facing(screen) | double[tri_faces]

    def alpha_test(pixels: I64, faces: I64) -> Bool:
        keep = np.ones(len(pixels), dtype=bool)
        test = np.flatnonzero(masked[faces])
        if len(test):
            gx, gy = pixel_rays(view, pixels[test])
            bary = barycentric(prep, faces[test], gx, gy)
            alpha = base_colour(geometry, prep, faces[test], bary)[:, 3]
            keep[test] = alpha >= cutoff[faces[test]]
        return keep

    opaque = visible & ~blend[tri_faces]
    ids, depth = rasterise(
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
    result[empty] = background(view, *rays_at(view, centre_x[empty], centre_y[empty]))
    colour = np.zeros((view.width * view.height, 3))  # samples of edge pixels only
    colour[edge_miss] = background(view, *pixel_rays(view, edge_miss))
    # Shading inputs: the centres of whole pixels, then the hit samples of edge pixels.
    gx_whole, gy_whole = rays_at(view, centre_x[whole], centre_y[whole])
    gx_edge, gy_edge = pixel_rays(view, edge_hit)
    gx = np.concatenate([gx_whole, gx_edge])
    gy = np.concatenate([gy_whole, gy_edge])
    # 1/z is affine on the image: the mean over a pixel's samples is its value at the centre.
    z = 1.0 / np.concatenate([depth[samples[whole]].mean(axis=1), depth[edge_hit]])
    faces = np.concatenate([block_ids[whole, 0], ids[edge_hit]])
    light = view.eye.copy()
    shadow_map: ShadowMap | None = None
    if len(faces):
        positions = view.eye + z[:, None] * directions(view, gx, gy)
        light = light_position(geometry, view, z)
        step = max(1, len(faces) // 20000)
        shadow_map = build_shadow_map(geometry, ~blend, light, positions[::step])
        rgb, _ = shade(geometry, prep, view, faces, gx, gy, z, light, shadow_map)
        result[whole] = rgb[: len(whole)]
        colour[edge_hit] = rgb[len(whole) :]
    layer = visible & blend[tri_faces]
    if layer.any():
        blend_ids, blend_depth = rasterise(
            screen[layer], tri_faces[layer], view.width, view.height, limit=depth
        )
        touched = np.any(blend_ids[samples] >= 0, axis=1) & uniform
        colour[samples[touched]] = result[touched][:, None, :]  # back to samples
        uniform &= ~touched
        hit = np.flatnonzero(blend_ids >= 0)
        gx, gy = pixel_rays(view, hit)
        z = 1.0 / blend_depth[hit]
        rgb, alpha = shade(geometry, prep, view, blend_ids[hit], gx, gy, z, light, shadow_map)
        colour[hit] = rgb * alpha[:, None] + colour[hit] * (1.0 - alpha[:, None])
    result[~uniform] = colour[samples[~uniform]].mean(axis=1)  # average in linear light
    return result


def _png(pixels: npt.NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    # No text chunks, no timestamps: the same pixels always give the same bytes.
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
