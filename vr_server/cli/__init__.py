"""`vr-server`: run the server, administer it, and act as a staff client.

Three kinds of command, one module each:
    vr_server/cli/serve.py    serve | tls init | migrate | import DIST... | schema
    vr_server/cli/admin.py    local administration on the configured database (staff create,
                              author token, enroll create, purge, gc, audit...)
    vr_server/cli/staff.py    the staff client over HTTP (login, headsets, assign, watch...),
    vr_server/cli/access.py   and taking access back (staff disable, token revoke, kiosk...),
                              both through the typed StaffClient (vr_server/cli/staff_client.py)
    vr_server/cli/demo.py     demo: simulated headsets on a running server (a subprocess)
    vr_server/cli/central.py  central: venues and their central server (pairing, sync state)

Every command exits 0 on success, 1 on failure, 2 on wrong usage (content_tools/exit_codes.py);
`--json` prints JSON. Control characters in what is printed (names, events, errors) are shown
escaped (vr_server/terminal.py), in JSON as \\u escapes.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from content_tools.exit_codes import ExitCode
from vr_server import __version__
from vr_server.cli.common import CliError
from vr_server.terminal import escape_controls

__all__ = ["CliError", "build_parser", "main"]

_MODULES = ("serve", "admin", "staff", "access", "demo", "central")
"""The command modules, in the order `--help` lists their commands."""
_SERVE = ("serve", "tls", "migrate", "import", "schema")
_ADMIN = ("author", "purge", "gc", "audit")
_STAFF = ("login", "headsets", "scenes", "sessions", "session", "assign", "command", "watch")
_ACCESS = ("staff", "enroll", "token", "headset", "kiosk")
_MODULES_OF: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_SERVE, ("serve",)),
    **dict.fromkeys(_ADMIN, ("admin",)),
    **dict.fromkeys(_STAFF, ("staff",)),
    # access.py adds to the staff and enroll groups admin.py makes
    **dict.fromkeys(_ACCESS, ("admin", "access")),
    "demo": ("demo",),
    "central": ("central",),
}
"""The modules that register each top-level command (tests/vr_server/cli/test_lazy.py checks
this against the full parser)."""
_LOCAL = {("staff", "create"), ("staff", "list"), ("enroll", "create")}
"""The commands of the staff and enroll groups that admin.py adds (on the database, most of
the runs of the e2e tier): they skip access.py and the staff client it imports."""


def build_parser(only: tuple[str, ...] = _MODULES) -> argparse.ArgumentParser:
    """The parser with the commands of the modules `only` (all by default): a command imports
    just what it needs (`vr-server headsets` does not load the server, `--version` nothing)."""
    parser = argparse.ArgumentParser(prog="vr-server", description="VR career exploration server")
    parser.add_argument("--version", action="version", version=f"vr-server {__version__}")
    sub = parser.add_subparsers(dest="command_name", required=True)
    groups: Any = None
    for name in only:
        module: Any = importlib.import_module(f"vr_server.cli.{name}")
        if name == "admin":
            groups = module.add_commands(sub)
        elif name == "access":
            module.add_commands(sub, *groups)
        else:
            module.add_commands(sub)
    return parser


def command_modules(argv: list[str]) -> tuple[str, ...]:
    """The modules of the command `argv` names; none for a lone `--version`; all of them for
    no command, `--help` or a command we do not know (argparse then lists them all)."""
    words = [arg for arg in argv if not arg.startswith("-")]
    if not words:
        return () if argv == ["--version"] else _MODULES
    if tuple(words[:2]) in _LOCAL:  # admin.py's part of a shared group: no staff client
        return ("admin",)
    return _MODULES_OF.get(words[0], _MODULES)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(command_modules(sys.argv[1:] if argv is None else argv))
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
