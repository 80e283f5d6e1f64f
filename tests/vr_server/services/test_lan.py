"""The addresses the "Add headsets" link may use: never loopback or link-local."""

from __future__ import annotations

import socket

import pytest

from vr_server.services.lan import lan_addresses, loopback_only, reachable_from_lan


def test_the_machine_addresses_leave_out_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "venue-laptop")
    monkeypatch.setattr(
        socket,
        "gethostbyname_ex",
        lambda name: (name, [], ["127.0.1.1", "192.168.1.20", "169.254.3.4", "10.0.0.7"]),
    )
    found = lan_addresses()
    assert "192.168.1.20" in found
    assert "10.0.0.7" in found
    assert not [a for a in found if a.startswith(("127.", "169.254."))]
    assert len(found) == len(set(found))


def test_a_machine_without_a_name_or_route_has_no_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NoRoute(socket.socket):
        def connect(self, address: object) -> None:
            raise OSError("network is unreachable")

    def unknown(name: str) -> None:
        raise socket.gaierror("no such name")

    monkeypatch.setattr(socket, "socket", NoRoute)
    monkeypatch.setattr(socket, "gethostbyname_ex", unknown)
    assert lan_addresses() == []


@pytest.mark.parametrize(
    ("address", "usable"),
    [("192.168.1.20", True), ("127.0.0.1", False), ("0.0.0.0", False), ("fe80::1", False)],  # noqa: S104 - addresses, not a bind
)
def test_which_addresses_a_headset_can_use(address: str, usable: bool) -> None:
    assert reachable_from_lan(address) is usable


@pytest.mark.parametrize(
    ("host", "only"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("::", False)],  # noqa: S104 - VR_HOST values, not a bind
)
def test_a_server_bound_to_loopback_is_unreachable_for_headsets(host: str, only: bool) -> None:
    assert loopback_only(host) is only
