"""`vr-content schema [-o FILE]`: the JSON Schema of scene.yaml (SceneSource), for authors'
editors. Exit status: 0 success, 1 a file that cannot be written."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from content_tools.cli.common import print_error, write_json
from content_tools.exit_codes import ExitCode
from content_tools.format.scene import SceneSource

__all__ = ["add_parser", "run", "scene_json_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scene_json_schema() -> dict[str, Any]:
    """The JSON Schema of scene.yaml (SceneSource), for authors' editors."""
    schema = SceneSource.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def add_parser(commands: Any) -> None:
    """Add the `schema` subcommand to `vr-content`'s subparsers."""
    schema = commands.add_parser(
        "schema",
        help="write the JSON Schema of scene.yaml",
        description="Write the JSON Schema of scene.yaml (to stdout unless -o is given).",
    )
    schema.add_argument("-o", "--out", type=Path, metavar="FILE", help="output file")
    schema.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `vr-content schema`; returns the exit status."""
    return _schema(args.out)


def _schema(out: Path | None) -> int:
    schema = scene_json_schema()
    if out is None:
        write_json(schema, indent=2)
        return ExitCode.OK
    try:
        with out.open("w", encoding="utf-8", newline="\n") as file:
            write_json(schema, file, indent=2, ascii_only=False)
    except OSError as exc:
        print_error(f"cannot write {out}: {exc.strerror or exc}")
        return ExitCode.FAILURE
    return ExitCode.OK
