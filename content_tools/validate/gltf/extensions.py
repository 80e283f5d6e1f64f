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
    get_bool,
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
) -> None:
    ref = parse_texture_info(ext, name, ctx, kind)
    if ref is not None and owner is not None and hasattr(owner, "textures"):
        owner.textures.append(ref)


def _factor(ext: dict[str, Any], name: str, ctx: Ctx) -> float:
    return get_float(ext, name, ctx, min=0.0, max=1.0)


def _anisotropy(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("anisotropyStrength", "anisotropyRotation", "anisotropyTexture"), ctx)
    _factor(m, "anisotropyStrength", ctx)
    get_float(m, "anisotropyRotation", ctx)
    _texinfo(m, "anisotropyTexture", ctx, owner)
    tex = m.get("anisotropyTexture")
    if isinstance(tex, dict):
        obj.values["texcoord"] = tex.get("texCoord", 0)


def _clearcoat(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        (
            "clearcoatFactor",
            "clearcoatTexture",
            "clearcoatRoughnessFactor",
            "clearcoatRoughnessTexture",
            "clearcoatNormalTexture",
        ),
        ctx,
    )
    _factor(m, "clearcoatFactor", ctx)
    _texinfo(m, "clearcoatTexture", ctx, owner)
    _factor(m, "clearcoatRoughnessFactor", ctx)
    _texinfo(m, "clearcoatRoughnessTexture", ctx, owner)
    _texinfo(m, "clearcoatNormalTexture", ctx, owner, "normalTextureInfo")
    tex = m.get("clearcoatNormalTexture")
    if isinstance(tex, dict):
        obj.values["texcoord"] = tex.get("texCoord", 0)


def _dispersion(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("dispersion",), ctx)
    get_float(m, "dispersion", ctx, min=0.0)


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
    has_tex = "iridescenceThicknessTexture" in m
    if not has_tex and "iridescenceThicknessMinimum" in m:
        ctx.add(
            "KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE",
            name="iridescenceThicknessMinimum",
        )
    if has_tex and not math.isnan(tmin) and tmin == tmax:
        ctx.add(
            "KHR_MATERIALS_IRIDESCENCE_THICKNESS_TEXTURE_UNUSED",
            name="iridescenceThicknessTexture",
        )


def _spec_gloss(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        (
            "diffuseFactor",
            "diffuseTexture",
            "specularFactor",
            "glossinessFactor",
            "specularGlossinessTexture",
        ),
        ctx,
    )
    get_float_list(m, "diffuseFactor", ctx, lengths=(4,), min=0.0, max=1.0)
    _texinfo(m, "diffuseTexture", ctx, owner)
    get_float_list(m, "specularFactor", ctx, lengths=(3,), min=0.0, max=1.0)
    _factor(m, "glossinessFactor", ctx)
    _texinfo(m, "specularGlossinessTexture", ctx, owner)


def _sheen(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        ("sheenColorFactor", "sheenColorTexture", "sheenRoughnessFactor", "sheenRoughnessTexture"),
        ctx,
    )
    get_float_list(m, "sheenColorFactor", ctx, lengths=(3,), min=0.0, max=1.0)
    _texinfo(m, "sheenColorTexture", ctx, owner)
    _factor(m, "sheenRoughnessFactor", ctx)
    _texinfo(m, "sheenRoughnessTexture", ctx, owner)


def _specular(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        ("specularFactor", "specularTexture", "specularColorFactor", "specularColorTexture"),
        ctx,
    )
    _factor(m, "specularFactor", ctx)
    _texinfo(m, "specularTexture", ctx, owner)
    get_float_list(m, "specularColorFactor", ctx, lengths=(3,), min=0.0)
    _texinfo(m, "specularColorTexture", ctx, owner)


def _transmission(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("transmissionFactor", "transmissionTexture"), ctx)
    _factor(m, "transmissionFactor", ctx)
    _texinfo(m, "transmissionTexture", ctx, owner)


def _diffuse_transmission(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(
        m,
        (
            "diffuseTransmissionFactor",
            "diffuseTransmissionTexture",
            "diffuseTransmissionColorFactor",
            "diffuseTransmissionColorTexture",
        ),
        ctx,
    )
    _factor(m, "diffuseTransmissionFactor", ctx)
    _texinfo(m, "diffuseTransmissionTexture", ctx, owner)
    get_float_list(m, "diffuseTransmissionColorFactor", ctx, lengths=(3,), min=0.0, max=1.0)
    _texinfo(m, "diffuseTransmissionColorTexture", ctx, owner)


def _unlit(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, (), ctx)


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
    get_uint(m, "texCoord", ctx)


def _texture_source(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("source",), ctx)
    obj.values["source"] = get_index(m, "source", ctx, req=False)


def _light_ref(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("light",), ctx)
    obj.values["light"] = get_index(m, "light", ctx)


def _lights_root(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("lights",), ctx)
    lights = get_map_list(m, "lights", ctx)
    parsed: list[dict[str, Any]] = []
    if lights is not None:
        for _i, lm in ctx.each("lights", lights):
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
            get_float(lm, "range", ctx, excl_min=0.0)
            get_string(lm, "name", ctx)
            parse_extensions(lm, "light", ctx)
            get_extras(lm, ctx)
            parsed.append({"pointer": ctx.pointer(), "used": False})
    elif "lights" not in m:
        pass
    obj.values["lights"] = parsed if lights is not None else None


def _variants_root(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("variants",), ctx)
    variants = get_map_list(m, "variants", ctx)
    parsed: list[dict[str, Any]] = []
    if variants is not None:
        for _i, vm in ctx.each("variants", variants):
            check_members(vm, ("name",), ctx)
            get_string(vm, "name", ctx, req=True)
            parse_extensions(vm, "variant", ctx)
            get_extras(vm, ctx)
            parsed.append({"pointer": ctx.pointer(), "used": False})
    obj.values["variants"] = parsed if variants is not None else None


def _variants_primitive(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("mappings",), ctx)
    mappings = get_map_list(m, "mappings", ctx)
    parsed: list[dict[str, Any]] = []
    if mappings is not None:
        for _i, mm in ctx.each("mappings", mappings):
            check_members(mm, ("variants", "material", "name"), ctx)
            variants = get_indices_list(mm, "variants", ctx, req=True)
            material = get_index(mm, "material", ctx)
            get_string(mm, "name", ctx)
            get_extras(mm, ctx)
            parsed.append({"pointer": ctx.pointer(), "variants": variants, "material": material})
    obj.values["mappings"] = parsed


_POINTER_RE = re.compile(r"^(?:\/(?:[^/~]|~0|~1)*)*$")


def _animation_pointer(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("pointer",), ctx)
    obj.values["pointer"] = get_string(m, "pointer", ctx, req=True, pattern=_POINTER_RE)
    ctx.add("INCOMPLETE_EXTENSION_SUPPORT")


def _node_visibility(m: dict[str, Any], ctx: Ctx, owner: Any, obj: ExtObject) -> None:
    check_members(m, ("visible",), ctx)
    get_bool(m, "visible", ctx)


_MATERIAL_EXTS: dict[str, Parser] = {
    "KHR_materials_anisotropy": _anisotropy,
    "KHR_materials_clearcoat": _clearcoat,
    "KHR_materials_diffuse_transmission": _diffuse_transmission,
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
    ("node", "KHR_lights_punctual"): _light_ref,
    ("node", "KHR_node_visibility"): _node_visibility,
    ("gltf", "KHR_lights_punctual"): _lights_root,
    ("gltf", "KHR_materials_variants"): _variants_root,
    ("primitive", "KHR_materials_variants"): _variants_primitive,
    ("animationChannelTarget", "KHR_animation_pointer"): _animation_pointer,
}

SUPPORTED_EXTENSIONS = frozenset({name for _, name in REGISTRY} | {"KHR_mesh_quantization"})
REQUIRED_EXTENSIONS = frozenset({"KHR_mesh_quantization"})


@dataclass(eq=False)
class TextureRef:
    """A material's textureInfo."""

    pointer: str
    index: int = -1
    tex_coord: int = 0
    extensions: dict[str, Any] = field(default_factory=dict)


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
        ref = TextureRef(pointer=ctx.pointer())
        ref.index = get_index(tm, "index", ctx)
        ref.tex_coord = get_uint(tm, "texCoord", ctx, default=0)
        if kind == "normalTextureInfo":
            get_float(tm, "scale", ctx)
        elif kind == "occlusionTextureInfo":
            get_float(tm, "strength", ctx, min=0.0, max=1.0)
        ref.extensions = parse_extensions(tm, "textureInfo", ctx)
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
            if value is None or not isinstance(exts.get(name), dict):
                continue
            with ctx.at(name):
                obj = ExtObject(name, ctx.pointer())
                parser(value, ctx, owner, obj)
                get_extras(value, ctx)
            result[name] = obj
    return result
