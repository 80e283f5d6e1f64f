"""The JSON Schema of the whole wire protocol, as a dict or as the exact text to publish.

This module only produces the schema; where it goes is the caller's choice. The headset web app
loads it from its folder (`vr_server.api.web.PROTOCOL_SCHEMA_FILE`) instead of a hand-copied
twin of these models; `vr-server schema` writes it there, and a test keeps it in sync.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from vr_server.protocol import queue as q
from vr_server.protocol.distribution import DistributionView
from vr_server.protocol.headset import HeadsetMessage, ServerToHeadset
from vr_server.protocol.reports import DayFigures, PublicResult
from vr_server.protocol.staff import ServerToStaff, StaffMessage
from vr_server.protocol.version import PROTOCOL_VERSION


class _Http(BaseModel):
    """Bodies of the HTTP API that the staff pages and the result page read or send."""

    check_in: q.CheckIn
    ticket: q.Ticket
    queue: q.QueueView
    queue_board: q.QueueBoard
    call_ticket: q.CallTicketRequest
    cancel_ticket: q.CancelTicketRequest
    ticket_contact: q.TicketContact
    public_result: PublicResult
    day_figures: DayFigures
    distribution: DistributionView


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
    """The schema as published: sorted keys, two-space indent, UTF-8 text, a final newline."""
    return json.dumps(protocol_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
