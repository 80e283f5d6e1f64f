"""The server's two addresses, from one URL a person types: HTTP(S) for enrollment and assets,
WS(S) for the headset socket. `10.0.0.2:8000`, `http://…`, `ws://…/ws/headset` all work."""

from __future__ import annotations

__all__ = ["headset_ws_url", "http_base_url"]


def http_base_url(server: str) -> str:
    """`http(s)://host:port` from a server URL given as http(s) or ws(s)."""
    url = server.rstrip("/")
    if url.startswith("ws://"):
        url = "http://" + url[5:]
    elif url.startswith("wss://"):
        url = "https://" + url[6:]
    elif not url.startswith(("http://", "https://")):
        url = "http://" + url
    return url.removesuffix("/ws/headset")


def headset_ws_url(server: str) -> str:
    """The headset socket's URL (`ws(s)://host:port/ws/headset`)."""
    base = http_base_url(server)
    scheme, rest = base.split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws/headset"
