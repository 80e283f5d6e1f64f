"""`vr-content validate PATH... [--profile quest2|quest3|FILE|none] [--format text|json]
[--max-issues N]`.

Exit status: 0 when no file has an error, 1 when one has (or a path cannot be read), 2 for bad
usage (including an unknown profile). `--format json` prints one JSON array on stdout: one
Khronos-like report per file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content_tools.cli.common import print_error
from content_tools.errors import ContentError
from content_tools.exit_codes import ExitCode
from content_tools.validate.issues import MAX_ISSUES, Issue, Severity
from content_tools.validate.profile_files import profile_names
from content_tools.validate.report import report_json, report_text
from content_tools.validate.run import FileReport, validate_path

if TYPE_CHECKING:
    from content_tools.validate.budget import BudgetProfile

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check glTF validity, Quest budgets and the session script",
        description=(
            "Validate .gltf/.glb files, scene folders (scene.yaml and its model) or packaged "
            "bundles. glTF problems carry the Khronos glTF-Validator's issue codes and JSON "
            "pointers; scene.yaml problems carry file and line."
        ),
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument(
        "--profile",
        default="quest2",
        metavar="PROFILE",
        help=f"budget profile: {', '.join(profile_names())}, a profile .json file, or 'none' "
        "(default: quest2)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        help="same as --format json (like the other vr-content commands)",
    )
    parser.add_argument(
        "--max-issues",
        type=_non_negative,
        default=0,
        metavar="N",
        help="keep at most N messages per file, like the Khronos validator's --max-issues: the "
        f"report says 'truncated' and counts only those (default 0: all, up to {MAX_ISSUES}); "
        "the exit status still sees every error",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also show infos and hints (text format)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    profile: BudgetProfile | None = None
    try:
        if args.profile != "none":  # the budget model (pydantic) only loads when needed
            from content_tools.validate.budget import load_profile

            profile = load_profile(args.profile)
    except ContentError as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    reports = _validate_all(args.paths, profile, show_progress=args.format == "text")
    for report in reports:
        report.issues = report.issues.limited(args.max_issues)
        info = report.info
        if args.max_issues and info is not None and info.issues_when_read > args.max_issues:
            info.read = False  # the reference stops before it has read the document
    if args.format == "json":
        data = [report_json(report) for report in reports]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=True) + "\n")
    else:
        for report in reports:
            print(report_text(report, verbose=args.verbose))
        failed = sum(report.has_errors for report in reports)
        print(f"{len(reports)} file(s) checked, {failed} with errors")
    return ExitCode.FAILURE if any(report.has_errors for report in reports) else ExitCode.OK


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _validate_all(
    paths: list[Path], profile: BudgetProfile | None, *, show_progress: bool
) -> list[FileReport]:
    if not show_progress or len(paths) < 2 or not sys.stderr.isatty():
        return [report for path in paths for report in _validate_one(path, profile)]
    # rich is only loaded to draw the bar (it is most of the start-up time of a short run).
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    reports: list[FileReport] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task("validating", total=len(paths))
        for path in paths:
            progress.update(task, description=f"validating {path}")
            reports.extend(_validate_one(path, profile))
            progress.advance(task)
    return reports


def _validate_one(path: Path, profile: BudgetProfile | None) -> list[FileReport]:
    if not path.exists():
        report = FileReport(uri=str(path), mime_type="application/octet-stream")
        report.issues.add(Issue(code="IO_ERROR", severity=Severity.ERROR, message="no such file"))
        return [report]
    return validate_path(path, profile=profile)
