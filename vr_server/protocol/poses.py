"""Compact pose frames: what a watched headset sends up to 20 times a second, and the codec.

A pose is seven integers, `[x, y, z, qx, qy, qz, qw]`: the position in millimetres and the
orientation quaternion times 1000, in the scene's coordinates (metres, y up, the scene's origin
on the floor), with qw >= 0 (q and -q are the same rotation). Leaving qw out (it follows from
the others) would save four bytes a pose but loses up to a degree near half-turns, where qw is
close to 0. A millimetre and a thousandth of a quaternion component (under 0.15 degree) are
below what a spectator can see; a frame with head, both hands and a grabbed node is about 190
bytes of JSON, under 4 KB/s at 20 Hz (bench/watch.py, docs/benchmarks.md).

While nobody watches a headset its poses ride in `telemetry` (twice a second, full `Pose`
objects); while at least one staff client watches it (`watch` on `/ws/staff`), the server sends
it `pose_rate` with `hz` 20 and the headset adds `pose` frames at that rate, which the server
relays to the watchers as `watched_pose`. `pose_rate` with `hz` 2 stops them again.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from vr_server.protocol.common import Id, Pose, Wire

MM = 1000
"""Position units per metre."""
Q = 1000
"""Quaternion units per 1.0."""
MAX_MM = 100_000
"""±100 m: further than any venue."""
WATCH_HZ = 20
"""The pose rate while someone watches."""
IDLE_HZ = 2
"""The pose rate (of telemetry) while nobody watches."""
DROPPED_FRAMES = 6
"""How many frames after a release carry the node let go of (`d`): 0.3 s at 20 Hz, so one lost
frame does not lose it (counted, not timed: a slow headset still sends them), and a second of
frames stays under 5 KB."""

Millimetres = Annotated[int, Field(ge=-MAX_MM, le=MAX_MM)]
QuatPart = Annotated[int, Field(ge=-Q, le=Q)]
QPose = tuple[Millimetres, Millimetres, Millimetres, QuatPart, QuatPart, QuatPart, QuatPart]
"""[x, y, z] in millimetres, then the quaternion [x, y, z, w] x 1000 with w >= 0."""
Seven = tuple[int, int, int, int, int, int, int]


class Grabbed(Wire):
    n: Id = Field(description="The grabbed node's name in the scene's glTF.")
    p: QPose = Field(description="Its pose in the scene (world) coordinates.")


class PoseFields(Wire):
    t: int = Field(
        ge=0,
        le=2**53,
        description="Milliseconds on the headset's clock (any origin): orders "
        "the frames and spaces them for interpolation.",
    )
    h: QPose | None = Field(default=None, description="Head.")
    l: QPose | None = Field(default=None, description="Left hand or controller.")  # noqa: E741
    r: QPose | None = Field(default=None, description="Right hand or controller.")
    g: Grabbed | None = Field(default=None, description="The node the visitor holds, if any.")
    d: Grabbed | None = Field(
        default=None,
        description="A node the visitor let go of, where it rests now: where they put it, or "
        "back where it was (put down in a wrong place). Sent in the 6 frames after the "
        "release, so a spectator that missed one still moves it.",
    )


class PoseFrame(PoseFields):
    """Headset to server, only after `pose_rate` asked for more than 2 Hz: head, hands and the
    grabbed node in seven integers each (vr_server/protocol/poses.py). Not stored; relayed to the
    staff clients watching this headset."""

    type: Literal["pose"] = "pose"


class PoseRate(Wire):
    """How often to send `pose` frames: 20 while a staff client watches the headset, 2 when
    nobody does (then no `pose` frames at all: the poses of `telemetry` are enough)."""

    type: Literal["pose_rate"] = "pose_rate"
    hz: int = Field(ge=1, le=WATCH_HZ)


class WatchedPose(PoseFields):
    """Server to the staff clients that `watch` a headset: its `pose` frame as the headset sent
    it, with the headset's id."""

    type: Literal["watched_pose"] = "watched_pose"
    headset_id: str


def quantise(pose: Pose) -> Seven:
    """A `Pose` (metres, unit quaternion x, y, z, w) as seven integers."""
    x, y, z = pose.position
    qx, qy, qz, qw = pose.orientation
    norm = math.sqrt(qx * qx + qy * qy + qz * qz + qw * qw) or 1.0
    sign = -1.0 if qw < 0 else 1.0
    k = sign * Q / norm
    return (
        _clamp(round(x * MM), MAX_MM),
        _clamp(round(y * MM), MAX_MM),
        _clamp(round(z * MM), MAX_MM),
        _clamp(round(qx * k), Q),
        _clamp(round(qy * k), Q),
        _clamp(round(qz * k), Q),
        _clamp(round(qw * k), Q),
    )


def dequantise(q: Seven) -> Pose:
    """The `Pose` seven integers stand for (the quaternion renormalised)."""
    x, y, z, w = q[3] / Q, q[4] / Q, q[5] / Q, q[6] / Q
    norm = math.sqrt(x * x + y * y + z * z + w * w) or 1.0
    return Pose(
        position=(q[0] / MM, q[1] / MM, q[2] / MM),
        orientation=(x / norm, y / norm, z / norm, w / norm),
    )


def _clamp(value: int, limit: int) -> int:
    return max(-limit, min(limit, value))
