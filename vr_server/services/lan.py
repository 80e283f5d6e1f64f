"""The addresses headsets on the venue's network can reach this server at, for the link the
dashboard's "Add headsets" shows: staff often open the dashboard as `localhost`, which a
headset cannot use. No network traffic: the routing table and the machine's own name only."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

_PROBE = "192.0.2.1"
"""Where a UDP socket is "connected" to learn the default route's address (TEST-NET-1; nothing
is sent). A venue network without a default route is found through the machine's name, or
staff type the address into the dialog."""


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback and link-local, the one of the
    default route first. Blocking (a name lookup): call it in a worker thread."""
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((_PROBE, 9))
        found.append(s.getsockname()[0])
    with contextlib.suppress(OSError):
        found += socket.gethostbyname_ex(socket.gethostname())[2]
    return [a for a in dict.fromkeys(found) if reachable_from_lan(a)]


def reachable_from_lan(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def loopback_only(host: str) -> bool:
    """Does binding `host` (VR_HOST) leave the server unreachable from other machines?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
