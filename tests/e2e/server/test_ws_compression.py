"""WebSocket compression (permessage-deflate) is declined unless VR_WS_DEFLATE=true."""

from __future__ import annotations

import pytest

from tests.support.harness import ServerProcess
from tests.support.sockets import hello_headset


@pytest.mark.parametrize("deflate", [None, "true"])
async def test_compression_is_offered_only_when_set(tmp_path, test_bundles, deflate) -> None:
    """A Quest browser offers permessage-deflate on every socket. Accepted, each frame is
    compressed and takes the slow receive path, and each socket keeps zlib state, so the
    server declines unless VR_WS_DEFLATE=true."""
    settings = {} if deflate is None else {"ws_deflate": deflate}
    proc = ServerProcess(tmp_path, [test_bundles], **settings)
    proc.start()
    try:
        sock, _ = await hello_headset(proc, proc.enrollment_code())  # the client offers it
        assert sock.ws.response is not None
        agreed = sock.ws.response.headers.get("Sec-WebSocket-Extensions")
        if deflate is None:
            assert agreed is None
        else:
            assert agreed is not None
            assert agreed.startswith("permessage-deflate")
        await sock.send({"type": "ping", "t": 1})
        assert (await sock.recv_type("pong"))["type"] == "pong"
        await sock.close()
    finally:
        proc.stop()
