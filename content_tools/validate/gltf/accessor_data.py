"""Reading an accessor's elements as the reference does, vectorised with numpy: strides, matrix
column padding, sparse substitution, and the two ways it normalises integer components.

An accessor decodes to its component stream (flat): the element checks take whole elements
from it where they need them. Data is only read where it really is (buffer bytes present and
the accessor fits them), so the memory used is bounded by the file sizes, never by counts
the JSON claims. When the reference
would yield no element at all (misaligned offsets, data past the buffer view or the buffer, a
sparse part it cannot read), `decode_accessor` returns None.
"""

from __future__ import annotations

import numpy as np

from content_tools.validate.gltf.objects import Accessor, BufferView, SparsePart

__all__ = [
    "DTYPES",
    "MAX_ZERO_FILLED",
    "decode_accessor",
    "normalized_divided",
    "normalized_multiplied",
    "sparse_indices",
    "view_bytes",
]

MAX_ZERO_FILLED = 1 << 24
"""Sparse accessors without a bufferView are zero-filled up to this many components."""

DTYPES = {5120: "<i1", 5121: "<u1", 5122: "<i2", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
_INDEX_TYPES = (5121, 5123, 5125)
_DIVIDERS = {5120: 127.0, 5121: 255.0, 5122: 32767.0, 5123: 65535.0, 5125: 4294967295.0}
_SIGNED = (5120, 5122)


def view_bytes(bv: BufferView | None) -> memoryview | None:
    """The bytes of a buffer view, if its buffer's data is loaded and the view fits it."""
    if bv is None or bv.buffer is None or bv.buffer.data is None:
        return None
    if bv.byte_offset < 0 or bv.byte_length < 0:
        return None
    data = bv.buffer.data
    if bv.byte_offset + bv.byte_length > len(data):
        return None
    return memoryview(data)[bv.byte_offset : bv.byte_offset + bv.byte_length]


def _span(bv: BufferView | None, offset: int, size: int, length: int) -> memoryview | None:
    """`length` bytes at `offset` in the view `bv`, as the reference checks them: the local and
    the total offsets are multiples of the component `size`, the span fits the view's declared
    length and the buffer's data."""
    if bv is None or bv.buffer is None or bv.buffer.data is None:
        return None
    if offset < 0 or bv.byte_offset < 0 or bv.byte_length < 0 or size <= 0:
        return None
    start = bv.byte_offset + offset
    if offset % size or start % size or offset + length > bv.byte_length:
        return None
    data = bv.buffer.data
    if start + length > len(data):
        return None
    return memoryview(data)[start : start + length]


def sparse_indices(acc: Accessor) -> np.ndarray | None:
    """The sparse indices of `acc` (sparse.count of them), or None when unreadable."""
    sp = acc.sparse
    if sp is None or sp.indices is None or sp.count < 1:
        return None
    part: SparsePart = sp.indices
    if part.component_type not in _INDEX_TYPES:
        return None
    dtype = np.dtype(DTYPES[part.component_type])
    raw = _span(part.buffer_view, part.byte_offset, dtype.itemsize, dtype.itemsize * sp.count)
    if raw is None:
        return None
    return np.frombuffer(raw, dtype=dtype, count=sp.count)


def _substitute(acc: Accessor, base: np.ndarray) -> np.ndarray | None:
    """`base` (a flat component stream) with the sparse values substituted."""
    sp = acc.sparse
    if sp is None or sp.count > acc.count or sp.indices is None or sp.values is None:
        return None
    if acc.components == 0:
        return base
    idx = sparse_indices(acc)
    dtype = np.dtype(DTYPES[acc.component_type])
    comps = acc.components
    values = sp.values
    n = sp.count * comps
    raw = _span(values.buffer_view, values.byte_offset, dtype.itemsize, dtype.itemsize * n)
    if idx is None or raw is None:
        return None
    vals = np.frombuffer(raw, dtype=dtype, count=n).reshape(sp.count, comps)
    # The reference walks the elements once, moving to the next sparse index only after a
    # match: only the leading run of increasing, in-range indices is ever substituted.
    idx64 = idx.astype(np.int64)
    ok = idx64 < acc.count
    if len(idx64) > 1:
        ok[1:] &= idx64[1:] > idx64[:-1]
    bad = np.flatnonzero(~ok)
    run = int(bad[0]) if len(bad) else len(idx64)
    out = np.array(base, copy=True)
    whole = len(out) - len(out) % comps
    out[:whole].reshape(-1, comps)[idx64[:run]] = vals[:run]
    return out


def _padded_rows(acc: Accessor) -> int:
    """Rows of a matrix whose columns are padded to 4 bytes (1-byte MAT2/MAT3, 2-byte MAT3)."""
    if acc.component_type in (5120, 5121) and acc.type in ("MAT2", "MAT3"):
        return 2 if acc.type == "MAT2" else 3
    return 3 if acc.component_type in (5122, 5123) and acc.type == "MAT3" else 0


def _strided(acc: Accessor, raw: memoryview, dtype: str, size: int) -> np.ndarray:
    """The component stream of an accessor in a buffer view, as the reference reads it: a
    typed view of byteLength // size components, stepping byteStride // size components
    from one element to the next (a byteStride that is no multiple of the component size
    thus yields other values, and more of them, than `count` elements); padded matrix
    columns start every 4 components."""
    comps, stride = acc.components, acc.stride
    total = acc.byte_length // size
    if comps == 0:  # an unknown type: every component of the view, one run
        return np.frombuffer(raw, dtype=dtype, count=total)
    rows = _padded_rows(acc)
    if stride % size == 0:
        shape: tuple[int, ...] = (acc.count, comps)
        strides: tuple[int, ...] = (stride, size)
        if rows:
            shape, strides = (acc.count, rows, rows), (stride, 4 * size, size)
        return np.ndarray(shape=shape, dtype=dtype, buffer=raw, strides=strides).reshape(-1)
    typed = np.frombuffer(raw, dtype=dtype, count=total)
    within = (
        (np.arange(rows)[:, None] * 4 + np.arange(rows)).reshape(-1) if rows else np.arange(comps)
    )
    positions = (np.arange(0, total, stride // size)[:, None] + within).reshape(-1)
    stream: np.ndarray = typed[positions[positions < total]]
    return stream


def decode_accessor(acc: Accessor) -> np.ndarray | None:
    """The accessor's components in the order the reference reads them (a flat array of the
    raw values), or None."""
    if not acc.valid or not acc.layout_ok or acc.component_type not in DTYPES:
        return None
    dtype = DTYPES[acc.component_type]
    comps = acc.components
    size = acc.component_size
    base: np.ndarray
    if acc.buffer_view is not None:
        if acc.stride < acc.element_length or acc.count < 1:
            return None
        raw = _span(acc.buffer_view, acc.byte_offset, size, acc.byte_length)
        if raw is None:
            return None
        base = _strided(acc, raw, dtype, size)
    elif acc.sparse is not None:
        if acc.count * comps > MAX_ZERO_FILLED:
            return None
        base = np.zeros(acc.count * comps, dtype=dtype)
    else:
        return None
    if acc.sparse is not None:
        return _substitute(acc, base)
    return base


def normalized_divided(acc: Accessor, arr: np.ndarray) -> np.ndarray:
    """Components as doubles, normalised (when the accessor is) by division, as the
    reference's element checks do (unit vectors, quaternions)."""
    ct = acc.component_type
    values = arr.astype(np.float64)
    if ct == 5126 or not acc.normalized or ct not in _DIVIDERS:
        return values
    values /= _DIVIDERS[ct]
    if ct in _SIGNED:
        np.maximum(values, -1.0, out=values)
    return values


def normalized_multiplied(acc: Accessor, arr: np.ndarray) -> np.ndarray:
    """Components as doubles, integer types always normalised by multiplying with the
    reciprocal of the divider, as the reference's skinning weights are read. Its npm build
    computes the divider of UNSIGNED_INT (not a valid weights type) as `(1 << 32) - 1` in
    JavaScript, where the shift gives 0: such weights come out negated."""
    ct = acc.component_type
    values = arr.astype(np.float64)
    if ct == 5126 or ct not in _DIVIDERS:
        return values
    values *= -1.0 if ct == 5125 else 1.0 / _DIVIDERS[ct]
    if ct in _SIGNED:
        np.maximum(values, -1.0, out=values)
    return values
