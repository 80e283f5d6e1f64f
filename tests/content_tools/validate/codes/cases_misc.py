"""Per-code cases of codes outside the accessor, resource/GLB/extension and semantics areas:
the asset's versions, references that resolve to nothing, and how extensions are declared."""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import UNSIGNED_BYTE, Builder, CodeCase, gltf

_UNLIT: dict[str, Any] = {"extensions": {"KHR_materials_unlit": {}}}


def _bytes_accessor(low: int) -> dict[str, Any]:
    """A document with an UNSIGNED_BYTE scalar accessor (data 0, 1, 1) whose `min` is [low]."""
    built = Builder(scene=0, scenes=[{"nodes": [0]}], nodes=[{"mesh": 0}])
    position = built.accessor([0, 0, 0, 1, 0, 0, 0, 1, 0], target=34962)
    weights = built.accessor([0, 1, 1], type="SCALAR", component_type=UNSIGNED_BYTE, bounds=False)
    built.doc["accessors"][weights].update(min=[low], max=[1])
    built.doc["meshes"] = [{"primitives": [{"attributes": {"POSITION": position}}]}]
    return built.gltf()


CASES: list[CodeCase] = [
    CodeCase(
        "ASSET_MIN_VERSION_GREATER_THAN_VERSION",
        triggers=gltf(asset={"version": "2.0", "minVersion": "2.1"}),
        clean=gltf(asset={"version": "2.0", "minVersion": "2.0"}),
        pointer="/asset/minVersion",
    ),
    CodeCase(
        "UNKNOWN_ASSET_MAJOR_VERSION",
        triggers=gltf(asset={"version": "3.0"}),
        clean=gltf(asset={"version": "2.0"}),
        pointer="/asset/version",
    ),
    CodeCase(
        "UNKNOWN_ASSET_MINOR_VERSION",
        triggers=gltf(asset={"version": "2.1"}),
        clean=gltf(asset={"version": "2.0"}),
        pointer="/asset/version",
    ),
    CodeCase(
        "UNRESOLVED_REFERENCE",
        triggers=gltf(scenes=[{"nodes": [1]}], nodes=[{}]),
        clean=gltf(scenes=[{"nodes": [0]}], nodes=[{}]),
        pointer="/scenes/0/nodes/0",
    ),
    CodeCase(
        "UNRESOLVED_REFERENCE",
        triggers=gltf(scene=1, scenes=[{}]),
        clean=gltf(scene=0, scenes=[{}]),
        pointer="/scene",
    ),
    CodeCase(
        "UNDECLARED_EXTENSION",
        triggers=gltf(materials=[_UNLIT]),
        clean=gltf(materials=[_UNLIT], extensionsUsed=["KHR_materials_unlit"]),
        pointer="/materials/0/extensions/KHR_materials_unlit",
    ),
    CodeCase(
        "UNUSED_EXTENSION_REQUIRED",
        triggers=gltf(extensionsRequired=["KHR_materials_unlit"]),
        clean=gltf(
            extensionsRequired=["KHR_materials_unlit"], extensionsUsed=["KHR_materials_unlit"]
        ),
        pointer="/extensionsRequired/0",
    ),
    CodeCase(
        "NON_REQUIRED_EXTENSION",
        triggers=gltf(extensionsUsed=["KHR_mesh_quantization"]),
        clean=gltf(
            extensionsUsed=["KHR_mesh_quantization"], extensionsRequired=["KHR_mesh_quantization"]
        ),
        pointer="/extensionsUsed/0",
    ),
    CodeCase(
        "UNSUPPORTED_EXTENSION",
        triggers=gltf(extensionsUsed=["EXT_unknown_thing"]),
        clean=gltf(extensionsUsed=["KHR_materials_unlit"]),
        pointer="/extensionsUsed/0",
    ),
    CodeCase(
        "INVALID_EXTENSION_NAME_FORMAT",
        triggers=gltf(extensionsUsed=["unlit"]),
        clean=gltf(extensionsUsed=["EXT_unlit"]),
        pointer="/extensionsUsed/0",
    ),
    CodeCase(
        "NON_OBJECT_EXTRAS",
        triggers=gltf(scenes=[{"extras": 5}]),
        clean=gltf(scenes=[{"extras": {"n": 5}}]),
        pointer="/scenes/0/extras",
    ),
    CodeCase(
        "INVALID_GL_VALUE",
        triggers=_bytes_accessor(-1),
        clean=_bytes_accessor(0),
        pointer="/accessors/1/min",
    ),
]
