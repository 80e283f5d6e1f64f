"""KTX2 images (`image/ktx2`, the KHR_texture_basisu extension): the header and data format
descriptor, read without decoding any pixels, what the extension requires of them, and the
GPU memory they take once transcoded on a Quest.

The reference validator (npm gltf-validator 2.0.0-dev.3.10) does not know KHR_texture_basisu
(it reports UNSUPPORTED_EXTENSION and reads no KTX2 image); these checks follow the
extension's specification (KhronosGroup/glTF, extensions/2.0/Khronos/KHR_texture_basisu):
a 2D image (pixelDepth 0, layerCount 0, faceCount 1), vkFormat VK_FORMAT_UNDEFINED, Basis
Universal data (ETC1S with BasisLZ supercompression, or UASTC with none or Zstandard), width
and height multiples of 4, sRGB or linear transfer, and a full mip chain when it is sampled with
mipmaps (a SHOULD: a warning).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from content_tools.validate.gltf.images import ImageHeader

__all__ = [
    "COLOUR_SLOTS",
    "KTX2_MEDIA_TYPE",
    "KTX2_SIGNATURE",
    "Ktx2Header",
    "basisu_image_header",
    "gpu_bytes",
    "is_ktx2",
    "problems",
    "read_ktx2_header",
]

KTX2_MEDIA_TYPE = "image/ktx2"
KTX2_SIGNATURE = b"\xabKTX 20\xbb\r\n\x1a\n"
_HEADER = struct.Struct("<12s9I4I2Q")
"""identifier, vkFormat, typeSize, pixelWidth, pixelHeight, pixelDepth, layerCount,
faceCount, levelCount, supercompressionScheme; dfd offset/length, kvd offset/length (u32);
sgd offset/length (u64)."""
_LEVEL = struct.Struct("<3Q")

MODEL_ETC1S = 163
MODEL_UASTC = 166
SUPERCOMPRESSION = {0: "none", 1: "basislz", 2: "zstd", 3: "zlib"}
TRANSFER = {1: "linear", 2: "srgb"}
_ETC1S_ALPHA_CHANNEL = 15  # KHR_DF_CHANNEL_ETC1S_AAA
_UASTC_RGBA = 3  # KHR_DF_CHANNEL_UASTC_RGBA
_UASTC_RRRG = 5

COLOUR_SLOTS = frozenset(
    {
        "baseColorTexture",
        "emissiveTexture",
        "sheenColorTexture",
        "specularColorTexture",
        "diffuseTexture",  # KHR_materials_pbrSpecularGlossiness: both of its textures are sRGB
        "specularGlossinessTexture",
    }
)
"""textureInfo members (core and extensions) whose texture holds colour, sampled as sRGB;
every other one holds data (normals, metallic-roughness, occlusion...), sampled as linear."""


@dataclass(frozen=True, slots=True)
class Ktx2Header:
    width: int
    height: int
    depth: int
    layers: int
    faces: int
    levels: int
    """levelCount as stored: 0 asks the loader to make the mips."""
    vk_format: int
    supercompression: str
    """none, basislz, zstd, zlib or unknown(N)."""
    codec: str | None
    """"etc1s", "uastc", or None for any other data format descriptor colour model."""
    transfer: str | None
    """"srgb", "linear" or None when unknown."""
    has_alpha: bool
    error: str | None = None
    """Why the file is not a readable KTX2 image (the other fields are then zeros)."""

    @property
    def full_mip_chain(self) -> bool:
        return self.levels == max(self.width, self.height, 1).bit_length()


def is_ktx2(data: bytes) -> bool:
    return data[:12] == KTX2_SIGNATURE


def _broken(reason: str) -> Ktx2Header:
    return Ktx2Header(0, 0, 0, 0, 0, 0, 0, "none", None, None, False, error=reason)


def read_ktx2_header(data: bytes) -> Ktx2Header:
    """The header of a KTX2 file; `error` says what is wrong when it cannot be read (never
    raises, whatever the bytes: every offset and length is checked against the data)."""
    if not is_ktx2(data):
        return _broken("not a KTX2 file (wrong identifier)")
    if len(data) < _HEADER.size:
        return _broken("the KTX2 header is cut short")
    (_, vk_format, _, width, height, depth, layers, faces, levels, scheme) = _HEADER.unpack_from(
        data
    )[:10]
    dfd_offset, dfd_length = _HEADER.unpack_from(data)[10:12]
    index_end = _HEADER.size + _LEVEL.size * max(levels, 1)
    if index_end > len(data) or levels > 32:
        return _broken("the KTX2 level index is cut short")
    for level in range(max(levels, 1)):
        offset, length, _ = _LEVEL.unpack_from(data, _HEADER.size + level * _LEVEL.size)
        if offset + length > len(data):
            return _broken(f"KTX2 level {level} lies past the end of the image")
    codec, transfer, alpha = None, None, False
    if dfd_length < 44 or dfd_offset + dfd_length > len(data):
        return _broken("the KTX2 data format descriptor is missing or cut short")
    block = dfd_offset + 4  # after dfdTotalSize
    model, _, transfer_id = data[block + 8], data[block + 9], data[block + 10]
    block_size = struct.unpack_from("<H", data, block + 6)[0]
    samples = max(0, (min(block_size, dfd_length - 4) - 24) // 16)
    channels = [data[block + 24 + 16 * i + 3] & 0x0F for i in range(samples)]
    if model == MODEL_ETC1S:
        codec, alpha = "etc1s", _ETC1S_ALPHA_CHANNEL in channels
    elif model == MODEL_UASTC:
        codec = "uastc"
        alpha = bool(channels) and channels[0] in (_UASTC_RGBA, _UASTC_RRRG)
    transfer = TRANSFER.get(transfer_id)
    return Ktx2Header(
        width=width,
        height=height,
        depth=depth,
        layers=layers,
        faces=faces,
        levels=levels,
        vk_format=vk_format,
        supercompression=SUPERCOMPRESSION.get(scheme, f"unknown({scheme})"),
        codec=codec,
        transfer=transfer,
        has_alpha=alpha,
    )


def problems(header: Ktx2Header) -> list[str]:
    """What KHR_texture_basisu forbids in this image (MUST), each as a sentence."""
    if header.error is not None:
        return [header.error]
    found: list[str] = []
    if header.vk_format != 0:
        found.append(f"vkFormat is {header.vk_format}, not VK_FORMAT_UNDEFINED (0)")
    if header.depth != 0 or header.layers != 0 or header.faces != 1:
        found.append(
            f"not a 2D image (pixelDepth {header.depth}, layerCount {header.layers}, "
            f"faceCount {header.faces})"
        )
    if header.codec is None:
        found.append("the data is neither ETC1S nor UASTC (Basis Universal)")
    elif header.codec == "etc1s" and header.supercompression != "basislz":
        found.append(f"ETC1S data with {header.supercompression} supercompression, not BasisLZ")
    elif header.codec == "uastc" and header.supercompression not in ("none", "zstd"):
        found.append(f"UASTC data with {header.supercompression} supercompression")
    if header.width % 4 or header.height % 4 or not header.width or not header.height:
        found.append(f"{header.width}x{header.height} is not a multiple of 4 on each side")
    if header.transfer is None:
        found.append("the transfer function is neither sRGB nor linear")
    return found


def gpu_bytes(header: Ktx2Header) -> int:
    """GPU memory once transcoded on a Quest (three.js's KTX2Loader picks ASTC 4x4 for UASTC:
    1 byte a pixel; ETC1 for opaque ETC1S: 0.5; ETC2 RGBA for ETC1S with alpha: 1), blocks of
    4x4 pixels, every level the file holds (a file without mips is sampled without them)."""
    if header.error is not None or not header.width or not header.height:
        return 0
    block_bytes = 8 if header.codec == "etc1s" and not header.has_alpha else 16
    total = 0
    width, height = header.width, header.height
    for _ in range(max(header.levels, 1)):
        total += ((width + 3) // 4) * ((height + 3) // 4) * block_bytes
        width, height = max(1, width // 2), max(1, height // 2)
    return total


def basisu_image_header(data: bytes) -> ImageHeader | None:
    """A KTX2 image read as the validator's `ImageHeader` (when KHR_texture_basisu is used):
    what KHR_texture_basisu forbids in it is its IMAGE_DATA_INVALID detail; None when the data
    is not KTX2 (IMAGE_UNRECOGNIZED_FORMAT, as for any unknown format)."""
    if not is_ktx2(data):
        return None
    header = read_ktx2_header(data)
    found = problems(header)
    return ImageHeader(
        mime_type=KTX2_MEDIA_TYPE,
        width=header.width,
        height=header.height,
        format="rgba" if header.has_alpha else "rgb",
        bits=8,
        transfer=header.transfer or "custom",
        error=("KTX2: " + "; ".join(found)) if found else None,
        gpu_bytes=gpu_bytes(header),
        levels=header.levels,
    )
