"""Material members that say what glTF assumes anyway, dropped from a packed document: the
GLB's JSON is not compressed (about a sixth of a packed scene), and gltfpack writes none of
them either. Dropping them changes nothing a loader does (glTF 2.0 gives each its default)."""

from __future__ import annotations

from typing import Any

__all__ = ["drop_material_defaults"]

_MATERIAL = {"doubleSided": False, "alphaMode": "OPAQUE", "emissiveFactor": [0, 0, 0]}
_PBR = {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 1, "roughnessFactor": 1}
_TEXTURE_INFO = {"texCoord": 0, "scale": 1, "strength": 1}
_TEXTURE_SLOTS = ("normalTexture", "occlusionTexture", "emissiveTexture")
_PBR_SLOTS = ("baseColorTexture", "metallicRoughnessTexture")


def _drop(obj: dict[str, Any], defaults: dict[str, Any]) -> int:
    """Remove the members of `obj` equal to their default (numbers compared as numbers)."""
    dropped = 0
    for key, default in defaults.items():
        value = obj.get(key)
        if isinstance(value, bool) == isinstance(default, bool) and value == default:
            del obj[key]
            dropped += 1
    return dropped


def drop_material_defaults(document: dict[str, Any]) -> int:
    """Drop every material member equal to its default; returns how many were dropped."""
    dropped = 0
    for material in document.get("materials", []):
        if not isinstance(material, dict):
            continue
        dropped += _drop(material, _MATERIAL)
        if material.get("alphaMode") == "MASK" and material.get("alphaCutoff") == 0.5:
            del material["alphaCutoff"]
            dropped += 1
        infos = [material.get(slot) for slot in _TEXTURE_SLOTS]
        pbr = material.get("pbrMetallicRoughness")
        if isinstance(pbr, dict):
            dropped += _drop(pbr, _PBR)
            infos += [pbr.get(slot) for slot in _PBR_SLOTS]
            if not pbr:
                del material["pbrMetallicRoughness"]
        for info in infos:
            if isinstance(info, dict):
                dropped += _drop(info, _TEXTURE_INFO)
    return dropped
