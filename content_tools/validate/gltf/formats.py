"""Accessor formats the reference allows for each use (attributes, morph targets,
indices, animation outputs), with and without KHR_mesh_quantization, in the reference's order
(messages list them in it; with the extension, its formats follow the core ones)."""

from __future__ import annotations

F = 5126

UB, US, UI, B, S = 5121, 5123, 5125, 5120, 5122

Fmt = tuple[str, int, bool]


def _fmts(types: tuple[str, ...], combos: tuple[tuple[int, bool], ...]) -> list[Fmt]:
    return [(t, ct, n) for t in types for ct, n in combos]


VERTEX_FORMATS: dict[str, list[Fmt]] = {
    "POSITION": [("VEC3", F, False)],
    "NORMAL": [("VEC3", F, False)],
    "TANGENT": [("VEC4", F, False)],
    "TEXCOORD": _fmts(("VEC2",), ((F, False), (UB, True), (US, True))),
    "COLOR": _fmts(("VEC3", "VEC4"), ((F, False), (UB, True), (US, True))),
    "JOINTS": _fmts(("VEC4",), ((UB, False), (US, False))),
    "WEIGHTS": _fmts(("VEC4",), ((F, False), (UB, True), (US, True))),
}

MORPH_FORMATS: dict[str, list[Fmt]] = {
    "POSITION": [("VEC3", F, False)],
    "NORMAL": [("VEC3", F, False)],
    "TANGENT": [("VEC3", F, False)],
    "TEXCOORD": _fmts(("VEC2",), ((F, False), (B, True), (UB, True), (S, True), (US, True))),
    "COLOR": _fmts(("VEC3", "VEC4"), ((F, False), (B, True), (UB, True), (S, True), (US, True))),
}

_ANY_INT = (
    (B, False),
    (B, True),
    (UB, False),
    (UB, True),
    (S, False),
    (S, True),
    (US, False),
    (US, True),
)

QUANTIZED_VERTEX: dict[str, list[Fmt]] = {
    "POSITION": _fmts(("VEC3",), _ANY_INT),
    "NORMAL": _fmts(("VEC3",), ((B, True), (S, True))),
    "TANGENT": _fmts(("VEC4",), ((B, True), (S, True))),
    "TEXCOORD": _fmts(
        ("VEC2",), ((B, False), (B, True), (UB, False), (S, False), (S, True), (US, False))
    ),
}

QUANTIZED_MORPH: dict[str, list[Fmt]] = {
    "POSITION": _fmts(("VEC3",), ((B, False), (B, True), (S, False), (S, True))),
    "NORMAL": _fmts(("VEC3",), ((B, True), (S, True))),
    "TANGENT": _fmts(("VEC3",), ((B, True), (S, True))),
    "TEXCOORD": _fmts(("VEC2",), ((B, False), (S, False))),
}

INDEX_FORMATS = [("SCALAR", UB, False), ("SCALAR", US, False), ("SCALAR", UI, False)]

_ROTATION_FORMATS = [("VEC4", F, False)] + [("VEC4", ct, True) for ct in (B, UB, S, US)]

_WEIGHTS_FORMATS = [("SCALAR", F, False)] + [("SCALAR", ct, True) for ct in (B, UB, S, US)]

OUTPUT_FORMATS: dict[str, list[Fmt]] = {
    "translation": [("VEC3", F, False)],
    "scale": [("VEC3", F, False)],
    "rotation": _ROTATION_FORMATS,
    "weights": _WEIGHTS_FORMATS,
}

MODE_NAMES = (
    "POINTS",
    "LINES",
    "LINE_LOOP",
    "LINE_STRIP",
    "TRIANGLES",
    "TRIANGLE_STRIP",
    "TRIANGLE_FAN",
)
