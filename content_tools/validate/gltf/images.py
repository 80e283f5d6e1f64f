"""Image headers (PNG, JPEG, WebP): format, size, channels and bit depth, read without decoding
pixels, the way the reference's stream readers read them, with its image issues (unexpected
end, invalid data, unsupported features: colour space, non-square pixels, animation).

The reference recognises an image by its first 14 bytes, then reads a PNG chunk by chunk up to
the first IDAT, a JPEG segment by segment up to the first start-of-frame, and a WebP's first 30
bytes; what lies beyond is not looked at (no checksums, no pixel data).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["ImageHeader", "read_image_header"]

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_PNG_LENGTHS = {b"IHDR": 13, b"cHRM": 32, b"sRGB": 1, b"pHYs": 9, b"gAMA": 4}
"""Chunks whose length the reference checks ("Wrong chunk length.")."""
_SRGB_CHRM = (31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)
_EOS = "EOS"


@dataclass(slots=True)
class ImageHeader:
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    bits: int | None = None
    primaries: str = "srgb"
    transfer: str = "srgb"
    unsupported_features: bool = False
    error: str | None = None
    """IMAGE_DATA_INVALID's detail, or "EOS" for IMAGE_UNEXPECTED_EOS."""
    gpu_bytes: int | None = None
    """GPU memory of a block-compressed (KTX2) image as the headset holds it; None for an
    image decoded to RGBA8."""
    levels: int | None = None
    """A KTX2 image's levelCount as stored (0: none, the loader would have to make them);
    None for an image the GPU gets its mips made for (PNG, JPEG, WebP)."""


def _png(data: bytes) -> ImageHeader:
    h = ImageHeader(mime_type="image/png")
    pos = 8
    alpha = False
    primaries: str | None = None
    transfer: str | None = None
    non_square = False
    ihdr: bytes | None = None
    while True:
        if pos + 8 > len(data):
            h.error = _EOS
            return h
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind in _PNG_LENGTHS and length != _PNG_LENGTHS[kind]:
            h.error = "Wrong chunk length."
            return h
        if kind == b"IDAT":
            break
        if kind == b"tRNS":
            alpha = True
        elif kind == b"iCCP":
            primaries = transfer = "custom"
        body = data[pos + 8 : pos + 8 + length]
        if len(body) < length or pos + 12 + length > len(data):
            h.error = _EOS
            return h
        if kind == b"IHDR":
            ihdr = body
        elif kind == b"sRGB":
            primaries = transfer = "srgb"
        elif kind == b"cHRM" and primaries is None:
            srgb = struct.unpack(">8I", body) == _SRGB_CHRM
            primaries = "srgb" if srgb else "custom"
        elif kind == b"gAMA" and transfer is None:
            gamma = struct.unpack(">I", body)[0]
            transfer = {45455: "srgb", 100000: "linear"}.get(gamma, "custom")
        elif kind == b"pHYs":
            x, y = struct.unpack_from(">II", body, 0)
            non_square = non_square or x != y
        pos += 12 + length
    if ihdr is None:
        # The reference reports "PNG header not found." and then fails itself.
        h.error = "PNG header not found."
        return h
    width, height, depth, color = struct.unpack_from(">IIBB", ihdr, 0)
    h.width, h.height, h.bits = width, height, depth
    h.format = {
        0: "luminance-alpha" if alpha else "luminance",
        2: "rgba" if alpha else "rgb",
        3: "rgba" if alpha else "rgb",
        4: "luminance-alpha",
        6: "rgba",
    }.get(color)
    h.primaries, h.transfer = primaries or "srgb", transfer or "srgb"
    h.unsupported_features = h.primaries == "custom" or h.transfer == "custom" or non_square
    return h


def _is_marker(byte: int) -> bool:
    """A JPEG marker that starts a segment with a length (not a fill, RSTn, SOI or EOI)."""
    return not (byte == 0x01 or byte & 0xF8 == 0xD0 or byte in (0xD8, 0xD9, 0xFF))


def _is_sof(marker: int) -> bool:
    return (marker & 0xF0 == 0xC0 and marker not in (0xC4, 0xC8, 0xCC)) or marker == 0xDE


def _jpeg(data: bytes) -> ImageHeader:
    h = ImageHeader(mime_type="image/jpeg")
    h.primaries = h.transfer = "unset"  # the reference does not read a JPEG's colour space
    pos = 1  # the first byte is 0xFF (how the image was recognised)
    while True:
        while pos < len(data) and not _is_marker(data[pos]):
            pos += 1
        if pos + 3 > len(data):
            h.error = _EOS
            return h
        marker = data[pos]
        (length,) = struct.unpack_from(">H", data, pos + 1)
        if length < 2:
            h.error = "Invalid JPEG marker segment length."
            return h
        body = data[pos + 3 : pos + 1 + length]
        if len(body) < length - 2:
            h.error = _EOS
            return h
        if _is_sof(marker):
            break
        pos += 1 + length
    if len(body) < 6 or body[5] not in (1, 3):
        h.error = "Invalid number of JPEG color channels."
        return h
    bits, height, width, channels = struct.unpack_from(">BHHB", body, 0)
    h.bits, h.width, h.height = bits, width, height
    h.format = "luminance" if channels == 1 else "rgb"
    return h


def _webp(data: bytes) -> ImageHeader:
    h = ImageHeader(mime_type="image/webp")
    head = data[:30]
    if len(head) < 25 or (len(head) < 30 and head[15] != ord("L")):
        h.error = _EOS
        return h
    if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        h.error = "Wrong WebP header."
        return h
    kind = head[12:16]
    h.bits, h.format = 8, "rgb"
    if kind == b"VP8 ":
        w, hh = struct.unpack_from("<HH", head, 26)
        h.width, h.height = w & 0x3FFF, hh & 0x3FFF
    elif kind == b"VP8L":
        h.width = 1 + (head[21] | (head[22] & 0x3F) << 8)
        h.height = 1 + (head[22] >> 6 | head[23] << 2 | (head[24] & 0x0F) << 10)
        h.format = "rgba" if head[24] & 0x10 else "rgb"
    elif kind == b"VP8X":
        flags = head[20]
        h.width = int.from_bytes(head[24:27], "little") + 1
        h.height = int.from_bytes(head[27:30], "little") + 1
        h.format = "rgba" if flags & 0x10 else "rgb"
        if flags & 0x20:  # an ICC profile
            h.primaries = h.transfer = "custom"
        h.unsupported_features = bool(flags & 0x20 or flags & 0x02)  # ICC, animation
    else:
        h.error = "Wrong WebP header."
    return h


def read_image_header(data: bytes) -> ImageHeader | None:
    """Parse the header of PNG/JPEG/WebP data; None when the reference does not recognise the
    format (by the first 14 bytes: JPEG, PNG, WebP; KTX2 and anything else are not read)."""
    if len(data) < 14:
        return None
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg(data)
    if data[:8] == _PNG_SIG:
        return _png(data)
    if data[:4] == b"RIFF" and data[8:14] == b"WEBPVP":
        return _webp(data)
    return None
