"""`vr-server`'s staff client: commands that talk to a running server over HTTP with a staff
token (from `login`, kept in ~/.config/vr-career/credentials.json, or --token /
VR_STAFF_TOKEN), through the typed StaffClient (vr_server/cli/staff_client.py):

    vr-server login [--server URL] [--username NAME]   (later commands use that server)
    vr-server headsets | scenes | sessions [--all] | session ID [--events]
    vr-server assign HEADSET SCENE [--language th|en] [--no-autostart]
    vr-server command SESSION start|pause|resume|end|recenter
    vr-server watch            (live updates from /ws/staff)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from vr_server.cli.common import CliError, print_result, show
from vr_server.cli.staff_client import (
    Refused,
    ServerUnreachable,
    StaffClient,
    TokenRefused,
    open_http,
)
from vr_server.credentials import (
    current_server,
    load_credentials,
    save_credentials,
    server_key,
)
from vr_server.protocol.common import HeadsetView, SceneSummary, SessionState, SessionView
from vr_server.protocol.staff import HeadsetsLive, HeadsetUpdate, SessionUpdate, Snapshot

M = TypeVar("M")
DEFAULT_SERVER = "http://localhost:8000"
ACTIVE: tuple[SessionState, ...] = ("assigned", "loading", "ready", "running", "paused")
"""What `sessions` lists without --all, in the order of its query string."""
Command = Callable[[argparse.Namespace], int]
connect: Callable[[str, str | None], httpx.Client] = open_http
"""How a command opens its HTTP client: tests put one on an httpx.MockTransport here."""


def resolve_server(given: str | None) -> str:
    """The server a command talks to: `--server`, else VR_SERVER_URL, else the server of the
    last `vr-server login`, else http://localhost:8000."""
    chosen = given or os.environ.get("VR_SERVER_URL") or current_server() or DEFAULT_SERVER
    return server_key(chosen)


def add_remote_options(p: argparse.ArgumentParser, func: Command, token_help: str) -> None:
    """--server, --token and --json, and the command `func`, on a remote command's parser."""
    p.add_argument(
        "--server",
        help="the server's URL (default: VR_SERVER_URL, else the server of the last "
        f"`vr-server login`, else {DEFAULT_SERVER})",
    )
    p.add_argument("--token", help=token_help)
    p.add_argument("--json", action="store_true")

    def command(args: argparse.Namespace) -> int:
        args.server = resolve_server(args.server)
        return func(args)

    p.set_defaults(func=command)


def token(args: argparse.Namespace) -> str:
    found = args.token or os.environ.get("VR_STAFF_TOKEN") or load_credentials().get(args.server)
    if not found:
        raise CliError(
            f"not logged in to {args.server}: run `vr-server login --server {args.server}`"
        )
    return str(found)


@contextmanager
def staff_client(args: argparse.Namespace, *, with_token: bool = True) -> Iterator[StaffClient]:
    """A StaffClient for --server with the staff token; its errors become CliError."""
    http = connect(args.server, token(args) if with_token else None)
    try:
        yield StaffClient(http)
    except ServerUnreachable as exc:
        raise CliError(f"cannot reach the server at {args.server}: {exc.cause}") from exc
    except TokenRefused:
        raise CliError("the server refused the staff token (HTTP 401): log in again") from None
    except Refused as exc:
        raise CliError(str(exc)) from None
    finally:
        http.close()


def resolve_headset(api: StaffClient, ref: str) -> str:
    """The id of the headset named or numbered `ref`."""
    headsets = api.headsets()
    for h in headsets:
        if ref in (h.id, h.name):
            return h.id
    names = ", ".join(h.name for h in headsets) or "none enrolled"
    raise CliError(f"no headset {ref!r} (headsets: {names})")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def session_line(s: SessionView) -> str:
    score = f" {s.result.percent}%" if s.result else ""
    return (
        f"{s.id}  {s.scene_id:16} {s.state:9} step {s.step_index}/{s.step_count} "
        f"{s.step_id or '':16}{score}"
    )


def cmd_login(args: argparse.Namespace) -> int:
    username = args.username or input("Username: ")
    password = (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    )
    with staff_client(args, with_token=False) as api:
        try:
            answer = api.login(username, password)
        except Refused as exc:
            raise CliError(f"login refused (HTTP {exc.status_code}): {exc.detail}") from None
    creds = load_credentials()
    creds[args.server] = answer.token
    save_credentials(creds, current=args.server)
    print(f"logged in to {args.server} as {username} (later commands use this server)")
    return 0


def listing(
    fetch: Callable[[StaffClient, argparse.Namespace], Sequence[M]], line: Callable[[M], str]
) -> Command:
    """A command that prints what `fetch` returns: one `line` per item, or with --json the
    items as the API sent them."""

    def command(args: argparse.Namespace) -> int:
        with staff_client(args) as api:
            data = fetch(api, args)
        print_result(args, data, [line(item) for item in data])
        return 0

    return command


def _headset_line(h: HeadsetView) -> str:
    return (
        f"{h.name:16} {'online ' if h.online else 'offline'} {h.status:15} "
        f"{(h.scene_id or '-'):12} {h.step_id or '-':16} "
        f"battery {_percent(h.battery)}  {h.id}"
    )


def _scene_line(s: SceneSummary) -> str:
    return f"{s.id:20} {s.version:8} {s.title.en} / {s.title.th}"


cmd_headsets = listing(lambda api, _args: api.headsets(), _headset_line)
cmd_scenes = listing(lambda api, _args: api.catalog(), _scene_line)
cmd_sessions = listing(lambda api, args: api.sessions(() if args.all else ACTIVE), session_line)


def cmd_session(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        session = api.session(args.session_id)
        events = api.events(args.session_id) if args.events else None
    lines = [session_line(session)]
    if events is None:
        print_result(args, session, lines)
        return 0
    lines += [f"  #{e.seq:<4} {e.kind:18} {e.step_id or ''}" for e in events]
    print_result(args, {"session": session, "events": events}, lines)
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        headset_id = resolve_headset(api, args.headset)
        data = api.assign(headset_id, args.scene, args.language, autostart=not args.no_autostart)
    print_result(args, data, [f"assigned: {session_line(data)}"])
    return 0


def cmd_command(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        data = api.command(args.session_id, args.command, args.language)
    print_result(args, data, [session_line(data)])
    return 0


_WATCHED: dict[str, type[Snapshot | HeadsetUpdate | SessionUpdate | HeadsetsLive]] = {
    "snapshot": Snapshot,
    "headset_update": HeadsetUpdate,
    "session_update": SessionUpdate,
    "headsets_live": HeadsetsLive,
}


def show_frame(frame: dict[str, Any]) -> None:
    """What `watch` prints for `frame` without --json: a line for the updates it knows, the
    frame's JSON for the others, nothing for `headsets_live`."""
    model = _WATCHED.get(str(frame.get("type")))
    try:
        typed = None if model is None else model.model_validate(frame)
    except ValidationError:
        typed = None
    if isinstance(typed, Snapshot):
        show(f"{len(typed.headsets)} headsets, {len(typed.sessions)} active sessions")
    elif isinstance(typed, HeadsetUpdate):
        h = typed.headset
        show(f"headset {h.name}: {'online' if h.online else 'offline'} {h.status}")
    elif isinstance(typed, SessionUpdate):
        show("session " + session_line(typed.session))
    elif not isinstance(typed, HeadsetsLive):  # battery and frame rate every second: --json
        show(json.dumps(frame, ensure_ascii=False), as_json=True)


def cmd_watch(args: argparse.Namespace) -> int:
    from websockets.asyncio.client import connect as ws_connect

    url = args.server.replace("http", "ws", 1).rstrip("/") + "/ws/staff"
    staff_token = token(args)

    async def run() -> None:
        async with ws_connect(url) as ws:
            await ws.send(json.dumps({"type": "auth", "token": staff_token}))
            async for raw in ws:
                frame = json.loads(raw)
                if args.json:
                    show(json.dumps(frame, ensure_ascii=False), as_json=True)
                else:
                    show_frame(frame)

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        raise CliError(f"cannot reach the server at {args.server}: {exc}") from exc
    return 0


def add_commands(sub: Any) -> None:
    """Register the staff client's commands on the top-level parser."""

    def client(name: str, help_text: str, func: Command) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        add_remote_options(p, func, "a staff token (default: from `vr-server login`)")
        return p

    p = client("login", "log in as staff and remember the token", cmd_login)
    p.add_argument("--username")
    p.add_argument("--password-stdin", action="store_true")
    client("headsets", "list headsets", cmd_headsets)
    client("scenes", "list the catalog", cmd_scenes)
    p = client("sessions", "list active sessions", cmd_sessions)
    p.add_argument("--all", action="store_true", help="include ended sessions")
    p = client("session", "show one session", cmd_session)
    p.add_argument("session_id")
    p.add_argument("--events", action="store_true", help="list its stored events")
    p = client("assign", "assign a scene to a headset (by name or id)", cmd_assign)
    p.add_argument("headset")
    p.add_argument("scene")
    p.add_argument("--language", choices=["th", "en"], default="th")
    p.add_argument("--no-autostart", action="store_true")
    p = client("command", "send a command to a session", cmd_command)
    p.add_argument("session_id")
    p.add_argument("command", choices=["start", "pause", "resume", "end", "recenter", "language"])
    p.add_argument("--language", choices=["th", "en"])
    client("watch", "print live updates", cmd_watch)
