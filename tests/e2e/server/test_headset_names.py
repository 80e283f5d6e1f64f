"""Headset names with control characters are refused by a real server; Thai names are kept."""

from __future__ import annotations

import pytest

from tests.support.harness import ServerProcess
from tests.support.http import http


@pytest.mark.parametrize("name", ["Quest\x1b[31m", "Quest\x9b31m", "Quest\x07", "Quest\n2"])
def test_headset_names_with_control_characters_are_refused(
    server: ServerProcess, code: str, name: str
) -> None:
    body = {"code": code, "device_id": "dev-ctrl", "name": name}
    response = http().post(server.url + "/api/devices/enroll", json=body)
    assert response.status_code == 422, response.text
    assert "name" in response.text


def test_a_thai_headset_name_is_kept(server: ServerProcess, code: str) -> None:
    body = {"code": code, "device_id": "dev-thai", "name": "แว่น-01 (โต๊ะ 2)"}
    response = http().post(server.url + "/api/devices/enroll", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "แว่น-01 (โต๊ะ 2)"
