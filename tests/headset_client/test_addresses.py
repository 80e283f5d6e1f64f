"""The server's HTTP and WebSocket addresses from any form of its URL."""

from __future__ import annotations

import pytest

from headset_client.addresses import headset_ws_url, http_base_url


@pytest.mark.parametrize(
    ("server", "http", "ws"),
    [
        ("http://10.0.0.2:8000/", "http://10.0.0.2:8000", "ws://10.0.0.2:8000/ws/headset"),
        ("ws://10.0.0.2:8000/ws/headset", "http://10.0.0.2:8000", "ws://10.0.0.2:8000/ws/headset"),
        ("10.0.0.2:8000", "http://10.0.0.2:8000", "ws://10.0.0.2:8000/ws/headset"),
        ("https://venue.example", "https://venue.example", "wss://venue.example/ws/headset"),
        (
            "wss://venue.example/ws/headset",
            "https://venue.example",
            "wss://venue.example/ws/headset",
        ),
    ],
)
def test_addresses(server: str, http: str, ws: str) -> None:
    assert http_base_url(server) == http
    assert headset_ws_url(server) == ws
