"""`vr-content`: the content authors' command line. One module per command; this one only
wires them to one parser.

    vr-content package SCENE_DIR... -o DIST [--compress none|meshopt|draco]
                       [--profile quest2|quest3|FILE.json] [--json]
                                                       package scenes into bundles
    vr-content validate PATH... [--profile P] [--format json]   check models, scenes, bundles
    vr-content publish DIST... --server URL --token T [--no-activate] [--json]
                                                       upload bundles to a server
    vr-content versions SCENE_ID --server URL --token T     a scene's versions on a server
    vr-content rollback SCENE_ID VERSION --server URL --token T   activate an earlier version
    vr-content thumbnail MODEL -o OUT.png [--width W --height H]   render a thumbnail
    vr-content schema [-o FILE]                        JSON Schema of scene.yaml

Exit status (content_tools/exit_codes.py): 0 success, 1 a content problem (or a file that
cannot be written), 2 bad usage, 3 (publish, versions, rollback) the server cannot be reached
or refuses the token, 130 interrupted.
Problems are printed on stderr as one clear message, never as a traceback. With `--json`, stdout
carries exactly one JSON object describing the whole run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from content_tools import __version__
from content_tools.exit_codes import ExitCode

__all__ = ["main", "scene_json_schema"]

_MODULES = ("package", "validate", "publish", "thumbnail", "schema")
"""The command modules, in the order `--help` lists their commands."""
_MODULE_OF = {"versions": "publish", "rollback": "publish"}
"""Commands a module of another name adds (the others are named after their module)."""


def __getattr__(name: str) -> Any:
    if name == "scene_json_schema":
        from content_tools.cli.schema import scene_json_schema

        return scene_json_schema
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    parser = _parser(_command_module(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    try:
        status: int = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    return status


def _command_module(argv: list[str]) -> str | None:
    """The module of the command `argv` names, or None (no command, or not one we know)."""
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if command is None:
        return None
    module = _MODULE_OF.get(command, command)
    return module if module in _MODULES else None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or only those of the module `only`: a command imports
    just what it needs (validating does not load the packager's or the renderer's libraries)."""
    parser = argparse.ArgumentParser(
        prog="vr-content", description="Package and check VR career-exploration scenes."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _MODULES if only is None else (only,):
        importlib.import_module(f"content_tools.cli.{name}").add_parser(commands)
    return parser
