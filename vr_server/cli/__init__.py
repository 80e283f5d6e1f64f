"""`vr-server`: run the server, administer it, and act as a staff client.

Three kinds of command, one module each:
    vr_server/cli/serve.py    serve | tls init | migrate | import DIST... | schema
    vr_server/cli/admin.py    local administration on the configured database (staff create,
                              author token, enroll create, purge, gc, audit...)
    vr_server/cli/staff.py    the staff client over HTTP (login, headsets, assign, watch...),
    vr_server/cli/access.py   and taking access back (staff disable, token revoke, kiosk...),
                              both through the typed StaffClient (vr_server/cli/staff_client.py)

Every command exits 0 on success, 1 on failure, 2 on wrong usage (content_tools/exit_codes.py);
`--json` prints JSON. Control characters in what is printed (names, events, errors) are shown
escaped (vr_server/terminal.py), in JSON as \\u escapes.
"""

from __future__ import annotations

import argparse
import sys

from content_tools.exit_codes import ExitCode
from vr_server import __version__
from vr_server.cli import access, admin, serve, staff
from vr_server.cli.common import CliError
from vr_server.terminal import escape_controls

__all__ = ["CliError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vr-server", description="VR career exploration server")
    parser.add_argument("--version", action="version", version=f"vr-server {__version__}")
    sub = parser.add_subparsers(dest="command_name", required=True)
    serve.add_commands(sub)
    staff_group, enroll_group = admin.add_commands(sub)
    staff.add_commands(sub)
    access.add_commands(sub, staff_group, enroll_group)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except CliError as exc:
        print(escape_controls(f"vr-server: {exc}"), file=sys.stderr)
        return ExitCode.FAILURE
    except Exception as exc:  # service errors carry a message meant for people
        from pydantic import ValidationError

        from vr_server.errors import ServerError

        if isinstance(exc, ServerError | ValidationError):
            print(escape_controls(f"vr-server: {exc}"), file=sys.stderr)
            return ExitCode.FAILURE
        raise
