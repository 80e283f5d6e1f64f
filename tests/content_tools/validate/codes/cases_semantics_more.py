"""Per-code cases: link-level checks of animations, materials, textures, images, and the
remaining mesh and skin accessor rules (cases_semantics.py holds the rest and the helpers)."""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import (
    ARRAY_BUFFER,
    FLOAT,
    UNSIGNED_BYTE,
    UNSIGNED_SHORT,
    Builder,
)
from tests.content_tools.validate.codes.cases_semantics import (
    IDENTITY,
    Cases,
    morph,
    png,
    skinned,
    uv,
)

__all__ = ["CASES"]

CASES = Cases()


def _animation(b: Builder, path: str = "translation", *, out_count: int = 2) -> None:
    """An animation of node 0's `path` with one LINEAR sampler over two keyframes."""
    inp = b.accessor([0.0, 1.0], type="SCALAR")
    width = {"rotation": 4, "weights": 1}.get(path, 3)
    kind = {1: "SCALAR", 3: "VEC3", 4: "VEC4"}[width]
    values = ([0.0, 0, 0, 1] if width == 4 else [0.0] * width) * out_count
    out = b.accessor(values, type=kind, bounds=False)
    b.doc["animations"] = [
        {
            "samplers": [{"input": inp, "output": out}],
            "channels": [{"sampler": 0, "target": {"node": 0, "path": path}}],
        }
    ]


def _anim(b: Builder) -> dict[str, Any]:
    animation: dict[str, Any] = b.doc["animations"][0]
    return animation


@CASES.pair("ANIMATION_CHANNEL_TARGET_NODE_MATRIX", "/animations/0/channels/0/target")
def _target_matrix(b: Builder, bad: bool) -> None:
    _animation(b)
    if bad:
        b.doc["nodes"][0]["matrix"] = [*IDENTITY[:12], 1.0, 0, 0, 1.0]


@CASES.pair("ANIMATION_CHANNEL_TARGET_NODE_SKIN", "/animations/0/channels/0/target/path")
def _target_skin(b: Builder, bad: bool) -> None:
    skinned(b)
    _animation(b)
    if not bad:
        _anim(b)["channels"][0]["target"]["node"] = 1


@CASES.pair("ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS", "/animations/0/channels/0/target")
def _weights_no_morphs(b: Builder, bad: bool) -> None:
    if not bad:
        morph(b)
    _animation(b, "weights", out_count=2)


@CASES.pair("ANIMATION_DUPLICATE_TARGETS", "/animations/0/channels/0/target")
def _duplicate_targets(b: Builder, bad: bool) -> None:
    _animation(b)
    path = "translation" if bad else "scale"
    _anim(b)["channels"].append({"sampler": 0, "target": {"node": 0, "path": path}})


@CASES.pair("ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE", "/animations/0/samplers/0/input")
def _sampler_stride(b: Builder, bad: bool) -> None:
    _animation(b)
    if bad:
        b.doc["bufferViews"][b.doc["accessors"][2]["bufferView"]]["byteStride"] = 12


@CASES.pair("ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT", "/animations/0/samplers/0/input")
def _input_format(b: Builder, bad: bool) -> None:
    _animation(b)
    if bad:
        b.doc["accessors"][2].update(componentType=UNSIGNED_SHORT, normalized=True)


@CASES.pair("ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT", "/animations/0/samplers/0/input")
def _invalid_input(b: Builder, bad: bool) -> None:
    """An input accessor whose type is invalid is still checked (and its view is used)."""
    _animation(b)
    if bad:
        b.doc["accessors"][2]["type"] = "STEP"


@CASES.pair(
    "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT", "/meshes/0/primitives/0/attributes/NORMAL"
)
def _invalid_normal(b: Builder, bad: bool) -> None:
    """Likewise an attribute accessor whose component type is invalid."""
    normal = b.accessor([0, 0, 1.0] * 3, target=ARRAY_BUFFER)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["NORMAL"] = normal
    if bad:
        b.doc["accessors"][normal]["componentType"] = 5127


@CASES.pair("ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS", "/animations/0/samplers/0/input")
def _input_too_few(b: Builder, bad: bool) -> None:
    inp = b.accessor([0.0] if bad else [0.0, 1.0], type="SCALAR")
    out = b.accessor([0.0] * 9 * (1 if bad else 2), bounds=False)
    b.doc["animations"] = [
        {
            "samplers": [{"input": inp, "output": out, "interpolation": "CUBICSPLINE"}],
            "channels": [{"sampler": 0, "target": {"node": 0, "path": "translation"}}],
        }
    ]


@CASES.pair("ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS", "/animations/0/samplers/0/input")
def _input_bounds(b: Builder, bad: bool) -> None:
    _animation(b)
    if bad:
        del b.doc["accessors"][2]["min"], b.doc["accessors"][2]["max"]


@CASES.pair("ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT", "/animations/0/channels/0/sampler")
def _output_count(b: Builder, bad: bool) -> None:
    _animation(b, out_count=3 if bad else 2)


@CASES.pair("ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT", "/animations/0/channels/0/sampler")
def _output_count_interpolation(b: Builder, bad: bool) -> None:
    """With an interpolation that is not a string, the reference checks no output count."""
    _animation(b, out_count=3)
    if not bad:
        _anim(b)["samplers"][0]["interpolation"] = 5


@CASES.pair("ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT", "/animations/0/channels/0/sampler")
def _output_format(b: Builder, bad: bool) -> None:
    _animation(b, "scale")
    if bad:
        b.doc["accessors"][3]["componentType"] = UNSIGNED_BYTE
        b.doc["accessors"][3]["normalized"] = True


# --- materials, textures, images -------------------------------------------------------------


@CASES.pair("MATERIAL_ALPHA_CUTOFF_INVALID_MODE", "/materials/0/alphaCutoff")
def _alpha_cutoff(b: Builder, bad: bool) -> None:
    b.doc["materials"] = [{"alphaCutoff": 0.5, "alphaMode": "OPAQUE" if bad else "MASK"}]


def _textured(b: Builder, image: bytes, mime: str | None) -> None:
    uv(b)
    b.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
    b.doc["textures"] = [{"source": 0}]
    view = b.view(image)
    entry: dict[str, object] = {"bufferView": view}
    if mime is not None:
        entry["mimeType"] = mime
    b.doc["images"] = [entry]


_PNG = png(4, 4)


@CASES.pair("IMAGE_BUFFER_VIEW_WITH_BYTESTRIDE", "/images/0/bufferView")
def _image_stride(b: Builder, bad: bool) -> None:
    _textured(b, _PNG, "image/png")
    if bad:
        b.doc["bufferViews"][-1]["byteStride"] = 4


@CASES.pair("IMAGE_DATA_INVALID", "/images/0")
def _image_invalid(b: Builder, bad: bool) -> None:
    # IHDR must be 13 bytes long: this one claims 12 (the reference crashes on a PNG whose
    # first chunk is not IHDR, so that is not the way to break it).
    broken = _PNG[:8] + (12).to_bytes(4, "big") + _PNG[12:]
    _textured(b, broken if bad else _PNG, "image/png")


@CASES.pair("IMAGE_UNEXPECTED_EOS", "/images/0")
def _image_eos(b: Builder, bad: bool) -> None:
    _textured(b, _PNG[:20] if bad else _PNG, "image/png")


@CASES.pair("IMAGE_UNRECOGNIZED_FORMAT", "/images/0")
def _image_unrecognized(b: Builder, bad: bool) -> None:
    _textured(b, b"\0" * 32 if bad else _PNG, "image/png")


@CASES.pair("IMAGE_FEATURES_UNSUPPORTED", "/images/0")
def _image_features(b: Builder, bad: bool) -> None:
    ppx, ppy = (2835, 5670) if bad else (2835, 2835)  # pixels per metre: not square when bad
    _textured(
        b,
        png(4, 4, (b"pHYs", ppx.to_bytes(4, "big") + ppy.to_bytes(4, "big") + b"\1")),
        "image/png",
    )


@CASES.pair("IMAGE_MIME_TYPE_INVALID", "/images/0/bufferView")
def _image_mime(b: Builder, bad: bool) -> None:
    _textured(b, _PNG, "image/jpeg" if bad else "image/png")


@CASES.pair("UNSATISFIED_DEPENDENCY", "/images/0/bufferView")
def _image_mime_not_string(b: Builder, bad: bool) -> None:
    """A mimeType that is not a string leaves the bufferView's dependency unsatisfied."""
    _textured(b, _PNG, "image/png")
    if bad:
        b.doc["images"][0]["mimeType"] = 5


@CASES.pair("IMAGE_NON_ENABLED_MIME_TYPE", "/images/0")
def _image_webp(b: Builder, bad: bool) -> None:
    webp = b"RIFF" + (22).to_bytes(4, "little") + b"WEBPVP8L" + (10).to_bytes(4, "little")
    webp += b"\x2f\x03\xc0\x00\x00\x00\x00\x00\x00\x00"
    _textured(b, webp if bad else _PNG, None if bad else "image/png")


@CASES.pair("TEXTURE_INVALID_IMAGE_MIME_TYPE", "/textures/0/source")
def _texture_mime(b: Builder, bad: bool) -> None:
    _textured(b, _PNG, "image/png")
    if bad:
        b.doc["images"][0] = {"uri": "image.ktx2", "mimeType": "image/ktx2"}


# --- meshes and skins: accessor rules ---------------------------------------------------------


@CASES.pair("MESH_PRIMITIVE_ACCESSOR_UNALIGNED", "/meshes/0/primitives/0/attributes/_FOO")
def _unaligned(b: Builder, bad: bool) -> None:
    ctype, width = (UNSIGNED_BYTE, [0, 0, 0]) if bad else (FLOAT, [0.0, 0, 0])
    acc = b.accessor(width * 3 + ([0, 0, 0] if bad else []), component_type=ctype, bounds=False)
    b.doc["accessors"][acc]["count"] = 3
    b.doc["accessors"][acc]["normalized"] = False
    b.doc["bufferViews"][b.doc["accessors"][acc]["bufferView"]]["target"] = ARRAY_BUFFER
    b.doc["accessors"][acc]["type"] = "SCALAR" if bad else "VEC3"
    b.doc["meshes"][0]["primitives"][0]["attributes"]["_FOO"] = acc


@CASES.pair(
    "MESH_PRIMITIVE_ACCESSOR_WITHOUT_BYTESTRIDE", "/meshes/0/primitives/0/attributes/TEXCOORD_0"
)
def _without_stride(b: Builder, bad: bool) -> None:
    uv(b)
    b.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
    b.doc["textures"] = [{}]
    if bad:
        # TEXCOORD_0's accessor reads the POSITION view too (same view, no stride).
        b.doc["accessors"][2]["bufferView"] = b.doc["accessors"][0]["bufferView"]


@CASES.pair("MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE", "/meshes/0/primitives/0/indices")
def _indices_stride(b: Builder, bad: bool) -> None:
    if bad:
        b.doc["bufferViews"][b.doc["accessors"][1]["bufferView"]]["byteStride"] = 4


@CASES.pair("MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY", "/meshes/0/primitives/0/attributes")
def _continuity(b: Builder, bad: bool) -> None:
    uv(b)
    b.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
    b.doc["textures"] = [{}]
    if bad:
        attributes = b.doc["meshes"][0]["primitives"][0]["attributes"]
        attributes["TEXCOORD_1"] = attributes.pop("TEXCOORD_0")


@CASES.pair("MESH_PRIMITIVE_INVALID_ATTRIBUTE", "/meshes/0/primitives/0/attributes/FOO")
def _invalid_attribute(b: Builder, bad: bool) -> None:
    acc = b.accessor([0.0] * 3, type="SCALAR", target=ARRAY_BUFFER, bounds=False)
    b.doc["meshes"][0]["primitives"][0]["attributes"]["FOO" if bad else "_FOO"] = acc


@CASES.pair("MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH", "/meshes/0/primitives/0/attributes")
def _joints_weights(b: Builder, bad: bool) -> None:
    skinned(b)
    if bad:
        del b.doc["meshes"][0]["primitives"][0]["attributes"]["WEIGHTS_0"]
        del b.doc["nodes"][0]["skin"]
        b.doc["skins"] = []
        b.doc["scenes"][0]["nodes"] = [0]
        del b.doc["nodes"][1]


@CASES.pair("MESH_PRIMITIVE_NO_POSITION", "/meshes/0/primitives/0/attributes")
def _no_position(b: Builder, bad: bool) -> None:
    normal = b.accessor([0, 0, 1.0] * 3, target=ARRAY_BUFFER)
    attributes = b.doc["meshes"][0]["primitives"][0]["attributes"]
    attributes["NORMAL"] = normal
    if bad:
        del attributes["POSITION"]


def _ibm(b: Builder, bad: bool, *, stride: bool) -> None:
    skinned(b)
    values = IDENTITY if stride or not bad else IDENTITY[:9]
    kind = "MAT3" if bad and not stride else "MAT4"
    b.doc["skins"][0]["inverseBindMatrices"] = b.accessor(values, type=kind, bounds=False)
    if bad and stride:
        b.doc["bufferViews"][-1]["byteStride"] = 64


@CASES.pair("SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE", "/skins/0/inverseBindMatrices")
def _ibm_stride(b: Builder, bad: bool) -> None:
    _ibm(b, bad, stride=True)


@CASES.pair("SKIN_IBM_INVALID_FORMAT", "/skins/0/inverseBindMatrices")
def _ibm_format(b: Builder, bad: bool) -> None:
    _ibm(b, bad, stride=False)
