"""Buffer views and accessors: references, alignment, lengths (second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.link.linker import Linker, lookup
from content_tools.validate.gltf.objects import Accessor, BufferView


def link_buffer_view(lk: Linker, bv: BufferView) -> None:
    if bv.target == 34962:
        bv.usage = "VertexBuffer"
    elif bv.target == 34963:
        bv.usage = "IndexBuffer"
    buf = lk.resolve(lk.doc.buffers, bv.buffer_index, name="buffer")
    if buf is None:
        return
    bv.buffer = buf
    if buf.byte_length != -1 and bv.byte_offset != -1 and bv.byte_length != -1:
        if bv.byte_offset >= buf.byte_length:
            lk.ctx.add("BUFFER_VIEW_TOO_LONG", bv.buffer_index, buf.byte_length, name="byteOffset")
        elif bv.byte_offset + bv.byte_length > buf.byte_length:
            lk.ctx.add("BUFFER_VIEW_TOO_LONG", bv.buffer_index, buf.byte_length, name="byteLength")


def link_accessor(lk: Linker, acc: Accessor) -> None:
    ctx = lk.ctx
    bv = lookup(lk.doc.buffer_views, acc.buffer_view_index)
    acc.buffer_view = bv
    if not acc.valid:
        return
    if acc.buffer_view_index != -1:
        if bv is None:
            ctx.add("UNRESOLVED_REFERENCE", acc.buffer_view_index, name="bufferView")
        else:
            bv.used = True
            if bv.byte_stride != -1 and bv.byte_stride < acc.element_length:
                ctx.add("ACCESSOR_SMALL_BYTESTRIDE", bv.byte_stride, acc.element_length)
                acc.layout_ok = False
            lk.offset_length(
                acc.byte_offset,
                acc.component_size,
                acc.byte_length,
                bv,
                acc.buffer_view_index,
            )
    sp = acc.sparse
    if sp is None or sp.count == -1 or sp.indices is None or sp.values is None:
        return
    with ctx.at("sparse"):
        if sp.count > acc.count:
            ctx.add("ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE", sp.count, acc.count, name="count")
        for part_name, part in (("indices", sp.indices), ("values", sp.values)):
            with ctx.at(part_name):
                pbv = lk.resolve(lk.doc.buffer_views, part.buffer_view_index, name="bufferView")
                if pbv is None:
                    continue
                part.buffer_view = pbv
                lk.use_unstrided_view(pbv, "Other", "bufferView", "BUFFER_VIEW_INVALID_BYTE_STRIDE")
                if part_name == "indices":
                    if part.component_type != -1:
                        size = {5121: 1, 5123: 2, 5125: 4}[part.component_type]
                        lk.offset_length(
                            part.byte_offset,
                            size,
                            size * sp.count,
                            pbv,
                            part.buffer_view_index,
                        )
                else:
                    lk.offset_length(
                        part.byte_offset,
                        acc.component_size,
                        acc.component_size * acc.components * sp.count,
                        pbv,
                        part.buffer_view_index,
                    )
