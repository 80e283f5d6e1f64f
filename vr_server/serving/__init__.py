"""Extensions of uvicorn's private protocol classes, pinned to uvicorn 0.54.0 exactly.

- `pathsend.py`: `PathsendHttpProtocol`, uvicorn's httptools HTTP protocol with the ASGI
  `http.response.pathsend` extension served by `os.sendfile` (the `/assets` route; VR_SENDFILE).
- `connection_guard.py`: `GuardedHttpProtocol`, uvicorn's HTTP protocol with header and body
  timeouts and per-address socket caps (over `PathsendHttpProtocol` when sendfile is on).
- `direct_ws.py`: `DirectWebSocketProtocol`, uvicorn's sans-I/O WebSocket protocol with a direct
  receive path: a headset's telemetry and pings are handled in the transport's read callback,
  without a task hop per frame (what lets one instance hold 10,000 headsets; VR_WS_IMPL=direct).

All three subclass classes uvicorn does not publish as an API (`HttpToolsProtocol`,
`RequestResponseCycle`, `WebSocketsSansIOProtocol`) and read and set their attributes
(`transport`, `queue`, `conn`, `frames`, `read_paused`, `close_sent`, ...). Any uvicorn release
may rename them, so `pyproject.toml` pins `uvicorn[standard]==0.54.0` and
tests/vr_server/serving/test_uvicorn_pin.py fails when the installed uvicorn is another one:
upgrading uvicorn means re-reading these modules against its source, running
tests/server/test_pathsend.py, test_slow_clients.py, test_direct_receive.py and
test_headset_direct.py, and moving the pin. This folder is the only place that imports
uvicorn's protocol internals.
"""
