"""Accessor data checks, in the reference's order: sparse indices of every accessor, then the
element checks of each accessor, then skinning influences (`influences.py`).

The reference registers element checks per accessor: NaN/infinity (float accessors) and the
declared min/max when it reads the accessor, then what the link pass asks for (unit normals,
tangents, clamped colours, indices, animation inputs and rotations, inverse bind matrices;
`objects.Check`, in registration order). Accessors are checked in the order they got their
first check; within an accessor, messages come out by element (`element_checks.py` finds them,
vectorised), then each check's totals. Decoding is in `accessor_data.py`.
"""

from __future__ import annotations

import numpy as np

from content_tools.validate.gltf.accessor_data import decode_accessor, view_bytes
from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.element_checks import (
    CHECKS,
    Hit,
    Message,
    invalid_floats,
    min_max,
)
from content_tools.validate.gltf.influences import check_influences
from content_tools.validate.gltf.objects import Accessor, Document

__all__ = ["validate_data", "view_bytes"]

_INDEX_DTYPES = {5121: "<u1", 5123: "<u2", 5125: "<u4"}


def _sparse_indices_loose(acc: Accessor) -> np.ndarray | None:
    """The sparse indices as the reference's sparse check reads them: only the buffer's data
    must hold them (the view's declared length is not consulted)."""
    sp = acc.sparse
    if sp is None or sp.indices is None or sp.count < 1:
        return None
    part = sp.indices
    bv = part.buffer_view
    if bv is None or bv.buffer is None or bv.buffer.data is None:
        return None
    dtype_name = _INDEX_DTYPES.get(part.component_type)
    if dtype_name is None or bv.byte_offset < 0 or part.byte_offset < 0:
        return None
    dtype = np.dtype(dtype_name)
    start = bv.byte_offset + part.byte_offset
    if start % dtype.itemsize or start + dtype.itemsize * sp.count > len(bv.buffer.data):
        return None
    return np.frombuffer(bv.buffer.data, dtype=dtype, count=sp.count, offset=start)


def _check_sparse(acc: Accessor, ctx: Ctx, limit: int) -> None:
    idx = _sparse_indices_loose(acc)
    if idx is None:
        return
    values = idx.astype(np.int64)
    pointer = f"/accessors/{acc.index}/sparse"
    non_increasing = np.zeros(len(values), dtype=bool)
    non_increasing[1:] = values[1:] <= values[:-1]
    oob = values >= acc.count
    for i in np.flatnonzero(non_increasing | oob)[:limit]:
        i = int(i)
        if non_increasing[i]:
            args = (i, int(values[i]), int(values[i - 1]))
            ctx.add("ACCESSOR_SPARSE_INDICES_NON_INCREASING", *args, pointer=pointer)
        if oob[i]:
            ctx.add("ACCESSOR_SPARSE_INDEX_OOB", i, int(values[i]), acc.count, pointer=pointer)


def _checked_in_order(doc: Document) -> list[Accessor]:
    """Accessors with element checks, in the order the reference registered their first one:
    float accessors and those with min or max when read, the others at link time."""
    read_time: list[Accessor] = []
    link_time: list[tuple[int, Accessor]] = []
    for acc in doc.accessors:
        if acc is None:
            continue
        if acc.component_type == 5126 or acc.min is not None or acc.max is not None:
            read_time.append(acc)
        elif acc.checks:
            link_time.append((acc.checks[0].seq, acc))
    link_time.sort(key=lambda entry: entry[0])
    return read_time + [acc for _, acc in link_time]


def _check_elements(acc: Accessor, flat: np.ndarray, ctx: Ctx, limit: int) -> None:
    pointer = f"/accessors/{acc.index}"
    hit_lists: list[list[Hit]] = []
    done: list[Message] = []
    if acc.component_type == 5126:
        hit_lists.append(invalid_floats(flat, pointer, limit))
    done.extend(min_max(acc, flat, "min", pointer))
    done.extend(min_max(acc, flat, "max", pointer))
    for check in acc.checks:
        if check.kind == "anim_input" and acc.component_type != 5126:
            continue
        hits, totals = CHECKS[check.kind](acc, flat, check, limit)
        hit_lists.append(hits)
        done.extend(totals)
    non_empty = [(t, hits) for t, hits in enumerate(hit_lists) if hits]
    if len(non_empty) == 1:
        merged = [hit[2] for hit in non_empty[0][1][:limit]]
    else:
        keyed = [(hit[0], t, hit[1], hit[2]) for t, hits in non_empty for hit in hits]
        keyed.sort(key=lambda k: (k[0], k[1], k[2]))
        merged = [k[3] for k in keyed[:limit]]
    for code, args, where in merged:
        ctx.add(code, *args, pointer=where)
    for code, args, where in done:
        ctx.add(code, *args, pointer=where)


def validate_data(doc: Document, ctx: Ctx) -> None:
    """Decode every checked accessor once and run its checks, then the skinning checks."""
    with np.errstate(all="ignore"):
        _validate_data(doc, ctx)


def _has_data(acc: Accessor) -> bool:
    return acc.valid and (acc.buffer_view is not None or acc.sparse is not None)


def _validate_data(doc: Document, ctx: Ctx) -> None:
    limit = ctx.sink.max_messages
    for acc in doc.accessors:
        if acc is not None and acc.sparse is not None and _has_data(acc):
            _check_sparse(acc, ctx, limit)
    cache: dict[int, np.ndarray | None] = {}

    def decoded(acc: Accessor) -> np.ndarray | None:
        if acc.index not in cache:
            cache[acc.index] = decode_accessor(acc) if _has_data(acc) else None
        return cache[acc.index]

    for acc in _checked_in_order(doc):
        arr = decoded(acc)
        if arr is not None and arr.size:
            _check_elements(acc, arr, ctx, limit)
    for mesh in doc.meshes:
        for prim in (mesh.primitives or []) if mesh is not None else []:
            for name, acc in prim.attr_accessors.items():
                if name.startswith(("JOINTS_", "WEIGHTS_")):
                    decoded(acc)
    check_influences(doc, ctx, cache, limit)
