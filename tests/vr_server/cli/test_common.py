"""What the `vr-server` commands share in how they print (vr_server/cli/common.py)."""

from __future__ import annotations

import argparse
import json

import pytest

from vr_server.cli.common import print_secret


def test_a_secret_alone_on_stdout_and_the_note_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_secret(argparse.Namespace(json=False), {"code": "K7Q2"}, "K7Q2", "(for venue 'a\x1b')")
    out, err = capsys.readouterr()
    assert out == "K7Q2\n"
    assert err == "(for venue 'a\\x1b')\n"  # control characters escaped


def test_json_carries_the_data_and_no_note(capsys: pytest.CaptureFixture[str]) -> None:
    data = {"code": "K7Q2", "uses": 5, "expires_at": None}
    print_secret(argparse.Namespace(json=True), data, "K7Q2", "(a note)")
    out, err = capsys.readouterr()
    assert json.loads(out) == data
    assert err == ""
