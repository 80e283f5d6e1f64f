"""Our own checks (codes `VR_KTX2_*`, not the reference's) of how KTX2 textures
(KHR_texture_basisu) are used, which the reference cannot make since it reads no KTX2 image:

- `VR_KTX2_MIPMAPS_MISSING`: a texture sampled with mipmaps (its sampler's minFilter is one of
  the four *_MIPMAP_* filters, or is left to the loader, which picks mipmaps in three.js) whose
  KTX2 image does not hold the full chain. The extension asks for it (a SHOULD); a loader
  cannot make mips for a block-compressed format, so the texture shimmers at a distance or is
  incomplete (black) on WebGL.
- `VR_KTX2_COLOR_SPACE_MISMATCH`: a material slot that holds colour (base colour, emissive,
  sheen and specular colour, the specular-glossiness textures: `ktx2.COLOUR_SLOTS`) whose KTX2
  image's data format descriptor has the linear transfer function, or a slot that holds data
  (normal, metallic-roughness, occlusion and the others) whose image is marked sRGB. The GPU
  decodes sRGB data when it samples, so the first is shown washed out and the second bends the
  normals and lowers roughness and metalness.

Both are warnings at the texture (mipmaps) or the material's texture info (colour space).
"""

from __future__ import annotations

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.images import ImageHeader
from content_tools.validate.gltf.ktx2 import COLOUR_SLOTS, KTX2_MEDIA_TYPE
from content_tools.validate.gltf.link.linker import lookup
from content_tools.validate.gltf.objects import Document, Texture

__all__ = ["MIPMAP_MIN_FILTERS", "check_ktx2_use", "min_filter"]

BASISU = "KHR_texture_basisu"
MIPMAP_MIN_FILTERS = {
    9984: "NEAREST_MIPMAP_NEAREST",
    9985: "LINEAR_MIPMAP_NEAREST",
    9986: "NEAREST_MIPMAP_LINEAR",
    9987: "LINEAR_MIPMAP_LINEAR",
}
_EFFECT = {
    "srgb": "it would be shown washed out (its colours read as linear)",
    "linear": "its values would be decoded as colour (normals bent, roughness, metalness and "
    "occlusion darkened)",
}


def min_filter(doc: Document, texture: Texture) -> int | None:
    """The texture's minFilter when it samples with mipmaps (-1: none given, the loader's
    default, which is mipmapped), None when it does not (LINEAR or NEAREST)."""
    sampler = lookup(doc.samplers, texture.sampler_index)
    found = -1 if sampler is None else sampler.min_filter
    return found if found == -1 or found in MIPMAP_MIN_FILTERS else None


def full_chain(header: ImageHeader) -> int:
    """The levels of a full mip chain for the image's size (down to 1x1)."""
    return max(header.width or 1, header.height or 1, 1).bit_length()


def _ktx2_textures(
    doc: Document, headers: dict[int, ImageHeader]
) -> dict[int, tuple[Texture, int, ImageHeader]]:
    """Texture index -> (the texture, its KHR_texture_basisu source, that readable KTX2
    image's header)."""
    found: dict[int, tuple[Texture, int, ImageHeader]] = {}
    for texture in doc.textures:
        ext = None if texture is None else texture.extensions.get(BASISU)
        if texture is None or not isinstance(ext, ExtObject):
            continue
        source = ext.values.get("source", -1)
        header = headers.get(source)
        if header is None or header.error is not None or header.mime_type != KTX2_MEDIA_TYPE:
            continue
        if header.levels is not None:
            found[texture.index] = (texture, source, header)
    return found


def check_ktx2_use(doc: Document, ctx: Ctx, headers: dict[int, ImageHeader]) -> None:
    if BASISU not in ctx.extensions_loaded:
        return
    textures = _ktx2_textures(doc, headers)
    for index, (texture, source, header) in textures.items():
        mipmap_filter = min_filter(doc, texture)
        if mipmap_filter is None:
            continue
        stored, wanted = max(header.levels or 0, 1), full_chain(header)  # levelCount 0: one
        if stored < wanted:
            how = MIPMAP_MIN_FILTERS.get(mipmap_filter, "no minFilter: the loader's default")
            ctx.add(
                "VR_KTX2_MIPMAPS_MISSING",
                source,
                stored,
                wanted,
                Raw(how),
                pointer=f"/textures/{index}",
            )
    for material in doc.materials:
        for ref in [] if material is None else material.textures:
            if ref.index not in textures:
                continue
            _, source, header = textures[ref.index]
            slot = ref.pointer.rsplit("/", 1)[-1]
            wanted_transfer = "srgb" if slot in COLOUR_SLOTS else "linear"
            if header.transfer == wanted_transfer:
                continue
            ctx.add(
                "VR_KTX2_COLOR_SPACE_MISMATCH",
                slot,
                Raw("colour (sRGB)" if wanted_transfer == "srgb" else "data (linear)"),
                source,
                header.transfer,
                Raw(_EFFECT[wanted_transfer]),
                wanted_transfer,
                pointer=ref.pointer,
            )
