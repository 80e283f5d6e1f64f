"""Every visitor-facing `Reason` is raised somewhere in the server, so the list the headset
app words (tests/headset_client/test_error_wording.py) is exactly what the server can send."""

from __future__ import annotations

import re
from pathlib import Path

import vr_server
from vr_server.protocol.errors import Reason

SOURCE = "\n".join(
    path.read_text("utf-8")
    for path in Path(vr_server.__file__).parent.rglob("*.py")
    if "protocol" not in path.parts
)


def test_every_reason_is_raised_by_the_server() -> None:
    raised = set(re.findall(r"Reason\.([A-Z_]+)", SOURCE))
    assert {r.name for r in Reason} - raised == set()
