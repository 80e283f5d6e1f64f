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
import sys

from content_tools import __version__
from content_tools.cli import package, publish, schema, thumbnail, validate
from content_tools.cli.schema import scene_json_schema
from content_tools.exit_codes import ExitCode

__all__ = ["main", "scene_json_schema"]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vr-content", description="Package and check VR career-exploration scenes."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    package.add_parser(commands)
    validate.add_parser(commands)
    publish.add_parser(commands)
    thumbnail.add_parser(commands)
    schema.add_parser(commands)
    return parser
