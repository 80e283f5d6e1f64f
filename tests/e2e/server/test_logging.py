"""Application logging of a real `vr-server serve`: one format for uvicorn's and the server's
lines, JSON on request, the contact-read line written, and no secret in the access log."""

from __future__ import annotations

import json
import time

import pytest

from tests.support.harness import ServerProcess
from tests.support.http import http

ENROLL_CODE = "ABCDE-FGHJK"
RESULT_TOKEN = "rEsUlTtOkEn_0123456789abcdef"


TEXT = {"log_level": "info"}
JSON = {"log_level": "info", "log_format": "json"}


def _visit_secret_urls(server: ServerProcess) -> None:
    http().get(f"{server.url}/headset/?enroll={ENROLL_CODE}")
    http().get(f"{server.url}/p/{ENROLL_CODE}")  # the "Add headsets" link
    http().get(f"{server.url}/api/results/{RESULT_TOKEN}")
    http().get(f"{server.url}/results/{RESULT_TOKEN}")


def _read_contact(server: ServerProcess) -> str:
    server.allow_contacts()
    token = server.staff_token()
    body = {"consent": True, "name": "สมชาย", "phone": "0812345678"}
    ticket = server.api(token, "POST", "/api/queue/tickets", body).json()
    response = server.api(token, "GET", f"/api/queue/tickets/{ticket['id']}/contact")
    assert response.status_code == 200, response.text
    label: str = ticket["label"]
    return label


def _log_after(server: ServerProcess, marker: str) -> str:
    """The log after a request to `marker` shows there: uvicorn writes the access line after
    the response, so the test waits for its own marker request's line."""
    http().get(f"{server.url}/{marker}")
    for _ in range(100):
        text = server.log_path.read_text(encoding="utf-8")
        if marker in text:
            return text
        time.sleep(0.05)
    raise AssertionError(f"no access line for /{marker} in {server.log_path}")


@pytest.mark.parametrize("server", [TEXT], indirect=True)
def test_contact_reads_are_logged_and_secrets_are_not(server: ServerProcess) -> None:
    label = _read_contact(server)
    _visit_secret_urls(server)
    log = _log_after(server, "marker-text")
    assert f"vr_server.services.queue: queue: staff staff read the contact data of {label}" in log
    assert '"GET /headset/?enroll=[redacted] HTTP/1.1" 200' in log
    assert '"GET /p/[redacted] HTTP/1.1" 303' in log
    assert '"GET /api/results/[redacted] HTTP/1.1" 404' in log
    assert '"GET /results/[redacted] HTTP/1.1"' in log
    assert ENROLL_CODE not in log
    assert RESULT_TOKEN not in log
    assert " INFO uvicorn.access: 127.0.0.1:" in log  # one format for uvicorn's lines too


@pytest.mark.parametrize("server", [JSON], indirect=True)
def test_json_log_lines_are_json_objects(server: ServerProcess) -> None:
    label = _read_contact(server)
    _visit_secret_urls(server)
    log = _log_after(server, "marker-json")
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    contact = [e for e in lines if e["message"].endswith(f"read the contact data of {label}")]
    assert contact
    assert contact[0]["logger"] == "vr_server.services.queue"
    assert {"time", "level", "logger", "message"} <= contact[0].keys()
    access = [e["message"] for e in lines if e["logger"] == "uvicorn.access"]
    assert any("/headset/?enroll=[redacted]" in m for m in access)
    assert ENROLL_CODE not in log
    assert RESULT_TOKEN not in log
