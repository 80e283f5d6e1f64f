"""`vr-content`: the content authors' command line.

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

Exit status: 0 success, 1 a content problem (or a file that cannot be written), 2 bad usage,
3 (publish, versions, rollback) the server cannot be reached or refuses the token.
Problems are printed on stderr as one clear message, never as a traceback. With `--json`, stdout
carries exactly one JSON object describing the whole run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from content_tools import __version__, publish, thumbnail_cli
from content_tools.compress import COMPRESSIONS, Compression
from content_tools.errors import ContentError
from content_tools.format.scene import SceneSource
from content_tools.package import DEFAULT_PROFILE, PackageResult, package_scene
from content_tools.validate import cli as validate_cli
from content_tools.validate.budget import BudgetProfile, load_profile, profile_names

__all__ = ["EXIT_CONTENT_ERROR", "EXIT_OK", "EXIT_USAGE", "main", "scene_json_schema"]

EXIT_OK = 0
EXIT_CONTENT_ERROR = 1
EXIT_USAGE = 2
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.command == "package":
            return _package(
                args.scene_dirs,
                args.out,
                as_json=args.json,
                compress=args.compress,
                profile_name=args.profile,
            )
        if args.command == "validate":
            return validate_cli.run(args)
        if args.command == "thumbnail":
            return thumbnail_cli.run(args)
        if args.command == "schema":
            return _schema(args.out)
        if args.command in publish.COMMANDS:
            return publish.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    parser.print_usage(sys.stderr)
    return EXIT_USAGE


def scene_json_schema() -> dict[str, Any]:
    """The JSON Schema of scene.yaml (SceneSource), for authors' editors."""
    schema = SceneSource.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vr-content", description="Package and check VR career-exploration scenes."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    package = commands.add_parser(
        "package",
        help="package scene folders into bundles",
        description="Package each SCENE_DIR (a folder with scene.yaml) into DIST/<id>-<version>/.",
    )
    package.add_argument("scene_dirs", nargs="+", type=Path, metavar="SCENE_DIR")
    package.add_argument(
        "-o", "--out", type=Path, required=True, metavar="DIST", help="output folder"
    )
    package.add_argument(
        "--compress",
        choices=COMPRESSIONS,
        default="none",
        help="geometry compression: none (default), meshopt (EXT_meshopt_compression, lossless) "
        "or draco (KHR_draco_mesh_compression, quantized)",
    )
    package.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="PROFILE",
        help="budget profile whose max_texture_size larger textures are scaled down to: "
        f"{', '.join(profile_names())} or a profile .json file (default {DEFAULT_PROFILE})",
    )
    package.add_argument(
        "--json", action="store_true", help="print one JSON object describing the run on stdout"
    )
    validate_cli.add_parser(commands)
    publish.add_parser(commands)
    thumbnail_cli.add_parser(commands)
    schema = commands.add_parser(
        "schema",
        help="write the JSON Schema of scene.yaml",
        description="Write the JSON Schema of scene.yaml (to stdout unless -o is given).",
    )
    schema.add_argument("-o", "--out", type=Path, metavar="FILE", help="output file")
    return parser


def _package(
    scene_dirs: Sequence[Path],
    out_dir: Path,
    *,
    as_json: bool,
    compress: Compression = "none",
    profile_name: str = DEFAULT_PROFILE,
) -> int:
    try:
        profile: BudgetProfile = load_profile(profile_name)
    except ContentError as exc:
        _print_error(str(exc))
        return EXIT_USAGE
    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    results: list[dict[str, Any]] = []
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=stderr,
        disable=as_json,
    ) as progress:
        for scene_dir in scene_dirs:
            task = progress.add_task(f"{scene_dir}", total=1.0)

            def update(
                stage: str, fraction: float, task: Any = task, name: Path = scene_dir
            ) -> None:
                progress.update(task, completed=fraction, description=f"{name}: {stage}")

            try:
                result = package_scene(
                    scene_dir, out_dir, progress=update, compress=compress, profile=profile
                )
            except ContentError as exc:
                results.append(_failure(scene_dir, exc))
            except OSError as exc:  # the output cannot be written, a disk is full, ...
                results.append(_failure(scene_dir, exc))
            else:
                results.append(_success(scene_dir, result))
            progress.update(task, completed=1.0, description=f"{scene_dir}")
    failures = [r for r in results if not r["ok"]]
    for failure in failures:
        _print_error(f"cannot package {failure['scene_dir']}:\n{failure['error']['message']}")
    if as_json:
        report = {
            "ok": not failures,
            "tool_version": __version__,
            "compress": compress,
            "profile": profile.name,
            "results": results,
        }
        _write_json(sys.stdout, report, indent=None, ascii_only=True)
    else:
        for entry in results:
            if entry["ok"]:
                glb = entry["glb"]
                print(
                    f"{entry['scene_id']} {entry['version']} -> {entry['bundle_dir']} "
                    f"(model {glb['size']} bytes, sha256 {glb['sha256'][:12]})"
                )
                _print_processing(entry["processing"])
    return EXIT_CONTENT_ERROR if failures else EXIT_OK


def _success(scene_dir: Path, result: PackageResult) -> dict[str, Any]:
    manifest = result.manifest
    return {
        "ok": True,
        "scene_dir": str(scene_dir),
        "scene_id": manifest.scene_id,
        "version": manifest.version,
        "bundle_dir": str(result.bundle_dir),
        "manifest": str(result.manifest_path),
        "glb": manifest.glb.model_dump(mode="json"),
        "thumbnail": (
            None if manifest.thumbnail is None else manifest.thumbnail.model_dump(mode="json")
        ),
        "processing": _processing_json(result),
    }


def _processing_json(result: PackageResult) -> dict[str, Any] | None:
    processing = result.processing
    if processing is None:
        return None
    return {
        "size_before": processing.source_size,
        "size_after": processing.size,
        "compression": processing.compression.as_json(),
        "textures": processing.textures.as_json(),
    }


def _print_processing(processing: dict[str, Any] | None) -> None:
    if processing is None:
        return
    compression, textures = processing["compression"], processing["textures"]
    before, after = processing["size_before"], processing["size_after"]
    if compression["method"] != "none":
        print(
            f"  geometry: {compression['method']} ({compression['encoder']}), "
            f"{before} -> {after} bytes ({after / max(before, 1):.0%})"
        )
    for change in textures["resized"]:
        w0, h0 = change["size_before"]
        w1, h1 = change["size_after"]
        name = f" {change['name']}" if change["name"] else ""
        print(
            f"  texture {change['image']}{name}: {w0}x{h0} -> {w1}x{h1} "
            f"(max {textures['max_size']} px), {change['bytes_before']} -> "
            f"{change['bytes_after']} bytes"
        )
    for message in textures["oversized_kept"]:
        print(f"  warning: {message}", file=sys.stderr)


def _failure(scene_dir: Path, exc: ContentError | OSError) -> dict[str, Any]:
    if isinstance(exc, ContentError):
        error = {
            "type": type(exc).__name__,
            "message": str(exc),
            "path": None if exc.path is None else str(exc.path),
            "line": exc.line,
        }
    else:
        path = exc.filename if isinstance(exc.filename, str) else None
        error = {
            "type": type(exc).__name__,
            "message": f"{path}: {exc.strerror}" if path and exc.strerror else str(exc),
            "path": path,
            "line": None,
        }
    return {"ok": False, "scene_dir": str(scene_dir), "error": error}


def _schema(out: Path | None) -> int:
    schema = scene_json_schema()
    if out is None:
        _write_json(sys.stdout, schema, indent=2, ascii_only=True)
        return EXIT_OK
    try:
        with out.open("w", encoding="utf-8", newline="\n") as file:
            _write_json(file, schema, indent=2, ascii_only=False)
    except OSError as exc:
        _print_error(f"cannot write {out}: {exc.strerror or exc}")
        return EXIT_CONTENT_ERROR
    return EXIT_OK


def _write_json(stream: TextIO, data: Any, *, indent: int | None, ascii_only: bool) -> None:
    # stdout may not be UTF-8 (a Windows console): escape non-ASCII there; files are UTF-8.
    stream.write(json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=ascii_only) + "\n")
    stream.flush()


def _print_error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
