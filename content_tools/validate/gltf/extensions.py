"""glTF extensions: which ones the reference validates, where each may appear, and their
schema checks. Linking checks (references, cross-property warnings) are in `link/`.

`textureInfo` (`parse_texture_info`) is read here too: it carries extensions and material
extensions carry it, so reading it and reading extensions call each other. Kept in one module,
the objects (`objects.py`) import from here and nothing here imports them back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.schema import (
    check_members,
    get_extras,
    get_float,
    get_float_list,
    get_index,
    get_indices_list,
    get_map,
    get_map_list,
    get_string,
    get_uint,
)

__all__ = [
    "REQUIRED_EXTENSIONS",
    "SUPPORTED_EXTENSIONS",
    "ExtObject",
    "parse_extensions",
]


@dataclass(eq=False)
class ExtObject:
    """A parsed extension object: its pointer and the values link.py needs."""

    name: str
    pointer: str
    values: dict[str, Any] = field(default_factory=dict)


Parser = Callable[[dict[str, Any], Ctx, Any, ExtObject], None]

_TEXINFO_KINDS = ("textureInfo",)


def _texinfo(
    ext: dict[str, Any], name: str, ctx: Ctx, owner: Any, kind: str = "textureInfo"
) -> TextureRef | None:
    ref = parse_texture_info(ext, name, ctx, kind)
    if ref is not None and owner is not None and hasattr(owner, "textures"):
        owner.textures.append(ref)
    return ref


def _factor(ext: dict[str, Any], name: str, ctx: Ctx) -> float:
    return get_float(ext, name, ctx, min=0.0, max=1.0)


# Readers of one member, for extensions whose members are each read one way (`_members`).
Reader = Callable[[dict[str, Any], str, Ctx, Any], object]


def _fraction(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> float:
    return _factor(m, name, ctx)


def _angle(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> float:
    return get_float(m, name, ctx)


def _non_negative(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> float:
    return get_float(m, name, ctx, min=0.0)


def _rgb(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> list[float] | None:
    return get_float_list(m, name, ctx, lengths=(3,), min=0.0, max=1.0)


def _rgba(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> list[float] | None:
    return get_float_list(m, name, ctx, lengths=(4,), min=0.0, max=1.0)


def _rgb_unbounded(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> list[float] | None:
    return get_float_list(m, name, ctx, lengths=(3,), min=0.0)


def _texture(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> TextureRef | None:
    return _texinfo(m, name, ctx, owner)


def _normal_texture(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> TextureRef | None:
    return _texinfo(m, name, ctx, owner, "normalTextureInfo")


def _tangent_texture(m: dict[str, Any], name: str, ctx: Ctx, owner: Any) -> TextureRef | None:
    """A texture read along the tangents (anisotropy): a tangent space is needed."""
    ref = _texinfo(m, name, ctx, owner)
    if ref is not None:
        ref.tangent_space = True
    return ref


def _members(*members: tuple[str, Reader], texcoord_of: str | None = None) -> Parser:
    """A parser for an extension whose only members are these, each read by its reader in
    this order; `texcoord_of` names the texture whose texCoord link.py checks."""
    names = tuple(name for name, _ in members)

    def parse(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
        check_members(m, names, ctx)
        read_values = {name: read(m, name, ctx, owner) for name, read in members}
        if texcoord_of is not None:
            ref = read_values[texcoord_of]
            if isinstance(ref, TextureRef):
                obj.values["texcoord"] = ref.tex_coord

    return parse


_anisotropy = _members(
    ("anisotropyStrength", _fraction),
    ("anisotropyRotation", _angle),
    ("anisotropyTexture", _tangent_texture),
    texcoord_of="anisotropyTexture",
)
_clearcoat = _members(
    ("clearcoatFactor", _fraction),
    ("clearcoatTexture", _texture),
    ("clearcoatRoughnessFactor", _fraction),
    ("clearcoatRoughnessTexture", _texture),
    ("clearcoatNormalTexture", _normal_texture),
    texcoord_of="clearcoatNormalTexture",
)
_dispersion = _members(("dispersion", _non_negative))
_spec_gloss = _members(
    ("diffuseFactor", _rgba),
    ("diffuseTexture", _texture),
    ("specularFactor", _rgb),
    ("glossinessFactor", _fraction),
    ("specularGlossinessTexture", _texture),
)
_sheen = _members(
    ("sheenColorFactor", _rgb),
    ("sheenColorTexture", _texture),
    ("sheenRoughnessFactor", _fraction),
    ("sheenRoughnessTexture", _texture),
)
_specular = _members(
    ("specularFactor", _fraction),
    ("specularTexture", _texture),
    ("specularColorFactor", _rgb_unbounded),
    ("specularColorTexture", _texture),
)
_transmission = _members(
    ("transmissionFactor", _fraction),
    ("transmissionTexture", _texture),
)
_unlit = _members()


def _emissive_strength(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("emissiveStrength",), ctx)
    obj.values["strength"] = get_float(m, "emissiveStrength", ctx, min=0.0)


def _ior(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("ior",), ctx)
    value = m.get("ior")
    if value != 0:
        get_float(m, "ior", ctx, min=1.0)


def _iridescence(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        (
            "iridescenceFactor",
            "iridescenceTexture",
            "iridescenceIor",
            "iridescenceThicknessMinimum",
            "iridescenceThicknessMaximum",
            "iridescenceThicknessTexture",
        ),
        ctx,
    )
    _factor(m, "iridescenceFactor", ctx)
    _texinfo(m, "iridescenceTexture", ctx, owner)
    get_float(m, "iridescenceIor", ctx, min=1.0)
    tmin = get_float(m, "iridescenceThicknessMinimum", ctx, min=0.0, default=100.0)
    tmax = get_float(m, "iridescenceThicknessMaximum", ctx, min=0.0, default=400.0)
    _texinfo(m, "iridescenceThicknessTexture", ctx, owner)
    has_tex = isinstance(m.get("iridescenceThicknessTexture"), dict)
    if not has_tex and "iridescenceThicknessMinimum" in m and not math.isnan(tmin):
        ctx.add(
            "KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE",
            name="iridescenceThicknessMinimum",
        )
    if has_tex and not math.isnan(tmin) and tmin == tmax:
        ctx.add(
            "KHR_MATERIALS_IRIDESCENCE_THICKNESS_TEXTURE_UNUSED",
            name="iridescenceThicknessTexture",
        )


def _volume(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        ("thicknessFactor", "thicknessTexture", "attenuationDistance", "attenuationColor"),
        ctx,
    )
    obj.values["thickness"] = get_float(m, "thicknessFactor", ctx, min=0.0, default=0.0)
    _texinfo(m, "thicknessTexture", ctx, owner)
    get_float(m, "attenuationDistance", ctx, excl_min=0.0)
    get_float_list(m, "attenuationColor", ctx, lengths=(3,), min=0.0, max=1.0)


def _texture_transform(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("offset", "rotation", "scale", "texCoord"), ctx)
    get_float_list(m, "offset", ctx, lengths=(2,))
    get_float(m, "rotation", ctx)
    get_float_list(m, "scale", ctx, lengths=(2,))
    obj.values["texCoord"] = get_uint(m, "texCoord", ctx)


def _texture_source(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("source",), ctx)
    obj.values["source"] = get_index(m, "source", ctx, req=False)


def _light_ref(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("light",), ctx)
    obj.values["light"] = get_index(m, "light", ctx)


def _list_member(
    key: str,
    read: Callable[[dict[str, Any], Ctx], dict[str, Any]],
    *,
    list_when_absent: bool = False,
) -> Parser:
    """A parser for an extension whose one member `key` is an array of objects: stores what
    `read` returns for each (called at the item's pointer) in values[key]; None (or [] with
    `list_when_absent`) when the array is absent or unusable."""

    def parse(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
        check_members(m, (key,), ctx)
        items = get_map_list(m, key, ctx)
        if items is None:
            obj.values[key] = [] if list_when_absent else None
        else:
            obj.values[key] = [read(item, ctx) for _i, item in ctx.each(key, items)]

    return parse


def _light(lm: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    check_members(lm, ("color", "intensity", "spot", "type", "range", "name"), ctx)
    get_float_list(lm, "color", ctx, lengths=(3,), min=0.0, max=1.0)
    get_float(lm, "intensity", ctx, min=0.0)
    ltype = get_string(lm, "type", ctx, req=True, allowed=("directional", "point", "spot"))
    if ltype == "spot":
        spot = get_map(lm, "spot", ctx, req=True)
        if spot is not None:
            with ctx.at("spot"):
                check_members(spot, ("innerConeAngle", "outerConeAngle"), ctx)
                inner = get_float(
                    spot,
                    "innerConeAngle",
                    ctx,
                    min=0.0,
                    excl_max=math.pi / 2,
                    default=0.0,
                )
                outer = get_float(
                    spot,
                    "outerConeAngle",
                    ctx,
                    excl_min=0.0,
                    max=math.pi / 2,
                    default=math.pi / 4,
                )
                if not math.isnan(inner) and not math.isnan(outer) and outer <= inner:
                    ctx.add(
                        "KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES",
                        inner,
                        outer,
                        name="outerConeAngle",
                    )
                get_extras(spot, ctx)
    elif "spot" in lm:
        ctx.add("EXTRA_PROPERTY", name="spot")
    light_range = get_float(lm, "range", ctx, excl_min=0.0)
    if ltype == "directional" and not math.isnan(light_range):
        ctx.add("EXTRA_PROPERTY", name="range")
    get_string(lm, "name", ctx)
    parse_extensions(lm, "light", ctx)
    get_extras(lm, ctx)
    return {"pointer": ctx.pointer(), "used": False}


def _variant(vm: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    check_members(vm, ("name",), ctx)
    get_string(vm, "name", ctx, req=True)
    parse_extensions(vm, "variant", ctx)
    get_extras(vm, ctx)
    return {"pointer": ctx.pointer(), "used": False}


def _mapping(mm: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    check_members(mm, ("variants", "material", "name"), ctx)
    variants = get_indices_list(mm, "variants", ctx, req=True)
    material = get_index(mm, "material", ctx)
    get_string(mm, "name", ctx)
    get_extras(mm, ctx)
    return {"pointer": ctx.pointer(), "variants": variants, "material": material}


_lights_root = _list_member("lights", _light)
_variants_root = _list_member("variants", _variant)
_variants_primitive = _list_member("mappings", _mapping, list_when_absent=True)


_POINTER_RE = re.compile(r"^(?:\/(?:[^/~]|~0|~1)*)*$")


def _animation_pointer(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("pointer",), ctx)
    obj.values["pointer"] = get_string(m, "pointer", ctx, req=True, pattern=_POINTER_RE)
    ctx.add("INCOMPLETE_EXTENSION_SUPPORT")


_MATERIAL_EXTS: dict[str, Parser] = {
    "KHR_materials_anisotropy": _anisotropy,
    "KHR_materials_clearcoat": _clearcoat,
    "KHR_materials_dispersion": _dispersion,
    "KHR_materials_emissive_strength": _emissive_strength,
    "KHR_materials_ior": _ior,
    "KHR_materials_iridescence": _iridescence,
    "KHR_materials_pbrSpecularGlossiness": _spec_gloss,
    "KHR_materials_sheen": _sheen,
    "KHR_materials_specular": _specular,
    "KHR_materials_transmission": _transmission,
    "KHR_materials_unlit": _unlit,
    "KHR_materials_volume": _volume,
}

REGISTRY: dict[tuple[str, str], Parser] = {
    **{("material", name): parser for name, parser in _MATERIAL_EXTS.items()},
    ("textureInfo", "KHR_texture_transform"): _texture_transform,
    ("texture", "EXT_texture_webp"): _texture_source,
    ("texture", "KHR_texture_basisu"): _texture_source,
    ("node", "KHR_lights_punctual"): _light_ref,
    ("gltf", "KHR_lights_punctual"): _lights_root,
    ("gltf", "KHR_materials_variants"): _variants_root,
    ("primitive", "KHR_materials_variants"): _variants_primitive,
    ("animationChannelTarget", "KHR_animation_pointer"): _animation_pointer,
}

_EXCLUSIVE = frozenset({"KHR_materials_pbrSpecularGlossiness", "KHR_materials_unlit"})
"""Extensions the reference warns about (MULTIPLE_EXTENSIONS) when their object has others."""

SUPPORTED_EXTENSIONS = frozenset({name for _, name in REGISTRY} | {"KHR_mesh_quantization"})
REQUIRED_EXTENSIONS = frozenset({"KHR_mesh_quantization"})


@dataclass(eq=False)
class TextureRef:
    """A material's textureInfo."""

    pointer: str
    index: int = -1
    tex_coord: int = 0
    kind: str = "textureInfo"
    """textureInfo, normalTextureInfo (its material needs a tangent space) or
    occlusionTextureInfo."""
    extensions: dict[str, Any] = field(default_factory=dict)
    uv: int = 0
    """The TEXCOORD set the texture reads: KHR_texture_transform's texCoord overrides."""
    uv_pointer: str = ""
    """Where that set is chosen (the texture info, or its texture transform)."""
    tangent_space: bool = False
    """Its material needs a tangent space (a normal texture, an anisotropy texture)."""


def parse_texture_info(
    m: dict[str, Any], name: str, ctx: Ctx, kind: str = "textureInfo"
) -> TextureRef | None:
    tm = m.get(name)
    if name not in m:
        return None
    if not isinstance(tm, dict):
        ctx.add("TYPE_MISMATCH", tm, Raw("object"), name=name)
        return None
    with ctx.at(name):
        members = ["index", "texCoord"]
        if kind == "normalTextureInfo":
            members.append("scale")
        elif kind == "occlusionTextureInfo":
            members.append("strength")
        check_members(tm, members, ctx)
        ref = TextureRef(pointer=ctx.pointer(), kind=kind)
        ref.index = get_index(tm, "index", ctx)
        ref.tex_coord = get_uint(tm, "texCoord", ctx, default=0)
        if kind == "normalTextureInfo":
            get_float(tm, "scale", ctx)
        elif kind == "occlusionTextureInfo":
            get_float(tm, "strength", ctx, min=0.0, max=1.0)
        ref.extensions = parse_extensions(tm, "textureInfo", ctx)
        ref.uv, ref.uv_pointer = ref.tex_coord, ref.pointer
        transform = ref.extensions.get("KHR_texture_transform")
        if isinstance(transform, ExtObject) and transform.values.get("texCoord", -1) != -1:
            ref.uv, ref.uv_pointer = transform.values["texCoord"], transform.pointer
        get_extras(tm, ctx)
    return ref


def parse_extensions(m: dict[str, Any], kind: str, ctx: Ctx, owner: Any = None) -> dict[str, Any]:
    """Read an object's `extensions`; returns {name: ExtObject} for the supported ones."""
    result: dict[str, Any] = {}
    if "extensions" not in m:
        return result
    exts = get_map(m, "extensions", ctx)
    if not exts:
        return result
    with ctx.at("extensions"):
        for name in list(exts):
            value = get_map(exts, name, ctx)
            if name not in ctx.extensions_loaded:
                if name not in ctx.extensions_used:
                    ctx.add("UNDECLARED_EXTENSION", name=name)
                result.setdefault("_unsupported", []).append(name)
                continue
            parser = REGISTRY.get((kind, name))
            if parser is None:
                ctx.add("UNEXPECTED_EXTENSION_OBJECT", name=name)
                continue
            if len(exts) > 1 and name in _EXCLUSIVE:
                ctx.add("MULTIPLE_EXTENSIONS", name=name)
            if value is None:
                continue
            with ctx.at(name):
                obj = ExtObject(name, ctx.pointer())
                parser(value, ctx, owner, obj)
                if "extensions" in value:  # an extension object's own extensions: none known
                    parse_extensions(value, name, ctx)
                get_extras(value, ctx)
            result[name] = obj
    return result
