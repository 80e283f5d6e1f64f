"""Plain HTTP calls to a server for the tests: `http().get(url)` where `httpx.get(url)` would
do, with the same arguments and the same result.

httpx's top-level functions (`httpx.get`, `httpx.post`, `httpx.request`, ...) build a new
`httpx.Client` for every call, and with it an SSL context that loads certifi's bundle: about
40 ms of CPU for a call that takes 1.5 ms on a client made once (measured 2026-12-08 against
a local server). The harness polled `/health` ten times a second with them while each server
started, and the access matrix made hundreds of calls.

Each call here behaves as a top-level call does, on a client made once per thread (a test may
call from threads of its own):
- it opens its own connection (`max_keepalive_connections=0`): no test sees an idle
  connection of an earlier call (a server's connection limits, its shutdown, a restart on the
  same port);
- it sends no cookie from an earlier call: the jar is emptied after every call, and cookies
  given to the call go in its `Cookie` header (httpx deprecates per-request cookies on a
  client);
- its timeout is httpx's default, 5 s.

A call with TLS settings of its own (`verify=...`) keeps using httpx directly.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["http"]


class _Calls:
    """httpx's top-level call functions, on one client."""

    def __init__(self) -> None:
        self._client = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))

    def request(
        self,
        method: str,
        url: str,
        *,
        cookies: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        **options: Any,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        try:
            return self._client.request(method, url, headers=sent, **options)
        finally:
            self._client.cookies.clear()

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def head(self, url: str, **options: Any) -> httpx.Response:
        return self.request("HEAD", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def put(self, url: str, **options: Any) -> httpx.Response:
        return self.request("PUT", url, **options)


_local = threading.local()


def http() -> _Calls:
    """This thread's calls (its client made on first use)."""
    calls: _Calls | None = getattr(_local, "calls", None)
    if calls is None:
        calls = _Calls()
        _local.calls = calls
    return calls
