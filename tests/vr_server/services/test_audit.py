"""The audit service: parsing --since, and log lines that escape what a client sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vr_server.errors import Invalid
from vr_server.services.audit import parse_since
from vr_server.storage.audit import AuditFilter


def test_parse_since() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert parse_since("30m", now) == now - timedelta(minutes=30)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("2026-12-06", now) == datetime(2026, 12, 6, tzinfo=UTC)
    assert parse_since("2026-12-06T09:00+07:00", now) == datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    with pytest.raises(Invalid):
        parse_since("last week", now)


async def test_log_line_escapes_what_a_client_sent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from vr_server.services.audit import Actor, AuditService
    from vr_server.storage import open_store

    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        caplog.set_level("INFO", logger="vr_server.services.audit")
        audit = AuditService(store)
        await audit.record("login_failed", Actor(None, "anonymous", "10.0.0.9"), target="\x1b[31mx")
        (entry,) = await store.audit.entries(AuditFilter())
        assert entry.target == "\x1b[31mx"  # stored as sent
        assert "\x1b" not in caplog.text
        assert "on \\x1b[31mx" in caplog.text
    finally:
        await store.close()
