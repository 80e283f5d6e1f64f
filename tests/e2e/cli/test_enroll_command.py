"""`vr-server enroll create`, as staff run it beside a running server: the code it prints
enrolls as many headsets as `--uses` says and no more. (The harness makes its codes in the
test process, tests/support/harness.py; this is the command's own test.)"""

from __future__ import annotations

import json

import httpx

from tests.support.harness import ServerProcess
from tests.support.http import http


def _enroll(server: ServerProcess, code: str, device_id: str) -> httpx.Response:
    return http().post(
        server.url + "/api/devices/enroll", json={"code": code, "device_id": device_id}
    )


def test_the_json_code_enrolls_as_many_headsets_as_its_uses(server: ServerProcess) -> None:
    done = server.cli("enroll", "create", "--uses", "2", "--hours", "1", "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert (printed["uses"], printed["hours"]) == (2, 1.0)
    code = printed["code"]
    assert _enroll(server, code, "quest-enroll-1").status_code == 200
    assert _enroll(server, code, "quest-enroll-2").status_code == 200
    third = _enroll(server, code, "quest-enroll-3")
    assert third.status_code == 401, third.text


def test_the_plain_output_is_the_code_alone_for_scripts(server: ServerProcess) -> None:
    done = server.cli("enroll", "create", "--label", "hall B")
    assert done.returncode == 0, done.stderr
    (code,) = done.stdout.split()  # stdout: the code and nothing else, for `$(...)`
    assert "1 headset(s) within 24 hours" in done.stderr  # the note for people
    assert _enroll(server, code, "quest-enroll-plain").status_code == 200
    assert _enroll(server, code, "quest-enroll-again").status_code == 401


def test_a_bad_count_is_a_clear_error(server: ServerProcess) -> None:
    done = server.cli("enroll", "create", "--uses", "0")
    assert done.returncode != 0
    assert "uses must be between 1 and 100000" in done.stderr
    assert done.stdout == ""
