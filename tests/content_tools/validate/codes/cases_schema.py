"""Per-code cases of the reference's SchemaError codes (and IO_ERROR): how a property's JSON
type, value, length, pattern or presence is checked, on the smallest document that shows it."""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import (
    FLOAT,
    Builder,
    CodeCase,
    data_uri,
    glb,
    gltf,
    png,
)

_CLEAN = gltf()
_PNG = data_uri(png(), "image/png")
_TRIANGLE = Builder.triangle().gltf()


def _triangle_with(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """The valid triangle document with one value set (the last key of `path`)."""
    doc = Builder.triangle().gltf()
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


CASES: list[CodeCase] = [
    CodeCase(
        "IO_ERROR",
        triggers=gltf(buffers=[{"byteLength": 4, "uri": "missing.bin"}]),
        clean=gltf(
            buffers=[{"byteLength": 4, "uri": "data:application/octet-stream;base64,AAAAAA=="}]
        ),
        pointer="/buffers/0/uri",
    ),
    CodeCase(
        "ARRAY_LENGTH_NOT_IN_LIST",
        triggers=_triangle_with(("accessors", 0, "min"), [0, 0]),
        clean=_TRIANGLE,
        pointer="/accessors/0/min",
    ),
    CodeCase(
        "ARRAY_TYPE_MISMATCH",
        triggers=gltf(nodes=[{"translation": ["a", 0, 0]}]),
        clean=gltf(nodes=[{"translation": [1, 0, 0]}]),
        pointer="/nodes/0/translation",
    ),
    CodeCase(
        "ARRAY_TYPE_MISMATCH",
        triggers=gltf(extensionsUsed=[5]),
        clean=_CLEAN,
        pointer="/extensionsUsed/0",
    ),
    CodeCase(
        "DUPLICATE_ELEMENTS",
        triggers=gltf(scenes=[{"nodes": [0, 0]}], nodes=[{}]),
        clean=gltf(scenes=[{"nodes": [0]}], nodes=[{}]),
        pointer="/scenes/0/nodes/1",
    ),
    CodeCase(
        "EMPTY_ENTITY",
        triggers=gltf(scenes=[{"nodes": []}]),
        clean=gltf(scenes=[{}]),
        pointer="/scenes/0/nodes",
    ),
    CodeCase(
        "INVALID_INDEX",
        triggers=gltf(scenes=[{"nodes": [-1]}], nodes=[{}]),
        clean=gltf(scenes=[{"nodes": [0]}], nodes=[{}]),
        pointer="/scenes/0/nodes/0",
    ),
    CodeCase(
        "INVALID_JSON",
        triggers=b'{"asset": {"version": "2.0"}',
        clean=b'{"asset": {"version": "2.0"}}',
    ),
    CodeCase(
        "INVALID_JSON",
        triggers=glb(b'{"asset": '),
        clean=glb(gltf()),
    ),
    CodeCase(
        "INVALID_URI",
        triggers=gltf(images=[{"uri": "data:image/png;base64"}]),
        clean=gltf(images=[{"uri": _PNG}]),
        pointer="/images/0/uri",
    ),
    CodeCase(
        "ONE_OF_MISMATCH",
        triggers=gltf(images=[{}]),
        clean=gltf(images=[{"uri": _PNG}]),
        pointer="/images/0",
    ),
    CodeCase(
        "PATTERN_MISMATCH",
        triggers=gltf(asset={"version": "2"}),
        clean=_CLEAN,
        pointer="/asset/version",
    ),
    CodeCase(
        "TYPE_MISMATCH",
        triggers=gltf(scenes=[{"name": 5}]),
        clean=gltf(scenes=[{"name": "five"}]),
        pointer="/scenes/0/name",
    ),
    CodeCase(
        "TYPE_MISMATCH",
        triggers=gltf(nodes={"0": {}}),
        clean=gltf(nodes=[{}]),
        pointer="/nodes",
    ),
    CodeCase(
        "UNDEFINED_PROPERTY",
        triggers={"scenes": [{}]},
        clean=gltf(scenes=[{}]),
        pointer="/",
    ),
    CodeCase(
        "UNDEFINED_PROPERTY",
        triggers=gltf(buffers=[{}]),
        clean=gltf(buffers=[{"byteLength": 1, "uri": "data:application/octet-stream;base64,AA=="}]),
        pointer="/buffers/0",
    ),
    CodeCase(
        "UNEXPECTED_PROPERTY",
        triggers=gltf(scenes=[{"nodez": [0]}]),
        clean=gltf(scenes=[{}]),
        pointer="/scenes/0/nodez",
    ),
    CodeCase(
        "UNSATISFIED_DEPENDENCY",
        triggers=gltf(
            accessors=[{"componentType": FLOAT, "count": 1, "type": "SCALAR", "byteOffset": 4}]
        ),
        clean=gltf(accessors=[{"componentType": FLOAT, "count": 1, "type": "SCALAR"}]),
        pointer="/accessors/0/byteOffset",
    ),
    CodeCase(
        "VALUE_MULTIPLE_OF",
        triggers=gltf(
            buffers=[{"byteLength": 8, "uri": "data:application/octet-stream;base64,AAAAAAAAAAA="}],
            bufferViews=[{"buffer": 0, "byteLength": 8, "byteStride": 5, "target": 34962}],
        ),
        clean=gltf(
            buffers=[{"byteLength": 8, "uri": "data:application/octet-stream;base64,AAAAAAAAAAA="}],
            bufferViews=[{"buffer": 0, "byteLength": 8, "byteStride": 4, "target": 34962}],
        ),
        pointer="/bufferViews/0/byteStride",
    ),
    CodeCase(
        "VALUE_NOT_IN_LIST",
        triggers=gltf(materials=[{"alphaMode": "CLIP"}]),
        clean=gltf(materials=[{"alphaMode": "MASK"}]),
        pointer="/materials/0/alphaMode",
    ),
    CodeCase(
        "VALUE_NOT_IN_LIST",
        triggers=_triangle_with(("accessors", 0, "componentType"), FLOAT + 1),
        clean=_TRIANGLE,
        pointer="/accessors/0/componentType",
    ),
    CodeCase(
        "VALUE_NOT_IN_RANGE",
        triggers=gltf(materials=[{"pbrMetallicRoughness": {"metallicFactor": 2}}]),
        clean=gltf(materials=[{"pbrMetallicRoughness": {"metallicFactor": 1}}]),
        pointer="/materials/0/pbrMetallicRoughness/metallicFactor",
    ),
    CodeCase(  # a range for the npm build (0..6), not a list
        "VALUE_NOT_IN_RANGE",
        triggers=_triangle_with(("meshes", 0, "primitives", 0, "mode"), 7),
        clean=_triangle_with(("meshes", 0, "primitives", 0, "mode"), 4),
        pointer="/meshes/0/primitives/0/mode",
    ),
]
