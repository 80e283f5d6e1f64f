"""`vr-content thumbnail MODEL -o OUT.png [--width W] [--height H] [--eye X Y Z] [--target X Y Z]
[--fov DEG]`: render a scene thumbnail in software (see `content_tools.render`).

MODEL is a .glb or a .gltf (its external files are read from beside it). Without --eye and
--target the camera is the model's `thumbnail_camera` node, else its `spawn` node (the visitor's
view), else a front-above view of the whole model.

Exit status: 0 success, 1 a model that cannot be read or an output that cannot be written,
2 bad usage.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from content_tools.cli.common import print_error
from content_tools.errors import ContentError
from content_tools.exit_codes import ExitCode
from content_tools.files import write_atomic
from content_tools.gltf import read_model, self_contained_glb
from content_tools.render import MAX_SIZE, render_thumbnail

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add the `thumbnail` subcommand to `vr-content`'s subparsers."""
    parser = commands.add_parser(
        "thumbnail",
        help="render a PNG thumbnail of a glTF model",
        description=(
            "Render MODEL (.glb or .gltf) to a PNG in software. The camera is the model's "
            "thumbnail_camera node, else its spawn node (1.6 m above it, looking along -Z), else "
            "a view of the whole model from the front and above; --eye/--target override it."
        ),
    )
    parser.add_argument("model", type=Path, metavar="MODEL")
    parser.add_argument("-o", "--out", type=Path, required=True, metavar="OUT.png")
    parser.add_argument("--width", type=int, default=640, help="pixels (default %(default)s)")
    parser.add_argument("--height", type=int, default=360, help="pixels (default %(default)s)")
    parser.add_argument(
        "--eye", type=float, nargs=3, metavar=("X", "Y", "Z"), help="camera position (metres)"
    )
    parser.add_argument(
        "--target", type=float, nargs=3, metavar=("X", "Y", "Z"), help="point to look at"
    )
    parser.add_argument(
        "--fov", type=float, default=60.0, help="vertical field of view in degrees (default 60)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `vr-content thumbnail`; returns the exit status."""
    if not (1 <= args.width <= MAX_SIZE and 1 <= args.height <= MAX_SIZE):
        return _error(f"--width and --height must be 1..{MAX_SIZE}", ExitCode.USAGE)
    if not 1.0 <= args.fov <= 170.0:
        return _error("--fov must be between 1 and 170 degrees", ExitCode.USAGE)
    model_path: Path = args.model
    started = time.perf_counter()
    try:
        model = read_model(model_path)
        glb = self_contained_glb(model, root=model_path.parent)
        png = render_thumbnail(
            glb,
            width=args.width,
            height=args.height,
            eye=None if args.eye is None else _point(args.eye),
            target=None if args.target is None else _point(args.target),
            fov_deg=args.fov,
        )
    except ContentError as exc:
        return _error(str(exc), ExitCode.FAILURE)
    try:
        write_atomic(args.out, png)
    except OSError as exc:
        return _error(f"cannot write {args.out}: {exc.strerror or exc}", ExitCode.FAILURE)
    elapsed = time.perf_counter() - started
    print(f"wrote {args.out} ({args.width}x{args.height}, {len(png)} bytes, {elapsed:.1f} s)")
    return ExitCode.OK


def _point(values: list[float]) -> tuple[float, float, float]:
    return (float(values[0]), float(values[1]), float(values[2]))


def _error(message: str, status: ExitCode) -> int:
    print_error(message)
    return status
