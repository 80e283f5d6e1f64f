"""The call_staff throttle: one alert per headset per interval."""

from __future__ import annotations

from vr_server.services.call_staff import CALL_STAFF_INTERVAL_S, CallStaffThrottle


def test_a_headset_may_call_again_after_the_interval() -> None:
    now = [1000.0]
    throttle = CallStaffThrottle(clock=lambda: now[0])
    assert throttle.allow("a")
    assert throttle.allow("b")  # per headset
    now[0] += CALL_STAFF_INTERVAL_S - 0.1
    assert not throttle.allow("a")
    now[0] += 0.1
    assert throttle.allow("a")
    assert not throttle.allow("a")
    assert CALL_STAFF_INTERVAL_S == 10.0
