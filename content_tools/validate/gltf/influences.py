"""Skinning influences (JOINTS_n / WEIGHTS_n of skinned primitives), checked as the reference
does after every other accessor check, vectorised with numpy.

The reference steps through the influences of all checked primitives together, one component
(of every JOINTS_n/WEIGHTS_n pair of a primitive) per round, so messages of different
primitives interleave by vertex. Per vertex: a joint index past the limiting skin's joints is
out of bounds (its weight is then ignored); a joint used with a non-zero weight must be unique
in the vertex; weights must not be negative, and a non-zero joint with a zero weight is
suspicious; the unique non-negative weights, summed in single precision, must make 1 within
2e-7 per weight summed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from content_tools.validate.gltf.accessor_data import normalized_multiplied
from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.objects import Accessor, Document, Mesh, Primitive

__all__ = ["check_influences"]

_Key = tuple[int, int, int, int]
_Msg = tuple[_Key, str, tuple[Any, ...], str]


def _limit_of(doc: Document, mesh: Mesh) -> tuple[int, int]:
    """(joints count, skin index) of the skin with the fewest joints among the nodes that
    instantiate `mesh` (the first such node wins ties); (-1, -1) without one."""
    max_joints, skin_index = -1, -1
    for node in doc.nodes:
        if node is None or node.mesh is not mesh or node.skin is None:
            continue
        joints = node.skin.joint_indices
        if joints is None:
            continue
        if max_joints == -1 or len(joints) < max_joints:
            max_joints, skin_index = len(joints), node.skin.index
    return max_joints, skin_index


def _usable(acc: Accessor | None, vertex_count: int) -> bool:
    return (
        acc is not None
        and acc.valid
        and (acc.buffer_view is not None or acc.sparse is not None)
        and acc.count == vertex_count
    )


def _streams(
    prim: Primitive, cache: dict[int, np.ndarray | None]
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per JOINTS_n/WEIGHTS_n set, the flat component streams the reference iterates (joint
    values, normalised weights; empty where the data cannot be read), or None when it skips
    the primitive."""
    streams: list[tuple[np.ndarray, np.ndarray]] = []
    for j in range(prim.joints_count):
        ja = prim.attr_accessors.get(f"JOINTS_{j}")
        wa = prim.attr_accessors.get(f"WEIGHTS_{j}")
        if ja is None or wa is None:
            return None
        if not _usable(ja, prim.vertex_count) or not _usable(wa, prim.vertex_count):
            return None
        if ja.component_type == 5126:
            return None  # the reference throws on float joints
        jd, wd = cache.get(ja.index), cache.get(wa.index)
        joints = np.zeros(0, np.int64) if jd is None else jd.reshape(-1).astype(np.int64)
        weights = np.zeros(0) if wd is None else normalized_multiplied(wa, wd).reshape(-1)
        streams.append((joints, weights))
    return streams


def _stop(streams: list[tuple[np.ndarray, np.ndarray]], max_joint: int) -> tuple[int, int]:
    """(round, set) where the reference's checker stops: the first component position where
    a set's joint stream has ended, or its weight stream has ended under a joint that is not
    out of bounds (an out-of-bounds joint is reported without reading its weight)."""
    best = (np.iinfo(np.int64).max, 0)
    for j, (joints, weights) in enumerate(streams):
        stop = len(joints)
        if len(weights) < stop:
            tail = np.flatnonzero(joints[len(weights) :] <= max_joint)
            if len(tail):
                stop = len(weights) + int(tail[0])
        best = min(best, (stop, j))
    return best


def _matrix(columns: list[np.ndarray], rounds: int, sets: int) -> np.ndarray:
    """(vertices, 4 * sets): column k = component c of set j, k = c * sets + j, the order in
    which the reference visits a vertex; positions past a stream's end are zero."""
    padded = -(-rounds // 4) * 4
    out = np.zeros((padded, sets), dtype=columns[0].dtype)
    for j, col in enumerate(columns):
        n = min(len(col), padded)
        out[:n, j] = col[:n]
    return out.reshape(padded // 4, 4 * sets)


def _primitive_messages(
    prim: Primitive,
    order: int,
    limit_joints: int,
    skin_index: int,
    cache: dict[int, np.ndarray | None],
    max_messages: int,
) -> list[_Msg]:
    """The reference reads each set's joints and weights as flat streams of components,
    paired by position whatever the accessors' types, 4 positions to a vertex."""
    streams = _streams(prim, cache)
    if not streams:
        return []
    sets = len(streams)
    max_joint = limit_joints - 1
    stop_round, stop_set = _stop(streams, max_joint)
    rounds = stop_round + 1 if stop_set else stop_round
    if rounds <= 0:
        return []
    joints = _matrix([js for js, _ in streams], rounds, sets)
    weights = _matrix([ws.astype(np.float64) for _, ws in streams], rounds, sets)
    position = np.arange(joints.size).reshape(joints.shape)
    active = (position // sets < stop_round) | (
        (position // sets == stop_round) & (position % sets < stop_set)
    )
    oob = active & (joints > max_joint)
    nonzero = active & (weights != 0) & ~oob
    dup = np.zeros_like(oob)
    for k in range(1, 4 * sets):
        for earlier in range(k):
            dup[:, k] |= nonzero[:, earlier] & (joints[:, earlier] == joints[:, k])
    dup &= nonzero
    negative = nonzero & (weights < 0)
    summed = nonzero & ~negative & ~dup
    zero = active & ~oob & (weights == 0) & (joints != 0)
    total = np.zeros(len(weights))
    threshold = np.zeros(len(weights))
    for k in range(4 * sets):
        col = summed[:, k]
        total = np.where(col, (total + weights[:, k]).astype(np.float32), total)
        threshold = np.where(col, threshold + 2e-7, threshold)
    total = total.astype(np.float64)
    complete = np.arange(len(weights)) * 4 + 3 < stop_round
    unnormalized = complete & (np.abs(total - 1.0) > threshold)

    base = prim.pointer + "/attributes/"
    out: list[_Msg] = []
    flagged = oob | dup | negative | zero
    for v, k in np.argwhere(flagged)[: max_messages * 2]:
        v, k = int(v), int(k)
        c, j = divmod(k, sets)
        pos = v * 4 + c
        key = (pos, order, j, 0)
        joint = int(joints[v, k])
        if oob[v, k]:
            args: tuple[Any, ...] = (pos, c, joint, max_joint, skin_index)
            out.append((key, "ACCESSOR_JOINTS_INDEX_OOB", args, f"{base}JOINTS_{j}"))
            continue
        if dup[v, k]:
            args = (pos, c, joint)
            out.append((key, "ACCESSOR_JOINTS_INDEX_DUPLICATE", args, f"{base}JOINTS_{j}"))
        if negative[v, k]:
            args = (pos, c, float(weights[v, k]))
            out.append(
                ((pos, order, j, 1), "ACCESSOR_WEIGHTS_NEGATIVE", args, f"{base}WEIGHTS_{j}")
            )
        if zero[v, k]:
            args = (pos, c, joint)
            out.append((key, "ACCESSOR_JOINTS_USED_ZERO_WEIGHT", args, f"{base}JOINTS_{j}"))
    for v in np.flatnonzero(unnormalized)[:max_messages]:
        pos = int(v) * 4 + 3
        for j in range(sets):
            args = (pos - 3, pos, float(total[v]))
            key = (pos, order, sets + j, 0)
            out.append((key, "ACCESSOR_WEIGHTS_NON_NORMALIZED", args, f"{base}WEIGHTS_{j}"))
    return out


def check_influences(
    doc: Document, ctx: Ctx, cache: dict[int, np.ndarray | None], max_messages: int
) -> None:
    """Report the influence checks of every skinned primitive, in the reference's order."""
    messages: list[_Msg] = []
    order = 0
    for mesh in doc.meshes:
        if mesh is None or not mesh.primitives:
            continue
        if all(p.joints_count == 0 for p in mesh.primitives):
            continue
        limit_joints, skin_index = _limit_of(doc, mesh)
        if limit_joints < 1:
            continue
        for prim in mesh.primitives:
            if prim.joints_count == 0:
                continue
            found = _primitive_messages(prim, order, limit_joints, skin_index, cache, max_messages)
            messages.extend(found)
            order += 1
    messages.sort(key=lambda m: m[0])
    for _key, code, args, pointer in messages[:max_messages]:
        ctx.add(code, *args, pointer=pointer)
