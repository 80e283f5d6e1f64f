"""What every `vr-server` command shares: the error that ends it, how it prints, and (for the
commands that work on the configured database directly) the services.

Control characters in what is printed (names, events, errors) are shown escaped
(vr_server/terminal.py), in JSON as \\u escapes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from pydantic_core import to_jsonable_python

from vr_server.terminal import escape_controls, escape_json

if TYPE_CHECKING:  # the server's modules are imported by the commands that use them
    from vr_server.services import Services
    from vr_server.settings import Settings

T = TypeVar("T")


class CliError(Exception):
    """Ends the command with exit status 1 (ExitCode.FAILURE) and this message on stderr."""


def show(text: str, *, as_json: bool = False) -> None:
    """Print `text` that may hold others' words, control characters escaped."""
    print(escape_json(text) if as_json else escape_controls(text), flush=True)


def print_result(args: argparse.Namespace, data: object, lines: list[str]) -> None:
    """`data` as indented JSON with --json (pydantic models as the API sends them), else
    `lines` ("(none)" when there are none)."""
    if args.json:
        text = json.dumps(to_jsonable_python(data), ensure_ascii=False, indent=2)
        show(text, as_json=True)
    else:
        for line in lines or ["(none)"]:
            show(line)


def print_secret(args: argparse.Namespace, data: object, secret: str, note: str) -> None:
    """A code or token just made: `data` as JSON with --json, else the secret alone on stdout
    (for a script to take) and `note`, for people, on stderr."""
    print_result(args, data, [secret])
    if not args.json:
        print(escape_controls(note), file=sys.stderr, flush=True)


def load_settings() -> Settings:
    """The server's settings, from the VR_* variables."""
    from vr_server.settings import Settings

    return Settings()


async def with_services(settings: Settings, fn: Callable[[Services], Awaitable[T]]) -> T:
    """`fn(services)` on the database of `settings` (opened and migrated, then closed)."""
    from vr_server.app import close_services, open_services

    services = await open_services(settings)
    try:
        return await fn(services)
    finally:
        await close_services(services)


def run_with_services(fn: Callable[[Services], Awaitable[T]]) -> T:
    """`fn(services)` on the configured database (opened and migrated, then closed)."""
    return asyncio.run(with_services(load_settings(), fn))
