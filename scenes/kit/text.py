"""Text on things: signs, labels and screens, rendered from the Noto Sans Thai font the headset
app ships (npm `@fontsource/noto-sans-thai`, installed by `bash scripts/setup.sh`).

`render_sign(lines, (width, height), style)` draws one sign as an RGB image: a background, a
border, and the lines centred, the first (the heading) larger, each at the largest size that
fits. Thai is shaped by Pillow's raqm layout (HarfBuzz), which places the tone marks and the
vowels above and below the consonants; the font's `thai` and `latin` files hold disjoint
characters, so each line is drawn in runs, each run in the file that has its characters.

A scene lists its `Sign`s in one table and adds them with one part, `signs(TABLE)`, at the end
of its `kit.assemble(...)`: all the signs are packed into one texture atlas (`pack`) and their
quads merged into one node and one draw call (`signs`; screens, which glow, into `sign_screens`
with the atlas as emissive texture); a sign with a `parent` is a node of its own under that
node, so it moves when the visitor picks the thing up. Same table, same PNG and GLB bytes.

Sign conventions: `at` is the centre of the sign's face, which faces +Z before `yaw` (degrees
about +Y, as `kit.rotate_y`) and `tilt` (degrees about +X, as `kit.rotate_x`: -90 lays it flat
facing up) turn it; the text reads along +X; `width_m` is its width, the height follows from the
texture cell's aspect (`px`, powers of two). A label on a bottle bends around it (`wrap_r`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

from scenes.kit.builder import SceneBuilder
from scenes.kit.materials import RGB, Material
from scenes.kit.shapes import FloatArray, rotate_x, rotate_y, translate, trimesh

__all__ = [
    "FONT_DIR",
    "STYLES",
    "FontMissingError",
    "Sign",
    "SignStyle",
    "clipboard_sheet",
    "pack",
    "render_sign",
    "sign_atlas",
    "signs",
    "wrapped_label",
]

FONT_DIR = Path(__file__).resolve().parents[2] / "node_modules/@fontsource/noto-sans-thai/files"
HEADING_WEIGHT, BODY_WEIGHT = 700, 500
BODY_SCALE = 0.62  # the other lines' size, relative to the heading's (smaller if too long)
MIN_PX = 6  # no text smaller than this (pixels of font size)
WRAP_COLUMNS = 8  # columns of a label bent around a bottle
MAX_ATLAS_PX = 1024  # the scene library keeps every texture within 1024 px


class FontMissingError(RuntimeError):
    """The font files (npm) or Pillow's raqm layout (needed to shape Thai) are missing."""


@dataclass(frozen=True)
class SignStyle:
    background: RGB
    ink: RGB  # the heading
    body: RGB  # the other lines
    border: RGB
    glow: bool = False  # a screen or a lit sign: emissive, the same at any light


STYLES: dict[str, SignStyle] = {
    # Thai (TIS/ISO 7010) safety colours: green safe condition, yellow warning, red prohibition,
    # blue mandatory action.
    "exit": SignStyle((0, 122, 61), (255, 255, 255), (255, 255, 255), (0, 90, 45), glow=True),
    "warning": SignStyle((250, 204, 0), (20, 20, 20), (20, 20, 20), (20, 20, 20)),
    "prohibition": SignStyle((255, 255, 255), (200, 16, 26), (30, 30, 30), (200, 16, 26)),
    "mandatory": SignStyle((0, 84, 166), (255, 255, 255), (255, 255, 255), (255, 255, 255)),
    "info": SignStyle((250, 250, 246), (24, 48, 96), (40, 44, 52), (24, 48, 96)),
    "zone": SignStyle((24, 64, 140), (255, 255, 255), (230, 236, 246), (255, 210, 0)),
    "fire": SignStyle((200, 16, 26), (255, 255, 255), (255, 255, 255), (255, 255, 255)),
    "label": SignStyle((255, 255, 255), (30, 30, 30), (60, 60, 60), (255, 255, 255)),
    "board": SignStyle((34, 38, 36), (250, 232, 180), (240, 240, 236), (120, 84, 50)),
    "cream": SignStyle((246, 234, 210), (150, 30, 20), (70, 40, 30), (246, 234, 210)),
    "brass": SignStyle((70, 44, 26), (236, 200, 120), (240, 226, 196), (200, 160, 90)),
    "screen": SignStyle((14, 30, 52), (120, 220, 255), (224, 232, 240), (40, 70, 100), glow=True),
    "alarm": SignStyle((150, 16, 20), (255, 236, 80), (255, 255, 255), (60, 8, 10), glow=True),
}


@dataclass(frozen=True)
class Sign:
    """One sign: its `lines` (the first is the heading), where it is and how big (see the module
    docstring), its style (a `STYLES` key), and optionally the node it belongs to."""

    lines: tuple[str, ...]
    at: tuple[float, float, float]
    width_m: float
    style: str = "info"
    px: tuple[int, int] = (512, 256)
    yaw: float = 0.0
    tilt: float = 0.0
    parent: str | None = None  # a node of its own under this node (things picked up)
    two_sided: bool = False  # hanging signs: readable from behind too
    wrap_r: float = 0.0  # labels on bottles and jars: bent around a cylinder of this radius

    @property
    def height_m(self) -> float:
        return self.width_m * self.px[1] / self.px[0]

    def transform(self) -> FloatArray:
        return translate(*self.at) @ rotate_y(self.yaw) @ rotate_x(self.tilt)


def clipboard_sheet(
    lines: tuple[str, ...], parent: str, *, width_m: float = 0.19, yaw: float = 0.0
) -> Sign:
    """The sheet on a `kit.clipboard()` node `parent` (a job card, a care plan, a form): lying
    on its paper below the clip, 256 px square; `yaw=180` turns it to read from the clip end."""
    return Sign(
        lines, (0, 0.0095, 0.02), width_m, "info", px=(256, 256), yaw=yaw, tilt=-90, parent=parent
    )


def wrapped_label(
    lines: tuple[str, ...],
    parent: str,
    *,
    radius: float,
    y: float,
    width_m: float,
    px: tuple[int, int],
    style: str = "label",
) -> Sign:
    """A label bent around the bottle, jar or cylinder `parent` of this `radius`, on its +Z
    side, its centre `y` above the node's origin."""
    return Sign(lines, (0, y, radius), width_m, style, px=px, parent=parent, wrap_r=radius)


# ---------------------------------------------------------------------------------------------
# Fonts and lines


@functools.lru_cache(maxsize=512)
def _font(script: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / f"noto-sans-thai-{script}-{weight}-normal.woff2"
    if not path.is_file():
        raise FontMissingError(
            f"the Noto Sans Thai font is missing ({path}): run `bash scripts/setup.sh`, "
            "which installs the npm packages"
        )
    if not features.check("raqm"):
        raise FontMissingError(
            "Pillow has no raqm layout (libraqm), without which Thai tone marks and vowels land "
            "in the wrong places: install libraqm0 and re-run `bash scripts/setup.sh`"
        )
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into (script, run) pieces, script 'thai' or 'latin'; spaces stay with the run
    before them (both files have a space)."""
    runs: list[tuple[str, str]] = []
    for char in text:
        script = "thai" if _is_thai(char) else "latin"
        if runs and (runs[-1][0] == script or char == " "):
            runs[-1] = (runs[-1][0], runs[-1][1] + char)
        else:
            runs.append((script, char))
    return runs


@functools.lru_cache(maxsize=4)
def _tofu(script: str) -> bytes:
    font = _font(script, BODY_WEIGHT, 32)
    return bytes(font.getmask("\ue000"))  # a private-use character: no font has it


def _check_glyphs(text: str) -> None:
    for script, run in _runs(text):
        for char in set(run) - {" "}:
            if bytes(_font(script, BODY_WEIGHT, 32).getmask(char)) == _tofu(script):
                raise ValueError(f"Noto Sans Thai has no glyph for {char!r} (in {text!r})")


def _line_width(text: str, weight: int, size: int) -> float:
    return sum(_font(script, weight, size).getlength(run) for script, run in _runs(text))


def _line_height(size: int) -> int:
    ascent, descent = _font("thai", HEADING_WEIGHT, size).getmetrics()
    return int(ascent + descent)


def _draw_line(
    draw: ImageDraw.ImageDraw,
    x: float,
    baseline: float,
    text: str,
    weight: int,
    size: int,
    ink: RGB,
) -> None:
    for script, run in _runs(text):
        font = _font(script, weight, size)
        draw.text((x, baseline), run, font=font, fill=ink, anchor="ls")
        x += font.getlength(run)


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


# ---------------------------------------------------------------------------------------------
# One sign


def render_sign(lines: Sequence[str], px: tuple[int, int], style: SignStyle) -> Image.Image:
    """The sign as an RGB image of `px` (width, height; powers of two): the lines centred, the
    first in bold at the largest size where every line fits, the others at 0.62 of it (smaller
    when a line is too long for the width)."""
    width, height = px
    if not (_is_power_of_two(width) and _is_power_of_two(height)):
        raise ValueError(f"a sign's texture must be a power of two on each side, not {px}")
    if not lines:
        raise ValueError("a sign needs at least one line")
    for line in lines:
        _check_glyphs(line)
    border = max(2, min(width, height) // 24)
    margin = border + max(2, min(width, height) // 20)
    room_w, room_h = width - 2 * margin, height - 2 * margin

    def fitted(text: str, weight: int, size: int) -> int:
        """`size`, or the largest smaller one at which `text` fits the sign's width."""
        while size > MIN_PX and _line_width(text, weight, size) > room_w:
            size = min(size - 1, int(size * room_w / _line_width(text, weight, size)))
        return max(size, MIN_PX)

    def layout(size: int) -> list[tuple[str, int, int]]:
        """The heading at `size`, the other lines at 0.62 of it or smaller where too long."""
        body = max(MIN_PX, round(size * BODY_SCALE))
        return [(lines[0], HEADING_WEIGHT, size)] + [
            (text, BODY_WEIGHT, fitted(text, BODY_WEIGHT, body)) for text in lines[1:]
        ]

    def fits(size: int) -> bool:
        rows = layout(size)
        return sum(_line_height(s) for _, _, s in rows) <= room_h and all(
            _line_width(text, w, s) <= room_w for text, w, s in rows
        )

    low, high = MIN_PX, room_h  # the largest heading size that fits (binary search)
    if not fits(low):
        raise ValueError(f"{lines!r} does not fit a {width}x{height} sign")
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    rows = layout(low)

    image = Image.new("RGB", px, style.border)
    draw = ImageDraw.Draw(image)
    draw.rectangle((border, border, width - 1 - border, height - 1 - border), fill=style.background)
    top = margin + (room_h - sum(_line_height(s) for _, _, s in rows)) / 2
    for index, (text, weight, size) in enumerate(rows):
        ascent = _font("thai", HEADING_WEIGHT, size).getmetrics()[0]
        x = (width - _line_width(text, weight, size)) / 2
        ink = style.ink if index == 0 else style.body
        _draw_line(draw, x, top + ascent, text, weight, size, ink)
        top += _line_height(size)
    return image


# ---------------------------------------------------------------------------------------------
# The atlas and the part


def pack(sizes: Sequence[tuple[int, int]]) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """Pack power-of-two cells: each cell's top-left corner, in the input's order, and the
    atlas size (powers of two, at most 1024 a side, the smallest area found).

    Tallest cells first, each at the lowest free place of a skyline, at a multiple of its own
    width: every cell then sits at multiples of its own size, so mipmaps do not mix
    neighbouring signs until a cell is one pixel."""
    if not sizes:
        raise ValueError("nothing to pack")
    for w, h in sizes:
        if not (_is_power_of_two(w) and _is_power_of_two(h)) or max(w, h) > MAX_ATLAS_PX:
            raise ValueError(f"a cell must be a power of two up to {MAX_ATLAS_PX} px, not {w}x{h}")
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i][1], -sizes[i][0], i))
    best: tuple[int, int, list[tuple[int, int]], tuple[int, int]] | None = None
    width = max(w for w, _ in sizes)
    while width <= MAX_ATLAS_PX:
        skyline = np.zeros(width, dtype=np.int64)
        corners: list[tuple[int, int]] = [(0, 0)] * len(sizes)
        for i in order:
            w, h = sizes[i]
            tops = [int(skyline[x : x + w].max()) for x in range(0, width, w)]
            column = int(np.argmin(tops))
            corners[i] = (column * w, tops[column])
            skyline[column * w : (column + 1) * w] = tops[column] + h
        height = _ceil_pow2(int(skyline.max()))
        key = (width * height, max(width, height))
        if height <= MAX_ATLAS_PX and (best is None or key < best[:2]):
            best = (*key, corners, (width, height))
        width *= 2
    if best is None:
        raise ValueError(f"the signs do not fit a {MAX_ATLAS_PX}x{MAX_ATLAS_PX} atlas")
    return best[2], best[3]


def _ceil_pow2(n: int) -> int:
    return 1 << max(0, n - 1).bit_length()


def sign_atlas(table: Sequence[Sign]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The signs of `table` drawn into one atlas, and each one's cell corner in it."""
    corners, size = pack([sign.px for sign in table])
    atlas = Image.new("RGB", size, (128, 128, 128))
    for sign, corner in zip(table, corners, strict=True):
        atlas.paste(render_sign(sign.lines, sign.px, STYLES[sign.style]), corner)
    return atlas, corners


def _quad(sign: Sign, corner: tuple[int, int], atlas: tuple[int, int]) -> Any:
    """The sign's face (and back when two-sided) in its own frame, with texture coordinates in
    trimesh's convention (v up; the glTF export flips it). A sign with `wrap_r` is a strip of
    columns bent around a vertical cylinder of that radius (its axis at z = -wrap_r)."""
    half_h = sign.height_m / 2
    (x0, y0), (aw, ah) = corner, atlas
    u0, u1 = (x0 + 0.5) / aw, (x0 + sign.px[0] - 0.5) / aw
    v_top, v_bottom = 1 - (y0 + 0.5) / ah, 1 - (y0 + sign.px[1] - 0.5) / ah
    columns = WRAP_COLUMNS if sign.wrap_r else 1
    t = np.linspace(0.0, 1.0, columns + 1)
    arc = (t - 0.5) * sign.width_m
    if sign.wrap_r:
        angle = arc / sign.wrap_r
        x, z = sign.wrap_r * np.sin(angle), sign.wrap_r * (np.cos(angle) - 1)
        normal = np.column_stack([np.sin(angle), np.zeros_like(angle), np.cos(angle)])
    else:
        x, z = arc, np.zeros_like(arc)
        normal = np.tile([0.0, 0.0, 1.0], (columns + 1, 1))
    u = u0 + (u1 - u0) * t
    # Vertices: bottom row then top row, left to right.
    vertices = np.vstack([np.column_stack([x, np.full_like(x, y), z]) for y in (-half_h, half_h)])
    normals = np.vstack([normal, normal])
    uv = np.vstack([np.column_stack([u, np.full_like(u, v)]) for v in (v_bottom, v_top)])
    i = np.arange(columns)
    top = i + columns + 1
    faces = np.vstack([np.column_stack([i, i + 1, top + 1]), np.column_stack([i, top + 1, top])])
    if sign.two_sided:  # the back, mirrored so it reads left to right from behind
        back = vertices * [-1.0, 1.0, 1.0] - [0.0, 0.0, 0.002]
        vertices = np.vstack([vertices, back])
        normals = np.vstack([normals, normals * [-1.0, 1.0, -1.0]])
        uv = np.vstack([uv, uv])
        faces = np.vstack([faces, faces + len(back)])
    return vertices, normals, uv, faces.astype(np.int64)


def _mesh(pieces: list[Any], transforms: list[FloatArray], material: Material) -> Any:
    vertices, normals, uvs, faces, offset = [], [], [], [], 0
    for (v, n, uv, f), matrix in zip(pieces, transforms, strict=True):
        vertices.append(np.round(v @ matrix[:3, :3].T + matrix[:3, 3], 6))
        normals.append(np.round(n @ matrix[:3, :3].T, 6))
        uvs.append(np.round(uv, 6))
        faces.append(f + offset)
        offset += len(v)
    mesh = trimesh.Trimesh(
        vertices=np.vstack(vertices),
        faces=np.vstack(faces),
        vertex_normals=np.vstack(normals),
        process=False,
    )
    mesh.visual = trimesh.visual.TextureVisuals(uv=np.vstack(uvs), material=material.pbr())
    return mesh


def _material(atlas: Image.Image, glow: bool) -> Material:
    if not glow:
        return Material("signs", (255, 255, 255, 255), roughness=0.6, texture=atlas)
    # Black base and the atlas as emission: a screen looks the same in any light.
    material = Material("sign_screens", (0, 0, 0, 255), roughness=0.3, emissive=(255, 255, 255))
    material.pbr().emissiveTexture = atlas
    return material


def signs(table: Sequence[Sign]) -> Callable[[SceneBuilder], None]:
    """A part for `kit.assemble`: the signs of `table` (lit ones in node `signs`, glowing ones in
    `sign_screens`, each with its own atlas; a sign with a `parent` as node `<parent>_sign`)."""

    def part(builder: SceneBuilder) -> None:
        for glow in (False, True):
            group = [sign for sign in table if STYLES[sign.style].glow == glow]
            if not group:
                continue
            atlas, corners = sign_atlas(group)
            material = _material(atlas, glow)
            builder.materials[material.name] = material
            pieces = [
                _quad(sign, corner, atlas.size) for sign, corner in zip(group, corners, strict=True)
            ]
            loose = [i for i, sign in enumerate(group) if sign.parent is None]
            if loose:
                transforms = [group[i].transform() for i in loose]
                mesh = _mesh([pieces[i] for i in loose], transforms, material)
                builder.add_mesh(material.name, mesh)
            for i, sign in enumerate(group):
                if sign.parent is not None:
                    name, number = f"{sign.parent}_sign", 1
                    while name in builder.node_names():
                        number += 1
                        name = f"{sign.parent}_sign_{number}"
                    mesh = _mesh([pieces[i]], [np.eye(4)], material)
                    builder.add_mesh(name, mesh, sign.transform(), parent=sign.parent)

    return part
