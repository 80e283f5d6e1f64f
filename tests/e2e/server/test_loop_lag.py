"""A real server's /health shows the event loop's lag."""

from __future__ import annotations

import time

from tests.support.harness import ServerProcess
from tests.support.http import http


def test_health_shows_the_loop(server: ServerProcess) -> None:
    deadline = time.monotonic() + 10
    while True:
        loop = http().get(server.url + "/health").json()["loop"]
        if loop is not None and loop["samples"] > 0:
            break
        assert time.monotonic() < deadline, "no loop figures in /health"
        time.sleep(0.1)
    assert loop["interval_ms"] == 10
    assert sum(loop["histogram"].values()) == loop["samples"]
    assert set(loop["gc"]) == {"0", "1", "2"}
    assert loop["longest_ms"] >= loop["recent_max_ms"] >= 0
    assert isinstance(loop["recent_stalls"], list)
