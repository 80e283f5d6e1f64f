"""Buffers, buffer views and accessors (with sparse storage): the first pass."""

from __future__ import annotations

from typing import Any

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import parse_extensions
from content_tools.validate.gltf.objects import (
    ACCESSOR_COMPONENT_TYPES,
    ACCESSOR_SIZES,
    Accessor,
    Buffer,
    BufferView,
    Sparse,
    SparsePart,
)
from content_tools.validate.gltf.parse.common import check_uri, named
from content_tools.validate.gltf.schema import (
    check_members,
    get_bool,
    get_extras,
    get_float_list,
    get_gl_int_list,
    get_index,
    get_map,
    get_string,
    get_uint,
)


def parse_buffer(i: int, m: dict[str, Any], ctx: Ctx) -> Buffer:
    check_members(m, ("byteLength", "uri", "name"), ctx)
    b = Buffer(i)
    b.byte_length = get_uint(m, "byteLength", ctx, req=True, min=1)
    b.has_uri = "uri" in m
    uri = get_string(m, "uri", ctx)
    if uri is not None:
        b.uri = uri
        b.uri_ok, data = check_uri(uri, ctx)
        if data is None:
            pass
        elif data.mime_type.lower() in ("application/octet-stream", "application/gltf-buffer"):
            b.data = data.data
            b.storage = "data-uri"
        else:
            ctx.add("BUFFER_DATA_URI_MIME_TYPE_INVALID", data.mime_type, name="uri")
            b.uri_ok = False
    return named(b, m, "buffer", ctx)


def parse_buffer_view(i: int, m: dict[str, Any], ctx: Ctx) -> BufferView:
    check_members(m, ("buffer", "byteOffset", "byteLength", "byteStride", "target", "name"), ctx)
    bv = BufferView(i)
    bv.buffer_index = get_index(m, "buffer", ctx)
    bv.byte_offset = get_uint(m, "byteOffset", ctx, default=0)
    bv.byte_length = get_uint(m, "byteLength", ctx, req=True, min=1)
    bv.byte_stride = get_uint(m, "byteStride", ctx, min=4, max=252)
    bv.target = get_uint(m, "target", ctx, allowed=(34962, 34963))
    if bv.byte_stride != -1:
        if bv.byte_length != -1 and bv.byte_stride > bv.byte_length:
            ctx.add(
                "BUFFER_VIEW_TOO_BIG_BYTE_STRIDE",
                bv.byte_stride,
                bv.byte_length,
                name="byteStride",
            )
        if bv.byte_stride % 4:
            ctx.add("VALUE_MULTIPLE_OF", bv.byte_stride, 4, name="byteStride")
        if bv.target == 34963:
            ctx.add("BUFFER_VIEW_INVALID_BYTE_STRIDE", name="byteStride")
    return named(bv, m, "bufferView", ctx)


def _parse_sparse(m: dict[str, Any], ctx: Ctx) -> Sparse:
    check_members(m, ("count", "indices", "values"), ctx)
    sp = Sparse(count=get_uint(m, "count", ctx, req=True, min=1))
    ind = get_map(m, "indices", ctx, req=True)
    if ind is not None:
        with ctx.at("indices"):
            check_members(ind, ("bufferView", "byteOffset", "componentType"), ctx)
            sp.indices = SparsePart(
                buffer_view_index=get_index(ind, "bufferView", ctx),
                byte_offset=get_uint(ind, "byteOffset", ctx, default=0),
                component_type=get_uint(
                    ind, "componentType", ctx, req=True, allowed=(5121, 5123, 5125)
                ),
            )
            parse_extensions(ind, "accessorSparseIndices", ctx)
            get_extras(ind, ctx)
    val = get_map(m, "values", ctx, req=True)
    if val is not None:
        with ctx.at("values"):
            check_members(val, ("bufferView", "byteOffset"), ctx)
            sp.values = SparsePart(
                buffer_view_index=get_index(val, "bufferView", ctx),
                byte_offset=get_uint(val, "byteOffset", ctx, default=0),
            )
            parse_extensions(val, "accessorSparseValues", ctx)
            get_extras(val, ctx)
    parse_extensions(m, "accessorSparse", ctx)
    get_extras(m, ctx)
    return sp


def parse_accessor(i: int, m: dict[str, Any], ctx: Ctx) -> Accessor:
    check_members(
        m,
        (
            "bufferView",
            "byteOffset",
            "componentType",
            "normalized",
            "count",
            "type",
            "max",
            "min",
            "sparse",
            "name",
        ),
        ctx,
    )
    a = Accessor(i)
    a.buffer_view_index = get_index(m, "bufferView", ctx, req=False)
    if a.buffer_view_index == -1:
        if "byteOffset" in m:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("bufferView"), name="byteOffset")
        a.byte_offset = 0
    else:
        a.byte_offset = get_uint(m, "byteOffset", ctx, default=0)
    a.component_type = get_uint(m, "componentType", ctx, req=True, allowed=ACCESSOR_COMPONENT_TYPES)
    a.count = get_uint(m, "count", ctx, req=True, min=1)
    # A string out of the list is kept, as the reference does (an accessor of no components).
    a.type = a.type_name = get_string(m, "type", ctx, req=True, allowed=tuple(ACCESSOR_SIZES))
    a.normalized = get_bool(m, "normalized", ctx)
    if a.type in ACCESSOR_SIZES and a.component_type != -1:
        n = ACCESSOR_SIZES[a.type]
        if a.component_type == 5126:
            a.min = get_float_list(m, "min", ctx, lengths=(n,), single=True)
            a.max = get_float_list(m, "max", ctx, lengths=(n,), single=True)
        else:
            a.min = get_gl_int_list(m, "min", ctx, a.component_type, n)
            a.max = get_gl_int_list(m, "max", ctx, a.component_type, n)
    sparse = get_map(m, "sparse", ctx)
    if sparse and "sparse" in m and isinstance(m["sparse"], dict):
        with ctx.at("sparse"):
            a.sparse = _parse_sparse(sparse, ctx)
    if a.normalized and a.component_type in (5126, 5125):
        ctx.add("ACCESSOR_NORMALIZED_INVALID", name="normalized")
    if a.type in ("MAT2", "MAT3", "MAT4") and a.byte_offset != -1 and a.byte_offset & 3:
        ctx.add("ACCESSOR_MATRIX_ALIGNMENT", name="byteOffset")
    return named(a, m, "accessor", ctx)
