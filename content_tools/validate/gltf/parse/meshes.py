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
    """One primitive, its members read in the reference's order (mode, attributes, targets,
    indices, material) so that their messages come in the same order."""
    check_members(m, ("attributes", "indices", "material", "mode", "targets"), ctx)
    p = Primitive(pointer=ctx.pointer())
    p.mode = get_uint(m, "mode", ctx, max=6, default=4)  # a range in the npm build
    sets: dict[str, list[int]] = {k: [] for k in _ATTR_INDEXED}

    def check_attr(semantic: str) -> None:
        if semantic in _ATTR_SIMPLE or semantic.startswith("_"):
            return
        parts = _semantic_parts(semantic)
        if parts is None:
            ctx.add("MESH_PRIMITIVE_INVALID_ATTRIBUTE", name=semantic)
        else:
            sets[parts[0]].append(parts[1])

    p.attributes = get_indices_map(m, "attributes", ctx, check_attr)
    if p.attributes is not None:
        with ctx.at("attributes"):
            if "POSITION" not in p.attributes:
                ctx.add("MESH_PRIMITIVE_NO_POSITION")
            if "TANGENT" in p.attributes and "NORMAL" not in p.attributes:
                ctx.add("MESH_PRIMITIVE_TANGENT_WITHOUT_NORMAL", name="TANGENT")
            counts: dict[str, int] = {}
            for base in ("COLOR", "JOINTS", "WEIGHTS", "TEXCOORD"):
                idxs = sets[base]
                counts[base] = len(idxs)
                if idxs and max(idxs) + 1 != len(idxs):
                    ctx.add(
                        "MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY",
                        base,
                        max(idxs) + 1,
                        len(idxs),
                    )
                    counts[base] = 0
            if counts["JOINTS"] != counts["WEIGHTS"]:
                ctx.add(
                    "MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH", counts["JOINTS"], counts["WEIGHTS"]
                )
                counts["JOINTS"] = counts["WEIGHTS"] = 0
        p.texcoord_count = counts["TEXCOORD"]
        p.joints_count = counts["JOINTS"]
        p.weights_count = counts["WEIGHTS"]

    def check_target(semantic: str) -> None:
        if semantic in _ATTR_SIMPLE or semantic.startswith("_"):
            return
        parts = _semantic_parts(semantic)
        if parts is None or parts[0] not in ("TEXCOORD", "COLOR"):
            ctx.add("MESH_PRIMITIVE_INVALID_ATTRIBUTE", name=semantic)

    p.targets = get_indices_maps_list(m, "targets", ctx, check_target)
    p.indices_index = get_index(m, "indices", ctx, req=False)
    p.material_index = get_index(m, "material", ctx, req=False)
    p.extensions = parse_extensions(m, "primitive", ctx)
    get_extras(m, ctx)
    return p


def parse_mesh(i: int, m: dict[str, Any], ctx: Ctx) -> Mesh:
    check_members(m, ("primitives", "weights", "name"), ctx)
    mesh = Mesh(i)
    mesh.weights = get_float_list(m, "weights", ctx)
    prims = get_map_list(m, "primitives", ctx)
    if prims is not None:
        mesh.primitives = []
        first = 0
        with ctx.at("primitives"):
            for j, pm in enumerate(prims):
                with ctx.at(j):
                    prim = parse_primitive(pm, ctx)
                    count = len(prim.targets) if prim.targets is not None else 0
                    if j == 0:
                        first = count
                        if prim.targets is not None:
                            mesh.targets_count = count
                    elif count != first:
                        # The reference names the primitive, or its targets when it has some.
                        ctx.add(
                            "MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT",
                            name="targets" if count else None,
                        )
                mesh.primitives.append(prim)
        if mesh.weights is not None and first != len(mesh.weights):
            ctx.add("MESH_INVALID_WEIGHTS_COUNT", len(mesh.weights), first, name="weights")
    return named(mesh, m, "mesh", ctx)
