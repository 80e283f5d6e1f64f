"""Image headers (PNG, JPEG, WebP): format, size, channels and bit depth, read without decoding
pixels, with the reference's image issues (unexpected end, invalid data, unsupported features)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["ImageHeader", "read_image_header"]

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


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


_PNG_LENGTHS = {b"IHDR": 13, b"cHRM": 32, b"sRGB": 1, b"pHYs": 9, b"gAMA": 4}
_SRGB_CHROMATICITIES = (31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)
_PNG_FORMATS = {0: "luminance", 2: "rgb", 3: "rgb", 4: "luminance-alpha", 6: "rgba"}


def _png(data: bytes) -> ImageHeader:
    """The header as the reference reads it: chunks up to the first IDAT, the fixed-size ones
    checked for their length, the colour space from sRGB, iCCP, cHRM and gAMA."""
    h = ImageHeader(mime_type="image/png")
    h.primaries = h.transfer = "unset"
    pos = 8
    ihdr: bytes | None = None
    transparency = False
    while True:
        if pos + 8 > len(data):
            h.error = "EOS"
            return h
        length, ctype = struct.unpack_from(">I4s", data, pos)
        if _PNG_LENGTHS.get(ctype, length) != length:
            h.error = "Wrong chunk length."
            return h
        if ctype == b"IDAT":
            break
        body_start = pos + 8
        if body_start + length + 4 > len(data):
            h.error = "EOS"
            return h
        body = data[body_start : body_start + length]
        if ctype == b"IHDR":
            ihdr = body
        elif ctype == b"tRNS":
            transparency = True
        elif ctype == b"iCCP":
            h.primaries = h.transfer = "custom"
        elif ctype == b"sRGB":
            h.primaries = h.transfer = "srgb"
        elif ctype == b"cHRM" and h.primaries == "unset":
            srgb = struct.unpack(">8I", body) == _SRGB_CHROMATICITIES
            h.primaries = "srgb" if srgb else "custom"
        elif ctype == b"gAMA" and h.transfer == "unset":
            gamma = struct.unpack(">I", body)[0]
            h.transfer = {45455: "srgb", 100000: "linear"}.get(gamma, "custom")
        elif ctype == b"pHYs":
            ppx, ppy = struct.unpack_from(">II", body, 0)
            if ppx != ppy:
                h.unsupported_features = True
        pos = body_start + length + 4
    if ihdr is None:
        h.error = "PNG header not found."
        return h
    h.width, h.height, h.bits, color_type = struct.unpack_from(">IIBB", ihdr, 0)
    h.format = _PNG_FORMATS.get(color_type)
    if transparency and color_type in (0, 2, 3):
        h.format = "luminance-alpha" if color_type == 0 else "rgba"
    h.primaries = "srgb" if h.primaries == "unset" else h.primaries
    h.transfer = "srgb" if h.transfer == "unset" else h.transfer
    if h.primaries == "custom" or h.transfer == "custom":
        h.unsupported_features = True
    return h


def _jpeg(data: bytes) -> ImageHeader:
    h = ImageHeader(mime_type="image/jpeg")
    h.primaries = h.transfer = "unset"  # the reference does not read a JPEG's colour space
    pos = 2
    while True:
        while (
            pos < len(data) and data[pos] == 0xFF and pos + 1 < len(data) and data[pos + 1] == 0xFF
        ):
            pos += 1
        if pos + 2 > len(data):
            h.error = "EOS"
            return h
        if data[pos] != 0xFF:
            h.error = "Invalid JPEG marker."
            return h
        marker = data[pos + 1]
        pos += 2
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        if marker == 0xD9:
            h.error = "EOS"
            return h
        if pos + 2 > len(data):
            h.error = "EOS"
            return h
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2:
            h.error = "Invalid JPEG marker segment length."
            return h
        if marker in _JPEG_SOF:
            if length < 8 or pos + 8 > len(data):
                h.error = "EOS" if pos + 8 > len(data) else "Invalid JPEG marker segment length."
                return h
            bits, height, width, comps = struct.unpack_from(">BHHB", data, pos + 2)
            h.bits, h.width, h.height = bits, width, height
            h.format = {1: "luminance", 3: "rgb"}.get(comps)
            if width == 0 or height == 0:
                h.error = "Invalid JPEG image dimensions."
            return h
        pos += length


def _webp(data: bytes) -> ImageHeader:
    h = ImageHeader(mime_type="image/webp")
    if len(data) < 30:
        h.error = "EOS"
        return h
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            h.error = "Invalid WebP VP8 header."
            return h
        w, hh = struct.unpack_from("<HH", data, 26)
        h.width, h.height = w & 0x3FFF, hh & 0x3FFF
        h.format, h.bits = "rgb", 8
    elif chunk == b"VP8L":
        if data[20] != 0x2F:
            h.error = "Invalid WebP VP8L header."
            return h
        bits = int.from_bytes(data[21:25], "little")
        h.width = (bits & 0x3FFF) + 1
        h.height = ((bits >> 14) & 0x3FFF) + 1
        h.format = "rgba" if (bits >> 28) & 1 else "rgb"
        h.bits = 8
    elif chunk == b"VP8X":
        flags = data[20]
        h.width = int.from_bytes(data[24:27], "little") + 1
        h.height = int.from_bytes(data[27:30], "little") + 1
        h.format = "rgba" if flags & 0x10 else "rgb"
        h.bits = 8
        if flags & 0x20:  # ICC profile
            h.primaries = h.transfer = "custom"
        if flags & 0x02 or flags & 0x20:  # animation, ICC profile
            h.unsupported_features = True
    else:
        h.error = "Invalid WebP chunk."
    return h


def read_image_header(data: bytes) -> ImageHeader | None:
    """Parse the header of PNG/JPEG/WebP data; None when the format is not recognised."""
    if data.startswith(_PNG_SIG):
        return _png(data)
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg(data)
    if len(data) >= 16 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None
