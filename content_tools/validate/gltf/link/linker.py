"""The state and helpers the link checks share (second pass)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.formats import Fmt
from content_tools.validate.gltf.hierarchy import Hierarchy
from content_tools.validate.gltf.objects import (
    Accessor,
    Base,
    BufferView,
    Document,
    format_name,
)

T = TypeVar("T")

_Obj = TypeVar("_Obj", bound=Base)


def lookup(items: Sequence[T | None], index: int) -> T | None:
    if 0 <= index < len(items):
        return items[index]
    return None


_Item = TypeVar("_Item", bound=Base)


class Linker:
    """What the link checks share: the document, the context, the node hierarchy (analysed
    once), and the usage bookkeeping of accessors and buffer views."""

    def __init__(self, doc: Document, ctx: Ctx) -> None:
        self.doc = doc
        self.ctx = ctx
        self._hierarchy: Hierarchy | None = None

    def hierarchy(self) -> Hierarchy:
        """The node hierarchy, analysed once all nodes are linked."""
        if self._hierarchy is None:
            self._hierarchy = Hierarchy(self.doc.nodes)
        return self._hierarchy

    def resolve(
        self,
        items: Sequence[_Item | None],
        index: int,
        *,
        name: str | None = None,
        at: int | None = None,
        pointer: str | None = None,
    ) -> _Item | None:
        """The object `index` refers to (None for -1, no reference), marked used; reports
        UNRESOLVED_REFERENCE at `name`, `at` (an array index) or `pointer` when there is none."""
        if index == -1:
            return None
        item = lookup(items, index)
        if item is None:
            self.ctx.add("UNRESOLVED_REFERENCE", index, name=name, index=at, pointer=pointer)
        else:
            item.used = True
        return item

    def set_usage(self, acc: Accessor, usage: str, name: str) -> None:
        acc.used = True
        if acc.usage is None:
            acc.usage = usage
        elif acc.usage != usage:
            self.ctx.add("ACCESSOR_USAGE_OVERRIDE", acc.usage, usage, name=name)

    def check_format(
        self, acc: Accessor, code: str, allowed: Sequence[Fmt], *args: object, name: str
    ) -> bool:
        """Report `code` (the accessor's format, then the allowed ones in this order, then
        `args`) when the accessor's format is not allowed; True when it is."""
        if acc.format in allowed:
            return True
        expected = tuple(format_name(*f) for f in allowed)
        self.ctx.add(code, acc.format_name(), expected, *args, name=name)
        return False

    def set_view_usage(self, bv: BufferView | None, usage: str, name: str) -> None:
        if bv is None:
            return
        bv.used = True
        if bv.usage is None:
            bv.usage = usage
            if bv.target == -1 and usage in ("VertexBuffer", "IndexBuffer"):
                self.ctx.add("BUFFER_VIEW_TARGET_MISSING", name=name)
        elif bv.usage != usage:
            self.ctx.add("BUFFER_VIEW_TARGET_OVERRIDE", bv.usage, usage, name=name)

    def use_unstrided_view(self, bv: BufferView | None, usage: str, name: str, code: str) -> None:
        """Record `bv`'s usage (set_view_usage) and report `code` at `name` when it has a
        byteStride: the views of indices, images, IBMs, animation and sparse data may not."""
        self.set_view_usage(bv, usage, name)
        if bv is not None and bv.byte_stride != -1:
            self.ctx.add(code, name=name)

    def use_unstrided_accessor(
        self, acc: Accessor, usage: str, view_usage: str, name: str, code: str
    ) -> None:
        """Record the accessor's usage (set_usage), then its buffer view's (use_unstrided_view)."""
        self.set_usage(acc, usage, name)
        self.use_unstrided_view(acc.buffer_view, view_usage, name, code)

    def offset_length(
        self, byte_offset: int, comp_len: int, byte_length: int, bv: BufferView, bv_index: int
    ) -> None:
        ctx = self.ctx
        if byte_offset == -1 or comp_len == 0:
            return
        if byte_offset % comp_len:
            ctx.add("ACCESSOR_OFFSET_ALIGNMENT", byte_offset, comp_len, name="byteOffset")
        total = bv.byte_offset + byte_offset
        if bv.byte_offset != -1 and total % comp_len:
            ctx.add("ACCESSOR_TOTAL_OFFSET_ALIGNMENT", total, comp_len)
        # A bufferView whose byteLength did not parse has -1 there, and the npm reference
        # (2.0.0-dev.3.10) still compares: every offset is then past its end.
        if byte_offset > bv.byte_length:
            ctx.add(
                "ACCESSOR_TOO_LONG",
                byte_offset,
                byte_length,
                bv_index,
                bv.byte_length,
                name="byteOffset",
            )
        elif byte_offset + byte_length > bv.byte_length:
            ctx.add("ACCESSOR_TOO_LONG", byte_offset, byte_length, bv_index, bv.byte_length)

    def each(self, key: str, items: Sequence[_Obj | None], link: Callable[[_Obj], None]) -> None:
        """`link` each present item of the top-level array `key`, pointers set to `/key/i`."""
        with self.ctx.at(key):
            for item in items:
                if item is not None:
                    with self.ctx.at(item.index):
                        link(item)
