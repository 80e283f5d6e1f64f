"""The HTTP error body: `detail` and `code` always; `reason` and `params` when a visitor can
meet the error (the headset app words them, never `detail`)."""

from __future__ import annotations

import json

from vr_server.api.errors import error_response
from vr_server.errors import InvalidState, Unauthorized
from vr_server.protocol.errors import Reason


def test_an_error_a_visitor_can_meet_carries_its_reason() -> None:
    exc = Unauthorized("the enrollment code is wrong", reason=Reason.ENROLLMENT_REFUSED)
    response = error_response(exc)
    assert response.status_code == 401
    assert json.loads(bytes(response.body)) == {
        "detail": "the enrollment code is wrong",
        "code": "auth_failed",
        "reason": "enrollment_refused",
        "params": {},
    }


def test_other_errors_keep_their_body() -> None:
    response = error_response(InvalidState("the session has ended"))
    assert json.loads(bytes(response.body)) == {
        "detail": "the session has ended",
        "code": "invalid_state",
    }
