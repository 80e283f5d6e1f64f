"""Sound cues in the script format, and telling sound files by their first bytes."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from content_tools.format.scene import Script, SoundCue
from content_tools.format.sounds import sniff_sound

STEPS: list[dict[str, Any]] = [
    {"id": "start", "title": {"th": "เริ่ม", "en": "Start"}, "narration": {"th": "ก", "en": "a"}},
    {
        "id": "move",
        "title": {"th": "ย้าย", "en": "Move"},
        "narration": {"th": "ก", "en": "a"},
        "action": {"kind": "grab_place", "node": "cup", "target": "tray"},
    },
]


def cue(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "ding",
        "file": "sounds/ding.ogg",
        "node": "tray",
        "start": [{"event": "place", "step": "move"}],
    }
    return {**base, **changes}


def script(*cues: dict[str, Any]) -> Script:
    return Script.model_validate({"steps": STEPS, "sounds": list(cues)})


def test_a_cue_has_defaults_and_its_triggers() -> None:
    parsed = script(cue(), cue(id="room", start=[{"event": "session_start"}], loop=True))
    first = parsed.sounds[0]
    assert isinstance(first, SoundCue)
    assert (first.loop, first.volume, first.ref_distance_m) == (False, 1.0, 1.0)
    assert parsed.sounds[1].start[0].step is None
    assert "tray" in parsed.referenced_nodes()


def test_a_script_without_sounds_serialises_as_before() -> None:
    assert "sounds" not in script().model_dump(mode="json")
    assert script(cue()).model_dump(mode="json")["sounds"][0]["id"] == "ding"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"start": [{"event": "step_started", "step": "nope"}]}, "not a step of the script"),
        ({"stop": [{"event": "step_completed", "step": "gone"}]}, "not a step of the script"),
        ({"start": [{"event": "grab", "step": "start"}]}, "needs a grab_place step"),
        ({"start": [{"event": "session_start", "step": "move"}]}, "names no step"),
        ({"start": [{"event": "step_started"}]}, "needs the step"),
        ({"start": []}, "at least 1"),
        ({"volume": 1.5}, "less than or equal to 1"),
        ({"file": "/etc/passwd"}, "should match pattern"),
        ({"start": [{"event": "explode", "step": "move"}]}, "session_start"),
    ],
)
def test_bad_cues_are_refused_with_a_clear_reason(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        script(cue(**changes))


def test_sound_ids_are_unique() -> None:
    with pytest.raises(ValidationError, match="'ding' is used twice"):
        script(cue(), cue(node="cup"))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"OggS\x00\x02" + bytes(6), "audio/ogg"),
        (b"RIFF\x10\x00\x00\x00WAVE", "audio/wav"),
        (b"ID3\x04\x00\x00" + bytes(6), "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + bytes(8), "audio/mpeg"),
        (b"\x89PNG\r\n\x1a\n" + bytes(4), None),
        (b"RIFF\x10\x00\x00\x00AVI ", None),
        (b"", None),
    ],
)
def test_sniff_sound(head: bytes, kind: str | None) -> None:
    assert sniff_sound(head) == kind
