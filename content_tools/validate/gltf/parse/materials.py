"""Images, samplers, textures and materials: the first pass."""

from __future__ import annotations

import math
from typing import Any

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import parse_extensions, parse_texture_info
from content_tools.validate.gltf.objects import Image, Material, Sampler, Texture
from content_tools.validate.gltf.parse.common import check_uri, named
from content_tools.validate.gltf.schema import (
    check_members,
    get_bool,
    get_extras,
    get_float,
    get_float_list,
    get_index,
    get_map,
    get_string,
    get_uint,
)

IMAGE_MIME_TYPES = ("image/jpeg", "image/png", "image/webp", "image/ktx2")


def _sniff_mime(data: bytes) -> str | None:
    """The image type of a data URI's content, by its first 14 bytes, as the reference tells."""
    if len(data) < 14:
        return None
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:14] == b"WEBPVP":
        return "image/webp"
    if data[:12] == b"\xabKTX 20\xbb\r\n\x1a\n":
        return "image/ktx2"
    return None


def parse_image(i: int, m: dict[str, Any], ctx: Ctx, allowed_mimes: tuple[str, ...]) -> Image:
    check_members(m, ("bufferView", "mimeType", "uri", "name"), ctx)
    img = Image(i)
    img.buffer_view_index = get_index(m, "bufferView", ctx, req=False)
    img.mime_type = get_string(m, "mimeType", ctx, allowed=allowed_mimes)
    img.declared_mime = img.mime_type
    uri = get_string(m, "uri", ctx)
    if img.buffer_view_index != -1:
        if img.mime_type is None:  # absent or not a string
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("mimeType"), name="bufferView")
        if uri is not None:
            ctx.add("ONE_OF_MISMATCH", ("bufferView", "uri"))
            check_uri(uri, ctx)  # the reference checks it, then reads the buffer view
        img.storage = "buffer-view"
    elif uri is not None:
        img.uri = uri
        img.uri_ok, data = check_uri(uri, ctx)
        if data is not None and _sniff_mime(data.data) != data.mime_type.lower():
            detail = Raw("The declared mediatype does not match the embedded content.")
            ctx.add("INVALID_URI", uri, detail, name="uri")
            img.uri_ok, data = False, None
        if data is not None:
            img.data = data.data
            img.storage = "data-uri"
            if img.mime_type is None and data.mime_type in IMAGE_MIME_TYPES:
                img.mime_type = data.mime_type
        elif uri[:5].lower() != "data:":
            img.storage = "external"
    else:
        ctx.add("ONE_OF_MISMATCH", ("bufferView", "uri"))
    return named(img, m, "image", ctx)


def parse_sampler(i: int, m: dict[str, Any], ctx: Ctx) -> Sampler:
    check_members(m, ("magFilter", "minFilter", "wrapS", "wrapT", "name"), ctx)
    get_uint(m, "magFilter", ctx, allowed=(9728, 9729))
    min_filter = get_uint(m, "minFilter", ctx, allowed=(9728, 9729, 9984, 9985, 9986, 9987))
    get_uint(m, "wrapS", ctx, allowed=(33071, 33648, 10497))
    get_uint(m, "wrapT", ctx, allowed=(33071, 33648, 10497))
    return named(Sampler(i, min_filter=min_filter), m, "sampler", ctx)


def parse_texture(i: int, m: dict[str, Any], ctx: Ctx) -> Texture:
    check_members(m, ("sampler", "source", "name"), ctx)
    t = Texture(i)
    t.sampler_index = get_index(m, "sampler", ctx, req=False)
    t.source_index = get_index(m, "source", ctx, req=False)
    return named(t, m, "texture", ctx)


def parse_material(i: int, m: dict[str, Any], ctx: Ctx) -> Material:
    check_members(
        m,
        (
            "pbrMetallicRoughness",
            "normalTexture",
            "occlusionTexture",
            "emissiveTexture",
            "emissiveFactor",
            "alphaMode",
            "alphaCutoff",
            "doubleSided",
            "name",
        ),
        ctx,
    )
    mat = Material(i)
    pbr = get_map(m, "pbrMetallicRoughness", ctx)
    if pbr and isinstance(m.get("pbrMetallicRoughness"), dict):
        with ctx.at("pbrMetallicRoughness"):
            check_members(
                pbr,
                (
                    "baseColorFactor",
                    "baseColorTexture",
                    "metallicFactor",
                    "roughnessFactor",
                    "metallicRoughnessTexture",
                ),
                ctx,
            )
            get_float_list(pbr, "baseColorFactor", ctx, lengths=(4,), min=0.0, max=1.0)
            ref = parse_texture_info(pbr, "baseColorTexture", ctx)
            if ref:
                mat.textures.append(ref)
            get_float(pbr, "metallicFactor", ctx, min=0.0, max=1.0)
            get_float(pbr, "roughnessFactor", ctx, min=0.0, max=1.0)
            ref = parse_texture_info(pbr, "metallicRoughnessTexture", ctx)
            if ref:
                mat.textures.append(ref)
            parse_extensions(pbr, "pbrMetallicRoughness", ctx)
            get_extras(pbr, ctx)
    mat.normal_texture = parse_texture_info(m, "normalTexture", ctx, "normalTextureInfo")
    if mat.normal_texture:
        mat.textures.append(mat.normal_texture)
    ref = parse_texture_info(m, "occlusionTexture", ctx, "occlusionTextureInfo")
    if ref:
        mat.textures.append(ref)
    ref = parse_texture_info(m, "emissiveTexture", ctx)
    if ref:
        mat.textures.append(ref)
    mat.emissive_factor = get_float_list(m, "emissiveFactor", ctx, lengths=(3,), min=0.0, max=1.0)
    # Zero for KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR: absent, or three zeros (the
    # reference does not warn about a factor it could not read).
    raw = m.get("emissiveFactor", [0, 0, 0])
    mat.emissive_zero = isinstance(raw, list) and len(raw) == 3 and all(v == 0 for v in raw)
    mode = get_string(m, "alphaMode", ctx, allowed=("OPAQUE", "MASK", "BLEND"), default="OPAQUE")
    mat.alpha_mode = mode or "OPAQUE"
    cutoff = get_float(m, "alphaCutoff", ctx, min=0.0)
    if not math.isnan(cutoff) and mat.alpha_mode != "MASK":
        ctx.add("MATERIAL_ALPHA_CUTOFF_INVALID_MODE", name="alphaCutoff")
    mat.double_sided = get_bool(m, "doubleSided", ctx)
    return named(mat, m, "material", ctx, owner=mat)
