"""Others' words reach an operator's terminal escaped: headset names with control characters
are refused at enrollment, and whatever the CLI prints (tables, JSON, errors) shows control
characters as escapes, never raw (an ANSI sequence could rewrite the screen)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vr_server import cli

HOSTILE = "Quest\x1b[2J\x1b[31m\x9b1m\x7f\u202eevil\n"
RAW = ["\x1b", "\x9b", "\x7f", "\u202e"]


HEADSETS = [
    {
        "id": "h1",
        "name": HOSTILE,
        "online": True,
        "status": "available",
        "scene_id": None,
        "step_id": HOSTILE,
        "battery": 0.5,
    }
]
SESSION = {
    "id": "s1",
    "scene_id": HOSTILE,
    "state": "running",
    "step_index": 0,
    "step_count": 3,
    "step_id": HOSTILE,
}

EVENTS = [{"seq": 1, "kind": HOSTILE, "step_id": HOSTILE}]


def answer(_args: Any, method: str, path: str, _body: Any = None) -> Any:
    if method == "POST":
        return SESSION
    if path.startswith("/api/headsets"):
        return HEADSETS
    if path.endswith("/events"):
        return EVENTS
    if path.startswith("/api/sessions/"):
        return SESSION
    return [SESSION]


@pytest.mark.parametrize(
    "argv", [["headsets"], ["sessions"], ["session", "s1", "--events"], ["assign", "h1", "cook"]]
)
def test_tables_escape_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.setattr(cli, "_request", answer)
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert not [c for c in RAW if c in out]
    assert "\\x1b[2J\\x1b[31m\\x9b1m\\x7f\\u202eevil\\x0a" in out


@pytest.mark.parametrize(
    ("argv", "data"),
    [
        (["headsets", "--json"], HEADSETS),
        (["session", "s1", "--events", "--json"], {"session": SESSION, "events": EVENTS}),
    ],
)
def test_json_output_escapes_control_characters_and_stays_the_same_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], data: Any
) -> None:
    monkeypatch.setattr(cli, "_request", answer)
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert not [c for c in RAW if c in out]
    assert json.loads(out) == data


def test_error_messages_escape_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "_request", answer)
    assert cli.main(["assign", "no\x1b[2Jsuch", "cook"]) == 1
    err = capsys.readouterr().err
    assert not [c for c in RAW if c in err]
    assert "no\\x1b[2Jsuch" in err
