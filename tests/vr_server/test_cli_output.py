"""Others' words reach an operator's terminal escaped: headset names with control characters
are refused at enrollment, and whatever the CLI prints (tables, JSON, errors) shows control
characters as escapes, never raw (an ANSI sequence could rewrite the screen)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.vr_server.cli.views import HEADSET
from tests.vr_server.cli.views import SESSION as VIEW_SESSION
from vr_server import cli
from vr_server.cli import staff

HOSTILE = "Quest\x1b[2J\x1b[31m\x9b1m\x7f\u202eevil\n"
RAW = ["\x1b", "\x9b", "\x7f", "\u202e"]


HEADSETS = [{**HEADSET, "name": HOSTILE, "step_id": HOSTILE, "battery": 0.5}]
SESSION = {**VIEW_SESSION, "scene_id": HOSTILE, "step_id": HOSTILE}

EVENTS = [
    {
        "seq": 1,
        "kind": HOSTILE,
        "step_id": HOSTILE,
        "event": {"type": HOSTILE},
        "client_at": None,
        "received_at": "2026-12-06T09:00:02Z",
    }
]


def answer(request: httpx.Request) -> httpx.Response:
    """The server, as the staff client sees it through an httpx.MockTransport."""
    path = request.url.path
    if request.method == "POST":
        return httpx.Response(201, json=SESSION)
    if path.startswith("/api/headsets"):
        return httpx.Response(200, json=HEADSETS)
    if path.endswith("/events"):
        return httpx.Response(200, json=EVENTS)
    if path.startswith("/api/sessions/"):
        return httpx.Response(200, json=SESSION)
    return httpx.Response(200, json=[SESSION])


@pytest.fixture
def mock_server(monkeypatch: pytest.MonkeyPatch) -> None:
    def connect(server: str, _token: str | None) -> httpx.Client:
        return httpx.Client(base_url=server, transport=httpx.MockTransport(answer))

    monkeypatch.setattr(staff, "connect", connect)
    monkeypatch.setenv("VR_STAFF_TOKEN", "a-staff-token")


@pytest.mark.usefixtures("mock_server")
@pytest.mark.parametrize(
    "argv", [["headsets"], ["sessions"], ["session", "s1", "--events"], ["assign", "h1", "cook"]]
)
def test_tables_escape_control_characters(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert not [c for c in RAW if c in out]
    assert "\\x1b[2J\\x1b[31m\\x9b1m\\x7f\\u202eevil\\x0a" in out


@pytest.mark.usefixtures("mock_server")
@pytest.mark.parametrize(
    ("argv", "data"),
    [
        (["headsets", "--json"], HEADSETS),
        (["session", "s1", "--events", "--json"], {"session": SESSION, "events": EVENTS}),
    ],
)
def test_json_output_escapes_control_characters_and_stays_the_same_data(
    capsys: pytest.CaptureFixture[str], argv: list[str], data: Any
) -> None:
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert not [c for c in RAW if c in out]
    assert json.loads(out) == data


@pytest.mark.usefixtures("mock_server")
def test_error_messages_escape_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["assign", "no\x1b[2Jsuch", "cook"]) == 1
    err = capsys.readouterr().err
    assert not [c for c in RAW if c in err]
    assert "no\\x1b[2Jsuch" in err
