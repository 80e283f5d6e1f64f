"""Images, textures and materials: references and the material extensions' rules (second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.link.linker import Linker
from content_tools.validate.gltf.objects import Image, Material, Texture


def link_image(lk: Linker, img: Image) -> None:
    bv = lk.resolve(lk.doc.buffer_views, img.buffer_view_index, name="bufferView")
    if bv is None:
        return
    img.buffer_view = bv
    lk.use_unstrided_view(bv, "Image", "bufferView", "IMAGE_BUFFER_VIEW_WITH_BYTESTRIDE")


def link_texture(lk: Linker, tex: Texture) -> None:
    lk.resolve(lk.doc.samplers, tex.sampler_index, name="sampler")
    tex.source = lk.resolve(lk.doc.images, tex.source_index, name="source")
    for name in ("EXT_texture_webp", "KHR_texture_basisu"):
        ext = tex.extensions.get(name)
        if isinstance(ext, ExtObject):
            src = ext.values.get("source", -1)
            lk.resolve(lk.doc.images, src, pointer=f"{ext.pointer}/source")


def link_material(lk: Linker, mat: Material) -> None:
    ctx = lk.ctx
    for ref in mat.textures:
        lk.resolve(lk.doc.textures, ref.index, pointer=f"{ref.pointer}/index")
    exts = mat.extensions
    normal_tc = mat.normal_texture.tex_coord if mat.normal_texture else None
    # These textures must use the normal texture's texCoord.
    for name, texture, code in (
        (
            "KHR_materials_anisotropy",
            "anisotropyTexture",
            "KHR_MATERIALS_ANISOTROPY_ANISOTROPY_TEXTURE_TEXCOORD",
        ),
        (
            "KHR_materials_clearcoat",
            "clearcoatNormalTexture",
            "KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD",
        ),
    ):
        ext = exts.get(name)
        if isinstance(ext, ExtObject) and normal_tc is not None:
            tc = ext.values.get("texcoord")
            if tc is not None and tc != normal_tc:
                ctx.add(code, pointer=f"{ext.pointer}/{texture}")
    # The reference's material keeps every extension it does not load (undeclared ones too)
    # with its JSON object: those count as present.
    unsupported: list[str] = exts.get("_unsupported", [])
    disp = exts.get("KHR_materials_dispersion")
    volume_present = "KHR_materials_volume" in exts or "KHR_materials_volume" in unsupported
    if isinstance(disp, ExtObject) and not volume_present:
        ctx.add("KHR_MATERIALS_DISPERSION_NO_VOLUME", pointer=disp.pointer)
    strength = exts.get("KHR_materials_emissive_strength")
    if (
        isinstance(strength, ExtObject)
        and strength.values.get("strength", 0) > 0
        and mat.emissive_zero
    ):
        ctx.add("KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR", pointer=strength.pointer)
    volume = exts.get("KHR_materials_volume")
    if isinstance(volume, ExtObject):
        # the reference gives an extension it does not know the benefit of the doubt
        if "KHR_materials_transmission" not in exts and not unsupported:
            ctx.add("KHR_MATERIALS_VOLUME_NO_TRANSMISSION", pointer=volume.pointer)
        if mat.double_sided and volume.values.get("thickness", 0) > 0:
            ctx.add("KHR_MATERIALS_VOLUME_DOUBLE_SIDED", pointer=volume.pointer)
