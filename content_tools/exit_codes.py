"""The exit statuses of every command-line program: `vr-content`, `vr-server`, `vr-headset`.

One table, so a script that runs any of them can tell the outcomes apart:

    0    OK           the command did what it was asked
    1    FAILURE      it ran but failed: content that is invalid or refused, a file that cannot
                      be written, a service error (`vr-server`), a session with errors
                      (`vr-headset`); `vr-server`'s staff commands also report an unreachable
                      server or a refused token as 1
    2    USAGE        wrong usage: bad arguments (argparse's own status), no token, an unknown
                      profile, a folder that holds no bundle
    3    SERVER       (`vr-content publish|rollback|versions` only) the server is unreachable,
                      failed (HTTP 5xx) or refused the token (HTTP 401/403)
    130  INTERRUPTED  stopped with Ctrl-C (128 + SIGINT, as shells report it)

It lives in content_tools, the lowest layer, so that vr_server and headset_client may import it
without an import running back up the layers.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """A program's exit status; an int, so `return ExitCode.USAGE` works as `main`'s result."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    SERVER = 3
    INTERRUPTED = 130
