"""Secrets are redacted from log lines (vr_server.logs.redact)."""

from __future__ import annotations

import pytest

from vr_server.logs import redact


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/headset/?enroll=ABCDE-FGHJK&x=1", "/headset/?enroll=[redacted]&x=1"),
        ("/headset?lang=th&ENROLL=abc", "/headset?lang=th&ENROLL=[redacted]"),
        ("/api/results/tok-en_1?x", "/api/results/[redacted]?x"),
        ("/results/tok", "/results/[redacted]"),
        ("/api/results/", "/api/results/"),
        ("/ui/results/results.js", "/ui/results/results.js"),
        ("/api/catalog", "/api/catalog"),
        ('"GET /p/K7FQ-X4MZ HTTP/1.1" 303', '"GET /p/[redacted] HTTP/1.1" 303'),
        ("/p/k7fqx4mz", "/p/[redacted]"),
        ("/ui/p/x.js", "/ui/p/x.js"),
    ],
)
def test_redact(raw: str, expected: str) -> None:
    assert redact(raw) == expected
