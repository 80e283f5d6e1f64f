"""Watching across two instances (one Redis): a headset connected to A is watched by staff on
B and on A; its poses reach both; when it reconnects to B, A's watcher raises its rate again;
its rate drops to 2 Hz only after both watchers have gone."""

from __future__ import annotations

import pytest

from tests.support.cluster import Cluster, staff_socket
from tests.support.sockets import hello_headset, welcomed
from tests.support.watching import POSE, next_rate, relayed_pose, watch

pytestmark = pytest.mark.slow


async def test_a_headset_on_a_is_watched_from_b(cluster: Cluster) -> None:
    a, b = cluster.a, cluster.b
    token = a.staff_token()
    headset, enrolled = await hello_headset(a, a.enrollment_code())
    hid = enrolled["headset_id"]
    on_b, _ = await staff_socket(b, token)
    on_a, _ = await staff_socket(a, token)
    try:
        await watch(on_b, hid)
        assert await next_rate(headset) == 20
        await watch(on_a, hid)
        await headset.send({**POSE, "t": 1})
        assert (await relayed_pose(on_b, 1))["headset_id"] == hid
        assert (await relayed_pose(on_a, 1))["g"] == POSE["g"]
        await on_b.close()  # B's watcher disconnects: A still watches
        await headset.send({**POSE, "t": 2})
        assert (await relayed_pose(on_a, 2))["r"] == POSE["r"]
        # the headset moves to B: A's watcher tells it through Redis that it is watched
        await headset.close()
        headset = await welcomed(b, enrolled["device_id"], enrolled["device_token"])
        assert await next_rate(headset) == 20
        await headset.send({**POSE, "t": 3})
        assert (await relayed_pose(on_a, 3))["h"] == POSE["h"]
        await watch(on_a, hid, "unwatch")
        assert await next_rate(headset) == 2
    finally:
        await on_a.close()
        await headset.close()
