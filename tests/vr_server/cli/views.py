"""A headset and a session as the HTTP API sends them (every field, as the server dumps its
views), for tests that stand in for the server with an httpx.MockTransport."""

from __future__ import annotations

from typing import Any

HEADSET: dict[str, Any] = {
    "id": "h1",
    "name": "Quest-01",
    "online": True,
    "status": "available",
    "battery": 0.8,
    "charging": None,
    "fps": None,
    "session_id": None,
    "scene_id": None,
    "step_id": None,
    "app_version": None,
    "last_seen": None,
    "enrolled_at": "2026-12-06T09:00:00Z",
}
SESSION: dict[str, Any] = {
    "id": "s1",
    "headset_id": "h1",
    "scene_id": "cook",
    "scene_version": "1.0.0",
    "state": "running",
    "language": "en",
    "step_index": 1,
    "step_id": "knife",
    "step_count": 3,
    "next_seq": 4,
    "autostart": True,
    "created_at": "2026-12-06T09:00:00Z",
    "started_at": "2026-12-06T09:00:01Z",
    "ended_at": None,
    "end_reason": None,
    "result": None,
    "step_started_at": None,
    "step_expected_s": None,
    "stuck": False,
    "ticket_label": None,
    "rating": None,
    "result_url": None,
}
