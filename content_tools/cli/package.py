"""`vr-content package SCENE_DIR... -o DIST [--compress none|meshopt|meshopt-lossless|draco]
[--profile quest2|quest3|FILE.json] [--textures keep|ktx2|uastc] [--ktx2-cache DIR] [--json]`:
package scenes into bundles (content_tools/package.py), with a progress bar, or one JSON object
with --json.

Exit status: 0 success, 1 a scene that cannot be packaged (or an output that cannot be
written), 2 bad usage (an unknown profile).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from content_tools import __version__
from content_tools.cli.common import print_error, write_json
from content_tools.compress import COMPRESSIONS, Compression
from content_tools.errors import ContentError
from content_tools.exit_codes import ExitCode
from content_tools.ktx2 import TEXTURE_MODES, TextureMode
from content_tools.ktx2_cache import CACHE_ENV
from content_tools.package import DEFAULT_PROFILE, PackageResult, package_scene
from content_tools.validate.budget import BudgetProfile, load_profile, profile_names

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add the `package` subcommand to `vr-content`'s subparsers."""
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
        help="geometry compression: none (default), meshopt (EXT_meshopt_compression with "
        "KHR_mesh_quantization: quantized within stated bounds, static meshes the script does "
        "not name merged), meshopt-lossless (exact, the scene graph as it is) or draco "
        "(KHR_draco_mesh_compression, quantized)",
    )
    package.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="PROFILE",
        help="budget profile whose max_texture_size larger textures are scaled down to: "
        f"{', '.join(profile_names())} or a profile .json file (default {DEFAULT_PROFILE})",
    )
    package.add_argument(
        "--textures",
        choices=TEXTURE_MODES,
        default=None,
        help="PNG/JPEG textures: ktx2 (KTX2 with Basis Universal: ETC1S for colour, UASTC for "
        "data), uastc (all UASTC) or keep; default: the profile's `textures` (ktx2 for quest2 "
        "and quest3)",
    )
    package.add_argument(
        "--ktx2-cache",
        type=Path,
        default=os.environ.get(CACHE_ENV) or None,
        metavar="DIR",
        help="keep KTX2 encodings in DIR and take those made before from there: packaging "
        f"again encodes only new or changed images (default: ${CACHE_ENV}, else off)",
    )
    package.add_argument(
        "--json", action="store_true", help="print one JSON object describing the run on stdout"
    )
    package.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `vr-content package`; returns the exit status."""
    return _package(
        args.scene_dirs,
        args.out,
        as_json=args.json,
        compress=args.compress,
        profile_name=args.profile,
        textures=args.textures,
        ktx2_cache=args.ktx2_cache,
    )


def _package(
    scene_dirs: Sequence[Path],
    out_dir: Path,
    *,
    as_json: bool,
    compress: Compression = "none",
    profile_name: str = DEFAULT_PROFILE,
    textures: TextureMode | None = None,
    ktx2_cache: Path | None = None,
) -> int:
    try:
        profile: BudgetProfile = load_profile(profile_name)
    except ContentError as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    texture_mode: TextureMode = profile.textures if textures is None else textures
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
                    scene_dir,
                    out_dir,
                    progress=update,
                    compress=compress,
                    profile=profile,
                    textures=texture_mode,
                    ktx2_cache=ktx2_cache,
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
        print_error(f"cannot package {failure['scene_dir']}:\n{failure['error']['message']}")
    if as_json:
        report = {
            "ok": not failures,
            "tool_version": __version__,
            "compress": compress,
            "profile": profile.name,
            "textures": texture_mode,
            "results": results,
        }
        write_json(report)
    else:
        for entry in results:
            if entry["ok"]:
                glb = entry["glb"]
                print(
                    f"{entry['scene_id']} {entry['version']} -> {entry['bundle_dir']} "
                    f"(model {glb['size']} bytes, sha256 {glb['sha256'][:12]})"
                )
                _print_processing(entry["processing"])
    return ExitCode.FAILURE if failures else ExitCode.OK


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
        "ktx2": processing.ktx2.as_json(),
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
    packing = compression.get("packing")
    if packing:
        print(
            f"  merged {packing['merged_nodes']} static nodes: draw calls "
            f"{packing['primitives_before']} -> {packing['primitives_after']}; largest errors: "
            f"position {packing['max_position_error_mm']:.2f} mm per axis, normal "
            f"{packing['max_normal_error_deg']:.2f} deg, texture coordinates "
            f"{packing['max_uv_error_texels']:.3f} texel"
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
    _print_ktx2(processing["ktx2"])


def _print_ktx2(ktx2: dict[str, Any]) -> None:
    encoded = ktx2["encoded"]
    if encoded:
        before = sum(image["gpu_bytes_before"] for image in encoded)
        after = sum(image["gpu_bytes_after"] for image in encoded)
        codecs = sorted({image["codec"] for image in encoded})
        print(
            f"  textures: {len(encoded)} to KTX2 ({', '.join(codecs)}; {ktx2['encoder']}), "
            f"GPU memory {before} -> {after} bytes, file "
            f"{sum(i['bytes_before'] for i in encoded)} -> {sum(i['bytes_after'] for i in encoded)}"
            " bytes"
        )
    for message in ktx2["kept"]:
        print(f"  texture kept as it is: {message}", file=sys.stderr)


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
