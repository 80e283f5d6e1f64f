"""`TelemetrySender`: at most one frame every half second, and only sent frames count."""

from __future__ import annotations

from headset_client.telemetry import TelemetrySender
from vr_server.protocol.common import Pose
from vr_server.protocol.headset import HeadsetMessage, Telemetry


class Wire:
    def __init__(self) -> None:
        self.now = 100.0
        self.up = True
        self.frames: list[HeadsetMessage] = []

    async def send(self, frame: HeadsetMessage) -> bool:
        if self.up:
            self.frames.append(frame)
        return self.up


async def test_at_most_one_frame_every_half_second() -> None:
    wire = Wire()
    sender = TelemetrySender(wire.send, clock=lambda: wire.now)
    assert await sender.send(fps=72.0)
    wire.now += 0.3
    assert not await sender.send(fps=71.0)
    wire.now += 0.2
    assert await sender.send(fps=70.0)
    assert [f.fps for f in wire.frames if isinstance(f, Telemetry)] == [72.0, 70.0]


async def test_a_frame_that_was_not_sent_does_not_count() -> None:
    wire = Wire()
    sender = TelemetrySender(wire.send, clock=lambda: wire.now)
    wire.up = False
    assert not await sender.send(battery=0.5)
    wire.up = True
    assert await sender.send(battery=0.5)  # at once: the failed one did not count


async def test_the_frame_carries_every_field() -> None:
    wire = Wire()
    head = Pose(position=(0.0, 1.6, 0.0), orientation=(0.0, 0.0, 0.0, 1.0))
    await TelemetrySender(wire.send, clock=lambda: 0.0).send(
        fps=72.0, battery=0.8, charging=True, step_id="intro", head=head
    )
    assert wire.frames == [
        Telemetry(fps=72.0, battery=0.8, charging=True, step_id="intro", head=head)
    ]
