"""Per-code cases: which TEXCOORD sets a material's textures need. Both a texture info's
texCoord and its KHR_texture_transform texCoord must exist on the primitive (the reference
checks each, at its own binding, and counts both as used). The e2e report test compares these
documents' whole reports, message order included, with the reference's."""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import Builder
from tests.content_tools.validate.codes.cases_semantics import Cases, uv

__all__ = ["CASES"]

CASES = Cases()


def _info(tex_coord: int, transform: int | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"index": 0, "texCoord": tex_coord}
    if transform is not None:
        info["extensions"] = {"KHR_texture_transform": {"texCoord": transform}}
    return info


def _textured(b: Builder, material: dict[str, Any], *extensions: str) -> None:
    uv(b)
    b.doc["materials"] = [material]
    b.doc["textures"] = [{}]
    b.doc["extensionsUsed"] = ["KHR_texture_transform", *extensions]


@CASES.pair("MESH_PRIMITIVE_TOO_FEW_TEXCOORDS", "/meshes/0/primitives/0/material")
def _info_set_beside_transform(b: Builder, bad: bool) -> None:
    """The info's own texCoord (1) is missing though its transform's (0) exists."""
    _textured(b, {"emissiveTexture": _info(1 if bad else 0, 0)})


@CASES.pair("MESH_PRIMITIVE_TOO_FEW_TEXCOORDS", "/meshes/0/primitives/0/material")
def _every_binding(b: Builder, bad: bool) -> None:
    """Core infos, their transforms and an extension's infos and transforms, all missing their
    set: the reference reports core infos, then transforms of core infos, then per extension
    its transforms followed by its infos."""
    if not bad:
        _textured(b, {"emissiveTexture": _info(0, 0)})
        return
    clearcoat = {"clearcoatTexture": _info(4, 6), "clearcoatRoughnessTexture": _info(8)}
    material = {
        "pbrMetallicRoughness": {"baseColorTexture": _info(3, 5)},
        "emissiveTexture": _info(7),
        "extensions": {"KHR_materials_clearcoat": clearcoat},
    }
    _textured(b, material, "KHR_materials_clearcoat")
