"""PBR materials and procedural textures.

A `Material` is a glTF metallic-roughness material: a base colour (sRGB 0-255 with alpha),
metalness, roughness, optional emission, and optionally a base-colour texture made here with
numpy. A texture repeats every `tile_m` metres (the builder gives textured meshes box-projected
texture coordinates). Every texture generator takes a `seed` and draws its noise from
`numpy.random.default_rng(seed)`, so the same call gives the same pixels and, through
`png_bytes`, the same PNG bytes. Keep textures small (256 px is plenty for a 1-2 m repeat; the
Quest 2 budget allows 1024) so the packaged scene stays a few megabytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from scenes.kit.shapes import trimesh

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
FloatImage = npt.NDArray[np.float64]

__all__ = [
    "RGB",
    "RGBA",
    "Material",
    "brushed_metal",
    "checker",
    "concrete",
    "fabric",
    "noise_texture",
    "pegboard",
    "plain",
    "png_bytes",
    "stripes",
    "textured",
    "tiles",
    "wood_grain",
]


@dataclass(frozen=True, eq=False)
class Material:
    """A glTF PBR material; `texture` (RGB) is multiplied by `rgba` and repeats every `tile_m`."""

    name: str
    rgba: RGBA
    metallic: float = 0.0
    roughness: float = 0.8
    double_sided: bool = False
    emissive: RGB | None = None
    texture: Image.Image | None = None
    tile_m: float = 1.0
    _pbr: list[Any] = field(default_factory=list, repr=False)

    @property
    def textured(self) -> bool:
        return self.texture is not None

    def pbr(self) -> Any:
        """The trimesh PBRMaterial (one object per Material, so meshes share it on export)."""
        if not self._pbr:
            self._pbr.append(
                trimesh.visual.material.PBRMaterial(
                    name=self.name,
                    baseColorFactor=self.rgba,
                    metallicFactor=float(self.metallic),
                    roughnessFactor=float(self.roughness),
                    doubleSided=self.double_sided,
                    emissiveFactor=None
                    if self.emissive is None
                    else [c / 255 for c in self.emissive],
                    baseColorTexture=self.texture,
                    alphaMode="BLEND" if self.rgba[3] < 255 else None,
                )
            )
        return self._pbr[0]


def png_bytes(image: Image.Image) -> bytes:
    """The image as PNG, always the same bytes for the same pixels."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Noise


def _value_noise(rng: np.random.Generator, size: int, cells: tuple[int, int]) -> FloatImage:
    """Smooth tileable noise in [0, 1]: a random `cells` (rows, columns) grid interpolated with
    a smoothstep over a `size` x `size` image."""
    rows, columns = cells
    grid = rng.random((rows, columns))

    def axis(n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatImage]:
        position = np.arange(size) * n / size
        lower = np.floor(position).astype(np.int64)
        t = position - lower
        return lower % n, (lower + 1) % n, t * t * (3 - 2 * t)

    y0, y1, ty = axis(rows)
    x0, x1, tx = axis(columns)
    top = grid[np.ix_(y0, x0)] * (1 - tx) + grid[np.ix_(y0, x1)] * tx
    bottom = grid[np.ix_(y1, x0)] * (1 - tx) + grid[np.ix_(y1, x1)] * tx
    result: FloatImage = top * (1 - ty[:, None]) + bottom * ty[:, None]
    return result


def _fractal(
    rng: np.random.Generator, size: int, base: tuple[int, int] = (4, 4), octaves: int = 4
) -> FloatImage:
    """Octaves of value noise (each twice as fine and half as strong), normalised to [0, 1]."""
    total = np.zeros((size, size))
    weight = 1.0
    for octave in range(octaves):
        cells = (min(size, base[0] << octave), min(size, base[1] << octave))
        total += weight * _value_noise(rng, size, cells)
        weight *= 0.5
    low, high = total.min(), total.max()
    result: FloatImage = (total - low) / max(high - low, 1e-9)
    return result


def _to_image(rgb: FloatImage) -> Image.Image:
    # Steps of 2 levels: invisible, and the PNG compresses noticeably better.
    quantised = (np.clip(np.round(rgb / 2) * 2, 0, 255)).astype(np.uint8)
    return Image.fromarray(quantised, mode="RGB")


def _mix(a: RGB, b: RGB, t: FloatImage) -> FloatImage:
    ca, cb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    result: FloatImage = ca + (cb - ca) * t[..., None]
    return result


# ---------------------------------------------------------------------------------------------
# Textures (RGB images, tileable)


def noise_texture(
    light: RGB, dark: RGB, *, size: int = 256, seed: int = 0, cells: int = 8, contrast: float = 1.0
) -> Image.Image:
    """Blotchy noise between two colours (soil, plaster, rubber, leather, foliage)."""
    rng = np.random.default_rng(seed)
    t = np.clip((_fractal(rng, size, (cells, cells)) - 0.5) * contrast + 0.5, 0, 1)
    return _to_image(_mix(light, dark, t))


def concrete(rgb: RGB, *, size: int = 256, seed: int = 0) -> Image.Image:
    """Grey concrete or screed: soft blotches and fine specks."""
    rng = np.random.default_rng(seed)
    blotches = _fractal(rng, size, (4, 4), octaves=5)
    specks = rng.random((size, size))
    shade = 0.86 + 0.16 * blotches - 0.08 * (specks > 0.985) + 0.05 * (specks < 0.01)
    return _to_image(np.asarray(rgb, dtype=float) * shade[..., None])


def wood_grain(
    light: RGB,
    dark: RGB,
    *,
    size: int = 256,
    seed: int = 0,
    rings: float = 12.0,
    planks: int = 0,
) -> Image.Image:
    """Wood: wavy growth rings running along the image's vertical axis; `planks` > 0 draws that
    many boards side by side with dark joints (floors, workbenches, doors)."""
    rng = np.random.default_rng(seed)
    warp = 0.3 * _fractal(rng, size, (2, 4), octaves=2)
    fine = _fractal(rng, size, (4, 32), octaves=2)
    x = np.arange(size)[None, :] / size
    phase = x * rings + 1.8 * warp
    if planks:
        board = np.floor(x * planks)
        phase = phase + 3.7 * (board * 0.618 % 1.0)
    ring = 0.5 + 0.5 * np.sin(2 * np.pi * phase)
    t = 0.65 * ring**3 + 0.35 * fine
    if planks:
        edge = (x * planks) % 1.0
        joint = (edge < 0.012) | (edge > 0.988)
        t = np.where(np.broadcast_to(joint, t.shape), 1.3, t)
    return _to_image(_mix(light, dark, np.clip(t, 0, 1.2)))


def tiles(
    tile: RGB,
    grout: RGB,
    *,
    count: int = 4,
    size: int = 256,
    seed: int = 0,
    grout_px: int = 3,
    variation: float = 0.06,
) -> Image.Image:
    """`count` x `count` square tiles with grout lines; each tile slightly lighter or darker."""
    rng = np.random.default_rng(seed)
    cell = size // count
    shade = 1 + variation * (rng.random((count, count)) - 0.5) * 2
    index = np.arange(size) // cell % count
    per_pixel = shade[np.ix_(index, index)]
    mottled = 0.96 + 0.06 * _fractal(rng, size, (8, 8), octaves=3)
    rgb = np.asarray(tile, dtype=float) * (per_pixel * mottled)[..., None]
    within = np.arange(size) % cell
    line = (within < grout_px // 2 + 1) | (within >= cell - grout_px // 2)
    mask = line[:, None] | line[None, :]
    rgb[mask] = grout
    return _to_image(rgb)


def brushed_metal(rgb: RGB, *, size: int = 256, seed: int = 0) -> Image.Image:
    """Brushed steel or aluminium: fine horizontal streaks."""
    rng = np.random.default_rng(seed)
    streaks = _value_noise(rng, size, (size // 2, 1)) * 0.6 + _value_noise(rng, size, (size, 2))
    shade = 0.92 + 0.1 * streaks / 1.6
    return _to_image(np.asarray(rgb, dtype=float) * shade[..., None])


def fabric(rgb: RGB, *, size: int = 256, seed: int = 0, threads: int = 64) -> Image.Image:
    """Woven cloth: a criss-cross of threads with soft irregularities (uniforms, bedding,
    upholstery, aprons)."""
    rng = np.random.default_rng(seed)
    u = np.arange(size) * threads * 2 * np.pi / size
    weave = np.sin(u)[None, :] * np.sin(u)[:, None]
    irregular = _fractal(rng, size, (8, 8), octaves=3)
    shade = 0.9 + 0.07 * weave + 0.08 * irregular
    return _to_image(np.asarray(rgb, dtype=float) * shade[..., None])


def stripes(a: RGB, b: RGB, *, count: int = 4, size: int = 128) -> Image.Image:
    """Diagonal warning stripes (`count` pairs across the image)."""
    x = np.arange(size)
    t = ((x[None, :] + x[:, None]) * count * 2 // size) % 2
    return _to_image(_mix(a, b, t.astype(float)))


def pegboard(board: RGB, *, size: int = 128, holes: int = 8) -> Image.Image:
    """Perforated hardboard: a grid of dark holes (tool walls in workshops)."""
    cell = size // holes
    within = (np.arange(size) % cell) - cell / 2 + 0.5
    distance = np.hypot(within[:, None], within[None, :])
    rgb = np.broadcast_to(np.asarray(board, dtype=float), (size, size, 3)).copy()
    rgb[distance < cell * 0.16] = (40, 34, 28)
    return _to_image(rgb)


def checker(a: RGB, b: RGB, *, count: int = 8, size: int = 128) -> Image.Image:
    """A checkerboard (floor tiles, rubber mats)."""
    index = np.arange(size) * count // size
    t = (index[None, :] + index[:, None]) % 2
    return _to_image(_mix(a, b, t.astype(float)))


# ---------------------------------------------------------------------------------------------
# A shared palette


def plain(
    name: str,
    rgb: RGB,
    *,
    metallic: float = 0.0,
    roughness: float = 0.7,
    emissive: RGB | None = None,
    double_sided: bool = False,
) -> Material:
    """An opaque untextured material of colour `rgb`."""
    return Material(
        name,
        (*rgb, 255),
        metallic=metallic,
        roughness=roughness,
        emissive=emissive,
        double_sided=double_sided,
    )


def textured(
    name: str,
    texture: Image.Image,
    *,
    tile_m: float,
    metallic: float = 0.0,
    roughness: float = 0.8,
    double_sided: bool = False,
) -> Material:
    """A material whose colour is its `texture` (repeating every `tile_m` metres)."""
    return Material(
        name,
        WHITE,
        metallic=metallic,
        roughness=roughness,
        double_sided=double_sided,
        texture=texture,
        tile_m=tile_m,
    )


WHITE: RGBA = (255, 255, 255, 255)


def standard_materials() -> dict[str, Material]:
    """Materials most workplaces need, under the names `scenes.kit.furniture` uses by default.
    Scenes add their own and may replace any of these. Only materials a mesh uses are exported,
    so unused entries cost nothing."""
    return {
        "steel": textured(
            "steel",
            brushed_metal((196, 199, 204), size=128, seed=11),
            tile_m=0.5,
            metallic=0.85,
            roughness=0.35,
        ),
        "steel_dark": plain("steel_dark", (66, 68, 72), metallic=0.8, roughness=0.45),
        "chrome": plain("chrome", (222, 224, 228), metallic=1.0, roughness=0.15),
        "black_plastic": plain("black_plastic", (30, 31, 34), roughness=0.5),
        "grey_plastic": plain("grey_plastic", (120, 124, 130), roughness=0.55),
        "white_plastic": plain("white_plastic", (236, 236, 232), roughness=0.45),
        "rubber": plain("rubber", (26, 26, 27), roughness=0.9),
        "wood": textured(
            "wood",
            wood_grain((190, 142, 92), (142, 98, 58), size=128, seed=12),
            tile_m=0.6,
            roughness=0.7,
        ),
        "wood_dark": textured(
            "wood_dark",
            wood_grain((112, 74, 46), (74, 46, 28), size=128, seed=13),
            tile_m=0.6,
            roughness=0.6,
        ),
        "paper": plain("paper", (248, 248, 244), roughness=0.9),
        "cardboard": textured(
            "cardboard",
            noise_texture((196, 156, 108), (176, 136, 90), size=64, seed=14),
            tile_m=0.5,
            roughness=0.9,
        ),
        "tape": plain("tape", (214, 180, 120), roughness=0.4),
        "red_paint": plain("red_paint", (196, 34, 30), metallic=0.2, roughness=0.45),
        "yellow_paint": plain("yellow_paint", (240, 190, 30), metallic=0.2, roughness=0.5),
        "blue_paint": plain("blue_paint", (34, 84, 170), metallic=0.2, roughness=0.5),
        "green_paint": plain("green_paint", (40, 130, 70), metallic=0.1, roughness=0.6),
        "glass_dark": plain("glass_dark", (40, 52, 60), metallic=0.3, roughness=0.1),
        "screen": plain("screen", (40, 90, 140), roughness=0.2, emissive=(40, 90, 140)),
        "soil": textured(
            "soil",
            noise_texture((104, 76, 52), (70, 50, 34), size=64, seed=15, contrast=1.4),
            tile_m=0.4,
            roughness=0.95,
        ),
        "foliage": textured(
            "foliage",
            noise_texture((76, 140, 60), (40, 96, 36), size=64, seed=16, contrast=1.5),
            tile_m=0.3,
            roughness=0.7,
        ),
        "terracotta": plain("terracotta", (178, 94, 60), roughness=0.8),
        "ceramic": plain("ceramic", (246, 246, 243), roughness=0.2),
        "fabric_blue": textured(
            "fabric_blue",
            fabric((52, 86, 150), size=64, seed=17, threads=16),
            tile_m=0.3,
            roughness=0.9,
        ),
        "fabric_grey": textured(
            "fabric_grey",
            fabric((130, 132, 136), size=64, seed=18, threads=16),
            tile_m=0.3,
            roughness=0.9,
        ),
        "hazard": textured(
            "hazard", stripes((236, 190, 20), (30, 30, 30)), tile_m=0.4, roughness=0.6
        ),
        "label_green": plain("label_green", (30, 150, 80), roughness=0.5, emissive=(10, 60, 30)),
        "indicator_red": plain("indicator_red", (230, 40, 30), emissive=(200, 30, 20)),
        "indicator_green": plain("indicator_green", (40, 220, 80), emissive=(30, 180, 60)),
    }
