"""The compact pose codec (vr_server/protocol/poses.py): seven integers per pose, round trips
within a millimetre and a fifth of a degree, and a 20 Hz frame under 5 KB/s."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from vr_server.protocol.common import Pose
from vr_server.protocol.headset import headset_message_adapter, server_to_headset_adapter
from vr_server.protocol.poses import (
    DROPPED_FRAMES,
    MAX_MM,
    WATCH_HZ,
    Grabbed,
    PoseFrame,
    PoseRate,
    dequantise,
    quantise,
)


def _angle(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The rotation between two unit quaternions, in degrees."""
    dot = abs(sum(x * y for x, y in zip(a, b, strict=True)))
    return math.degrees(2 * math.acos(min(1.0, dot)))


def _yaw(degrees: float, tilt: float = 0.0) -> tuple[float, float, float, float]:
    h = math.radians(degrees) / 2
    t = math.radians(tilt) / 2
    # yaw about y, then pitch about x
    return (
        math.sin(t) * math.cos(h),
        math.cos(t) * math.sin(h),
        -math.sin(t) * math.sin(h),
        math.cos(t) * math.cos(h),
    )


@pytest.mark.parametrize("yaw", [0.0, 33.3, 179.0, -120.0, 270.0])
def test_round_trip_within_a_millimetre_and_a_fifth_of_a_degree(yaw: float) -> None:
    pose = Pose(position=(-0.2504, 1.6017, 2.3333), orientation=_yaw(yaw, tilt=17.0))
    back = dequantise(quantise(pose))
    for a, b in zip(pose.position, back.position, strict=True):
        assert abs(a - b) <= 0.0005
    assert _angle(pose.orientation, back.orientation) < 0.2
    assert abs(math.sqrt(sum(c * c for c in back.orientation)) - 1) < 1e-9


def test_negative_w_is_sent_as_the_same_rotation_with_w_positive() -> None:
    q = _yaw(30.0)
    flipped = Pose(position=(0, 0, 0), orientation=tuple(-c for c in q))
    six = quantise(flipped)
    assert six == quantise(Pose(position=(0, 0, 0), orientation=q))
    assert _angle(dequantise(six).orientation, q) < 0.2


def test_far_positions_are_clamped_and_unnormalised_quaternions_normalised() -> None:
    six = quantise(Pose(position=(500.0, -500.0, 0.0), orientation=(0.0, 2.0, 0.0, 0.0)))
    assert six == (MAX_MM, -MAX_MM, 0, 0, 1000, 0, 0)


def test_a_full_frame_is_short_and_out_of_range_values_are_refused() -> None:
    head = quantise(Pose(position=(0.123, 1.612, -0.456), orientation=_yaw(41.0, tilt=-12.0)))
    hand = quantise(Pose(position=(-0.251, 1.104, -0.312), orientation=_yaw(-73.0, tilt=30.0)))
    frame = PoseFrame(t=123_456_789, h=head, l=hand, r=hand, g=Grabbed(n="pan_handle", p=hand))
    text = frame.model_dump_json(exclude_none=True)
    assert headset_message_adapter.validate_json(text) == frame
    assert len(text) * WATCH_HZ < 5000  # the budget per watched headset, one way
    # the largest frames: a node held and, after a release, another one let go of
    both = frame.model_copy(update={"d": Grabbed(n="spice_jar", p=head)})
    both_text = both.model_dump_json(exclude_none=True)
    assert headset_message_adapter.validate_json(both_text) == both
    with_d = DROPPED_FRAMES
    assert with_d * len(both_text) + (WATCH_HZ - with_d) * len(text) < 5000
    with pytest.raises(ValidationError):
        headset_message_adapter.validate_python(
            {"type": "pose", "t": 1, "h": [0, 0, 0, 0, 0, 1001, 0]}
        )
    with pytest.raises(ValidationError):
        headset_message_adapter.validate_python({"type": "pose", "t": 1, "h": [0, 0, 0, 0, 0, 1]})
    rate = server_to_headset_adapter.validate_json('{"type":"pose_rate","hz":20}')
    assert rate == PoseRate(hz=20)
