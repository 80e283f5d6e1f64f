"""The exported JSON Schema is what the web client loads: it must match the pydantic models."""

from __future__ import annotations

import json

from vr_server.api.web import PROTOCOL_SCHEMA_FILE
from vr_server.protocol.schema import protocol_json_schema, render_schema
from vr_server.protocol.version import PROTOCOL_VERSION


def test_exported_schema_file_is_in_sync_with_the_models() -> None:
    assert PROTOCOL_SCHEMA_FILE.read_text(encoding="utf-8") == render_schema(), (
        "headset_client/web/protocol.schema.json is stale: run `vr-server schema`"
    )


def test_schema_covers_every_frame_type_of_each_direction() -> None:
    schema = protocol_json_schema()
    assert schema["x-protocol-version"] == PROTOCOL_VERSION
    props = schema["properties"]
    for direction, types in {
        "headset_to_server": {
            "hello",
            "loading",
            "ready",
            "load_failed",
            "event",
            "telemetry",
            "pose",
            "request_scene",
            "ping",
            "command_ack",
            "rating",
            "call_staff",
            "cache_inventory",
            "download_request",
            "download_progress",
        },
        "server_to_headset": {
            "welcome",
            "assignment",
            "ack",
            "command",
            "pose_rate",
            "result",
            "rated",
            "pong",
            "error",
            "distribution",
            "download_grant",
            "download_stop",
        },
        "staff_to_server": {
            "auth",
            "assign",
            "session_command",
            "message",
            "ping",
            "call_ticket",
            "set_status",
            "watch",
            "unwatch",
        },
        "server_to_staff": {
            "snapshot",
            "headset_update",
            "headset_enrolled",
            "headsets_live",
            "session_update",
            "queue_update",
            "queue_changed",
            "alert",
            "watched_pose",
            "reply",
            "pong",
            "error",
        },
    }.items():
        mapping = props[direction]["discriminator"]["mapping"]
        assert set(mapping) == types, direction


def test_schema_is_plain_json() -> None:
    assert json.loads(render_schema())["title"].startswith("VR career")


def test_schema_covers_the_http_bodies_of_the_pages() -> None:
    schema = protocol_json_schema()
    http = schema["properties"]["http"]["$ref"].split("/")[-1]
    bodies = schema["$defs"][http]["properties"]
    assert {"check_in", "ticket", "queue", "queue_board", "public_result", "day_figures"} <= set(
        bodies
    )
    figures = schema["$defs"]["DayFigures"]["properties"]
    assert "from" in figures
    assert "from_" not in figures
    for personal in ("name", "phone"):
        assert personal not in schema["$defs"]["Ticket"]["properties"]
        assert personal not in schema["$defs"]["PublicResult"]["properties"]
