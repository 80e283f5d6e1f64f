"""Which ASGI server a benchmark runs the app on: `vr-server serve` (uvicorn with the in-tree
extensions) or Granian (bench/granian_serve.py), for issue 16's comparison."""

from __future__ import annotations

import argparse
import sys

import psutil


def add_server_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        choices=["uvicorn", "granian"],
        default="uvicorn",
        help="`vr-server serve` (uvicorn 0.54 with vr_server's extensions), or the same app "
        "on one Granian worker (bench/granian_serve.py)",
    )


def server_command(args: argparse.Namespace) -> list[str] | None:
    if args.server == "granian":
        return [sys.executable, "-m", "bench.granian_serve"]
    return None  # the harness's default: `python -m vr_server serve`


def served_pid(pid: int) -> int:
    """The process that runs the app: Granian's single worker is a child of the process
    started; `vr-server serve` runs it itself."""
    children = psutil.Process(pid).children()
    return children[0].pid if len(children) == 1 else pid
