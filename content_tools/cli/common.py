"""What the `vr-content` commands share: one way to report a problem and to write JSON."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO


def print_error(message: str) -> None:
    """`error: message` on stderr: the one line a problem is reported with."""
    print(f"error: {message}", file=sys.stderr)


def write_json(
    data: Any, stream: TextIO | None = None, *, indent: int | None = None, ascii_only: bool = True
) -> None:
    """`data` as one JSON document, keys sorted, on `stream` (default stdout).

    stdout may not be UTF-8 (a Windows console): non-ASCII is escaped there; files are UTF-8."""
    out = sys.stdout if stream is None else stream
    out.write(json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=ascii_only) + "\n")
    out.flush()
