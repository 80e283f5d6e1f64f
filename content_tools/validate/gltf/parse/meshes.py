"""Meshes and their primitives (attributes, indices, morph targets): the first pass."""

from __future__ import annotations

import re
from typing import Any

from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.extensions import parse_extensions
from content_tools.validate.gltf.objects import Mesh, Primitive
from content_tools.validate.gltf.parse.common import named
from content_tools.validate.gltf.schema import (
    check_members,
    get_extras,
    get_float_list,
    get_index,
    get_indices_map,
    get_indices_maps_list,
    get_map_list,
    get_uint,
)

_ATTR_SIMPLE = ("POSITION", "NORMAL", "TANGENT")

_ATTR_INDEXED = ("TEXCOORD", "COLOR", "JOINTS", "WEIGHTS")

_INDEX_RE = re.compile(r"^(0|[1-9][0-9]*)$")


def _semantic_parts(semantic: str) -> tuple[str, int] | None:
    """(base, set index) of an indexed semantic like TEXCOORD_1, else None."""
    base, sep, idx = semantic.partition("_")
    if not sep or base not in _ATTR_INDEXED or not _INDEX_RE.match(idx):
        return None
    return base, int(idx)


def parse_primitive(m: dict[str, Any], ctx: Ctx) -> Primitive:
    check_members(m, ("attributes", "indices", "material", "mode", "targets"), ctx)
    p = Primitive(pointer=ctx.pointer())
    sets: dict[str, list[int]] = {k: [] for k in _ATTR_INDEXED}

    def check_attr(semantic: str) -> None:
        if semantic in _ATTR_SIMPLE or (semantic.startswith("_") and len(semantic) > 1):
            return
        parts = _semantic_parts(semantic)
        if parts is None:
            ctx.add("MESH_PRIMITIVE_INVALID_ATTRIBUTE", name=semantic)
        else:
            sets[parts[0]].append(parts[1])

    p.attributes = get_indices_map(m, "attributes", ctx, check_attr)
    if p.attributes is not None:
        for base, idxs in sets.items():
            if idxs:
                expected = max(idxs) + 1
                if expected != len(idxs):
                    ctx.add(
                        "MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY",
                        base,
                        expected,
                        len(idxs),
                        name="attributes",
                    )
        p.texcoord_count = len(sets["TEXCOORD"])
        p.joints_count = len(sets["JOINTS"])
        p.weights_count = len(sets["WEIGHTS"])
        if p.joints_count != p.weights_count:
            ctx.add(
                "MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH",
                p.joints_count,
                p.weights_count,
                name="attributes",
            )
    p.indices_index = get_index(m, "indices", ctx, req=False)
    p.material_index = get_index(m, "material", ctx, req=False)
    p.mode = get_uint(m, "mode", ctx, allowed=(0, 1, 2, 3, 4, 5, 6), default=4)

    def check_target(semantic: str) -> None:
        if semantic in _ATTR_SIMPLE or (semantic.startswith("_") and len(semantic) > 1):
            return
        parts = _semantic_parts(semantic)
        if parts is None or parts[0] not in ("TEXCOORD", "COLOR"):
            ctx.add("MESH_PRIMITIVE_INVALID_ATTRIBUTE", name=semantic)

    p.targets = get_indices_maps_list(m, "targets", ctx, check_target)
    p.extensions = parse_extensions(m, "primitive", ctx)
    get_extras(m, ctx)
    return p


def parse_mesh(i: int, m: dict[str, Any], ctx: Ctx) -> Mesh:
    check_members(m, ("primitives", "weights", "name"), ctx)
    mesh = Mesh(i)
    prims = get_map_list(m, "primitives", ctx)
    if prims is not None:
        mesh.primitives = [parse_primitive(pm, ctx) for _j, pm in ctx.each("primitives", prims)]
        counts = {len(p.targets) if p.targets is not None else 0 for p in mesh.primitives}
        if len(counts) > 1:
            ctx.add("MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT", name="primitives")
        elif counts:
            mesh.targets_count = counts.pop()
    mesh.weights = get_float_list(m, "weights", ctx)
    if (
        mesh.weights is not None
        and mesh.targets_count != -1
        and mesh.targets_count != len(mesh.weights)
    ):
        ctx.add(
            "MESH_INVALID_WEIGHTS_COUNT",
            len(mesh.weights),
            mesh.targets_count,
            name="weights",
        )
    return named(mesh, m, "mesh", ctx)
