"""Fitting a model's textures to a budget profile's `max_texture_size`.

Every embedded PNG or JPEG image whose width or height is over the limit is downscaled (Pillow,
Lanczos) and re-encoded deterministically, in its own format: PNG with zlib level 9, JPEG with
quality 90, 4:2:0 subsampling and optimised Huffman tables; no metadata is written (no ICC
profile, EXIF or text chunks). Images within the limit are left byte for byte.

The new size keeps the aspect ratio and power-of-two sizes: an image whose sides are both
powers of two is halved until it fits (4096x2048 -> 2048x1024 for a 2048 limit); any other
image gets its longer side set to the largest power of two within the limit and the shorter
side scaled by the same factor. Other formats (WebP, KTX2) are left as they are and reported.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from content_tools.errors import ModelError
from content_tools.glb_parts import GlbParts, views_used_by_geometry
from content_tools.report_json import report_json

__all__ = [
    "JPEG_QUALITY",
    "PNG_COMPRESS_LEVEL",
    "TextureChange",
    "TextureReport",
    "fit_textures",
    "pillow_version",
    "target_size",
]

PNG_COMPRESS_LEVEL = 9
JPEG_QUALITY = 90
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True, slots=True)
class TextureChange:
    """One image that was downscaled."""

    image: int
    name: str | None
    media_type: str
    size_before: tuple[int, int]
    size_after: tuple[int, int]
    bytes_before: int
    bytes_after: int


@dataclass(frozen=True, slots=True)
class TextureReport:
    max_size: int | None
    images: int
    """How many images the model embeds."""
    resized: list[TextureChange] = field(default_factory=list)
    oversized_kept: list[str] = field(default_factory=list)
    """Images over the limit that could not be downscaled (not PNG or JPEG), with the reason."""

    def as_json(self) -> dict[str, Any]:
        return report_json(self)


def pillow_version() -> str:
    from PIL import __version__

    return __version__


def target_size(width: int, height: int, max_size: int) -> tuple[int, int]:
    """The size an image of `width` x `height` is scaled to so both sides are <= max_size."""
    if max(width, height) <= max_size:
        return width, height
    if _is_pot(width) and _is_pot(height):
        while max(width, height) > max_size:
            width, height = max(1, width // 2), max(1, height // 2)
        return width, height
    longest = 1 << (max_size.bit_length() - 1)  # the largest power of two <= max_size
    scale = longest / max(width, height)
    if width >= height:
        return longest, max(1, round(height * scale))
    return max(1, round(width * scale)), longest


def fit_textures(parts: GlbParts, max_size: int | None) -> TextureReport:
    """Downscale (in `parts`) every PNG or JPEG image larger than `max_size` on either side."""
    images: list[dict[str, Any]] = parts.document.get("images", [])
    if max_size is None:
        return TextureReport(max_size=None, images=len(images))
    changes: list[TextureChange] = []
    kept: list[str] = []
    new_views: dict[int, int] = {}  # old view -> view holding the downscaled image
    for index, image in enumerate(images):
        view = image.get("bufferView")
        if not isinstance(view, int):
            continue
        if view in new_views:  # several images share one view: already done
            image["bufferView"] = new_views[view]
            continue
        data = parts.views[view]
        if not isinstance(data, bytes):
            continue
        media_type = image.get("mimeType") or _sniff(data) or "unknown"
        label = f"images[{index}]" + (f" ({image['name']})" if image.get("name") else "")
        with _opened(data, label, parts) as opened:
            if opened is None:
                continue  # not an image Pillow reads: not ours to judge (the validator's)
            size = opened.size
            if max(size) <= max_size:
                continue
            if media_type not in _FORMATS:
                kept.append(f"{label}: {size[0]}x{size[1]} {media_type} cannot be downscaled")
                continue
            new_size = target_size(size[0], size[1], max_size)
            encoded = _resize(opened, new_size, _FORMATS[media_type], label, parts)
        if view in views_used_by_geometry(parts.document):  # shared: keep it, add a new one
            parts.document["bufferViews"].append({"buffer": 0, "byteLength": len(encoded)})
            parts.views.append(encoded)
            new_views[view] = len(parts.views) - 1
        else:
            parts.views[view] = encoded
            new_views[view] = view
        image["bufferView"] = new_views[view]
        image["mimeType"] = media_type
        changes.append(
            TextureChange(
                image=index,
                name=image.get("name"),
                media_type=media_type,
                size_before=size,
                size_after=new_size,
                bytes_before=len(data),
                bytes_after=len(encoded),
            )
        )
    return TextureReport(
        max_size=max_size, images=len(images), resized=changes, oversized_kept=kept
    )


# ---------------------------------------------------------------------------------------------


def _is_pot(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


class _opened:
    """`with _opened(data, ...) as image`: the image Pillow opens lazily (None if it cannot)."""

    def __init__(self, data: bytes, label: str, parts: GlbParts) -> None:
        self._data, self._label, self._parts = data, label, parts
        self._image: Image.Image | None = None

    def __enter__(self) -> Image.Image | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                self._image = Image.open(io.BytesIO(self._data))
        except Image.DecompressionBombError as exc:
            raise ModelError(f"{self._label}: {exc}", path=self._parts.path) from None
        except (OSError, ValueError, SyntaxError):
            return None
        return self._image

    def __exit__(self, *exc: object) -> None:
        if self._image is not None:
            self._image.close()


def _resize(
    image: Image.Image, size: tuple[int, int], fmt: str, label: str, parts: GlbParts
) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
        if fmt == "JPEG":
            wanted = "L" if image.mode in ("1", "L") else "RGB"
        else:
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if image.mode in ("1", "L", "I;16", "I"):
                wanted = "L"
            else:
                wanted = "RGBA" if has_alpha else "RGB"
            if image.mode == "LA":
                wanted = "LA"
        converted = image if image.mode == wanted else image.convert(wanted)
        resized = converted.resize(size, Image.Resampling.LANCZOS)
        resized.info = {}  # no ICC profile, EXIF, text, gamma or DPI is written
        out = io.BytesIO()
        if fmt == "PNG":
            resized.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL, optimize=False)
        else:
            resized.save(
                out,
                format="JPEG",
                quality=JPEG_QUALITY,
                subsampling=2,
                optimize=True,
                progressive=False,
            )
    except (OSError, ValueError) as exc:
        raise ModelError(f"{label}: cannot downscale the image: {exc}", path=parts.path) from exc
    return out.getvalue()
