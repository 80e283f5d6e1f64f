"""The bus channels the server uses, and the envelope of messages on a headset's channel.

- `staff`: frames (JSON text) for every staff connection.
- `headset.<id>`: 'F' + a frame's JSON for that headset's connection, or 'C' + a control word
  (`replaced:<connection id>` tells an older connection of the same headset to step down;
  `watch:<watcher>` and `unwatch:<watcher>` count its spectators: services/watch.py).
- `watch.<id>`: `watched_pose` frames of that headset, for the staff connections watching it.
- `watchers`: a headset's id when it connected, so that every instance re-sends the watch words
  of its connections watching it.
"""

from __future__ import annotations

from typing import Literal

STAFF_CHANNEL = "staff"
WATCHERS_CHANNEL = "watchers"
_FRAME = "F"
_CONTROL = "C"


def headset_channel(headset_id: str) -> str:
    return f"headset.{headset_id}"


def watch_channel(headset_id: str) -> str:
    return f"watch.{headset_id}"


def frame_message(frame_json: str) -> str:
    return _FRAME + frame_json


def control_message(word: str) -> str:
    return _CONTROL + word


def is_frame_message(message: str) -> bool:
    return message.startswith(_FRAME)


def parse_channel_message(message: str) -> tuple[Literal["frame", "control"], str]:
    """('frame', json) or ('control', word)."""
    if message.startswith(_FRAME):
        return "frame", message[1:]
    return "control", message[1:]
