"""What `vr-server serve` prints on a first start (vr_server/cli/serve.py): the one-time setup
link on stdout, naming a host a browser can open, and nothing through logging."""

from __future__ import annotations

import logging

import pytest

from vr_server.cli.serve import link_host, print_setup_link


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("0.0.0.0", "localhost"),  # noqa: S104 - a name, nothing is bound
        ("::", "localhost"),
        ("", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("192.168.1.10", "192.168.1.10"),
        ("::1", "[::1]"),
        ("vr-server.local", "vr-server.local"),
    ],
)
def test_the_link_names_a_host_a_browser_can_open(host: str, shown: str) -> None:
    assert link_host(host) == shown


def test_the_link_goes_to_the_console_only(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        print_setup_link("http://localhost:8000", "TOKEN-abc_123")
    out, err = capsys.readouterr()
    assert "\n    http://localhost:8000/setup/#token=TOKEN-abc_123\n" in out
    assert "vr-server staff create NAME --role admin" in out  # the other way
    assert "ผู้ดูแลระบบ" in out  # and in Thai
    assert err == ""
    assert "TOKEN-abc_123" not in caplog.text
