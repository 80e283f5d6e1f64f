"""docs/protocol.md cannot drift from the models: its generated reference (§14) is what
scripts/protocol_doc.py writes today, and every example frame on the page validates against
the models. A frame the server sends must show every field it has, as the server sends it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from tests.support.repo_scripts import load_script
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.headset import (
    Resume,
    headset_message_adapter,
    server_to_headset_adapter,
)
from vr_server.protocol.staff import server_to_staff_adapter, staff_message_adapter

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"
FROM_CLIENTS: list[TypeAdapter[Any]] = [headset_message_adapter, staff_message_adapter]
FROM_SERVER: list[TypeAdapter[Any]] = [server_to_headset_adapter, server_to_staff_adapter]
EVENTS: TypeAdapter[Any] = TypeAdapter(SessionEvent)
FRAGMENTS: list[TypeAdapter[Any]] = [TypeAdapter(Resume)]
"""Examples that are neither a frame nor an event: each must be one of these."""


def _types(adapter: TypeAdapter[Any]) -> set[str]:
    return set(adapter.json_schema()["discriminator"]["mapping"])


TYPES = {id(a): _types(a) for a in [*FROM_CLIENTS, *FROM_SERVER]}


def _script() -> ModuleType:
    return load_script("protocol_doc")


def test_the_generated_reference_is_up_to_date() -> None:
    script = _script()
    doc = DOC.read_text(encoding="utf-8")
    assert script.PAGE.updated(doc) == doc, (
        "docs/protocol.md §14 is out of date: run .venv/bin/python scripts/protocol_doc.py"
    )


def test_the_reference_names_every_frame_and_field() -> None:
    doc = DOC.read_text(encoding="utf-8")
    section = doc[doc.index("<!-- generated:begin") :]
    for adapter in [*FROM_CLIENTS, *FROM_SERVER]:
        for frame_type in TYPES[id(adapter)]:
            assert f"#### `{frame_type}`" in section, frame_type
    telemetry = section[section.index("#### `telemetry`") :]
    telemetry = telemetry[: telemetry.index("\n#### ")]
    assert "| `battery` | number or null | no, `null` | 0 to 1 |" in telemetry
    assert "| `fps` | number or null | no, `null` | 0 to 1000 |" in telemetry


def _examples() -> list[tuple[int, str]]:
    """(line number, text) of every fenced ```json block, indented ones too."""
    doc = DOC.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^( *)```json\n(.*?)^\1```", doc, re.S | re.M):
        found.append((doc.count("\n", 0, match.start()) + 1, match.group(2)))
    return found


EXAMPLES = _examples()


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) > 40  # a regex that finds nothing would pass every test below


def _knows(adapter: TypeAdapter[Any], frame_type: str) -> bool:
    return frame_type in TYPES[id(adapter)]


@pytest.mark.parametrize(("line", "text"), EXAMPLES, ids=[f"line{n}" for n, _ in EXAMPLES])
def test_every_example_validates(line: int, text: str) -> None:
    data = json.loads(text)
    assert isinstance(data, dict), f"line {line}: not an object"
    if "type" in data:
        client = [a for a in FROM_CLIENTS if _knows(a, data["type"])]
        server = [a for a in FROM_SERVER if _knows(a, data["type"])]
        assert client or server, f"line {line}: no socket has a frame {data['type']!r}"
        for adapter in client:
            adapter.validate_python(data)
        for adapter in server:
            frame = adapter.validate_python(data)
            # The server sends every field: the example must show them all, as sent.
            assert json.loads(adapter.dump_json(frame)) == data, f"line {line}: incomplete"
    elif "kind" in data:
        EVENTS.validate_python(data)
    else:
        errors = []
        for adapter in FRAGMENTS:
            try:
                adapter.validate_python(data)
                return
            except ValidationError as exc:
                errors.append(str(exc))
        pytest.fail(f"line {line}: neither a frame, an event nor a fragment: {errors}")
