"""Store records for the tests that write rows directly (storage and store-contract tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vr_server.storage.records import SessionRecord


def session_record(headset_id: str, now: datetime, **fields: Any) -> SessionRecord:
    """Session "s1" of scene cook 1.0.0, running, at row version 1, created and updated at
    `now`; `fields` replace any of its fields."""
    row: dict[str, Any] = {
        "id": "s1",
        "headset_id": headset_id,
        "scene_id": "cook",
        "scene_version": "1.0.0",
        "state": "running",
        "machine": {},
        "result": None,
        "created_at": now,
        "updated_at": now,
        "row_version": 1,
    }
    return SessionRecord(**{**row, **fields})
