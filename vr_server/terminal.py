"""Text for a terminal: what the CLI prints came partly from other people (headset and scene
names, events, visitors' input), so control characters are shown escaped, never sent raw.

`escape_controls` is for plain text (`\\x1b` -> the four characters `\\x1b`); `escape_json` for
JSON text, where such characters can only be inside strings, as `\\u001b` (still valid JSON,
and the same value once parsed).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0, DEL and C1 control characters, and the bidirectional marks and overrides that can make
text read in another order than it is stored."""
_LEFT_RAW_BY_JSON = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""The same but C0, which json.dumps escapes in strings (and whose newlines indent it)."""


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """`text` with each control character written as its escape (`\\x1b`, `\\u202e`)."""
    return _CONTROLS.sub(_escaped, text)


def escape_json(text: str) -> str:
    """JSON `text` (from json.dumps) with the control characters json.dumps leaves raw (DEL,
    C1, bidirectional controls) written as `\\uXXXX` escapes."""
    return _LEFT_RAW_BY_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
