"""Export the JSON Schema of the whole wire protocol.

The web client loads the exported file (`headset_client/web/protocol.schema.json`) instead of
a hand-copied twin of these models; `vr-server schema` rewrites it, and a test keeps it in sync.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from vr_server.protocol.headset import HeadsetMessage, ServerToHeadset
from vr_server.protocol.queue import (
    CallTicketRequest,
    CancelTicketRequest,
    CheckIn,
    QueueBoard,
    QueueView,
    Ticket,
    TicketContact,
)
from vr_server.protocol.reports import DayFigures, PublicResult
from vr_server.protocol.staff import ServerToStaff, StaffMessage
from vr_server.protocol.version import PROTOCOL_VERSION

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "headset_client" / "web" / "protocol.schema.json"
)


class _Http(BaseModel):
    """Bodies of the HTTP API that the staff pages and the result page read or send."""

    check_in: CheckIn
    ticket: Ticket
    queue: QueueView
    queue_board: QueueBoard
    call_ticket: CallTicketRequest
    cancel_ticket: CancelTicketRequest
    ticket_contact: TicketContact
    public_result: PublicResult
    day_figures: DayFigures


class _Protocol(BaseModel):
    """Every frame on `/ws/headset` and `/ws/staff`, by direction, and the HTTP bodies of the
    dashboard, queue, statistics and result pages."""

    headset_to_server: HeadsetMessage
    server_to_headset: ServerToHeadset
    staff_to_server: StaffMessage
    server_to_staff: ServerToStaff
    http: _Http


def protocol_json_schema() -> dict[str, Any]:
    schema = _Protocol.model_json_schema()
    schema["title"] = "VR career exploration wire protocol"
    schema["$id"] = f"urn:vr-career:protocol:v{PROTOCOL_VERSION}"
    schema["x-protocol-version"] = PROTOCOL_VERSION
    return schema


def render_schema() -> str:
    return json.dumps(protocol_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema(), encoding="utf-8")
    return path
