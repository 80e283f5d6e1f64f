"""vr-server's app on Granian instead of uvicorn: the comparison issue 16 asks for.

    VR_PORT=8000 VR_DATA_DIR=/tmp/vr .venv/bin/python -m bench.granian_serve

`vr-server serve` runs the app on uvicorn 0.54 with three in-tree extensions of uvicorn's
private protocol classes (sendfile for `/assets`, the direct WebSocket receive path, the
connection guard). Granian (PyPI `granian`, a Rust server on hyper and tokio) implements the
ASGI `http.response.pathsend` extension and its own WebSocket stack, so the same app runs on it
unchanged: this module builds the app from the same settings (`VR_*`) as `serve` does, tunes
the collector the same way, and hands it to one Granian worker (one process, as `serve` is
one process). What Granian has no counterpart for: the per-address socket caps and the
request-header/body timeouts of `connection_guard.py` (Granian has none of its own), and
`VR_WS_IMPL` (Granian's WebSocket stack is its own).

bench.sessions and bench.assets run it with `--server granian`; their CPU and RSS figures
are the worker's (bench/servers.py `served_pid`), the process that runs the app.
"""

from __future__ import annotations

from granian import Granian
from granian.constants import HTTPModes, Interfaces, Loops
from granian.log import LogLevels

from vr_server.app import create_app
from vr_server.cli.serve import tune_gc
from vr_server.settings import Settings


def app() -> object:
    """Granian's factory: runs in the worker process."""
    application = create_app(Settings())
    tune_gc()
    return application


def main() -> None:
    settings = Settings()
    Granian(
        "bench.granian_serve:app",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=1,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=True,
        backlog=4096,
        log_level=LogLevels.warning,
    ).serve()


if __name__ == "__main__":
    main()
