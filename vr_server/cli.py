"""`vr-server`: run the server, administer it, and act as a staff client.

Administration works on the configured database directly (like `createsuperuser`):
    vr-server serve | migrate | import DIST... | schema
    vr-server staff create NAME [--role staff|admin|author] | staff list
    vr-server enroll create [--uses N] [--hours H] [--label TEXT]
    (taking access back and kiosks: vr_server/cli_access.py)
    vr-server purge [--days N]          delete visitors' personal data older than N days
    vr-server gc [--grace-hours H] [--dry-run]   remove content files no scene version uses
    vr-server audit [--since 24h] [--action A] [--actor NAME] [--json]   the audit trail
    vr-server author create NAME            (= staff create NAME --role author)
    vr-server author token NAME [--hours H] a token for `vr-content publish` (VR_AUTHOR_TOKEN)

Staff commands talk to a running server over HTTP with a staff token (from `login`, kept in
~/.config/vr-career/credentials.json, or --token / VR_STAFF_TOKEN):
    vr-server login [--username NAME]
    vr-server headsets | scenes | sessions [--all] | session ID [--events]
    vr-server assign HEADSET SCENE [--language th|en] [--no-autostart]
    vr-server command SESSION start|pause|resume|end|recenter
    vr-server watch            (live updates from /ws/staff)

Every command exits 0 on success, 1 on failure, 2 on wrong usage; `--json` prints JSON.
Control characters in what is printed (names, events, errors) are shown escaped
(vr_server/terminal.py), in JSON as \\u escapes.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx

from vr_server import __version__
from vr_server.credentials import load_credentials, save_credentials
from vr_server.terminal import escape_controls, escape_json

DEFAULT_SERVER = "http://localhost:8000"
WS_PROTOCOLS = {"direct": "vr_server.serving.direct_ws:DirectWebSocketProtocol"}
"""VR_WS_IMPL values that are not uvicorn's own names."""


class CliError(Exception):
    pass


# ---------------------------------------------------------------- admin commands


def _settings() -> Any:
    from vr_server.settings import Settings

    return Settings()


async def _with_services(fn: Any) -> Any:
    from vr_server.app import close_services, open_services

    services = await open_services(_settings())
    try:
        return await fn(services)
    finally:
        await close_services(services)


async def _check_database(settings: Any) -> None:
    """Open (and migrate) the database once; Unavailable says which URL failed and why."""
    from vr_server.storage import open_store

    store = await open_store(
        settings.resolved_database_url,
        retry_s=settings.database_retry_s,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    await store.close()


async def _check_redis(settings: Any) -> None:
    """PING the Redis of VR_REDIS_URL once; CliError saying which URL failed and why."""
    from vr_server.bus.redis import RedisUnreachable, open_redis

    try:
        client = await open_redis(settings.redis_url, settings.redis_timeout_s)
    except RedisUnreachable as exc:
        raise CliError(str(exc)) from None
    await client.aclose()


def _check_blob_bucket(settings: Any) -> None:
    """HEAD the bucket of VR_BLOB_S3_URL once; CliError saying whether it is missing, refused
    or out of reach."""
    from vr_server.blobs_s3 import S3Blobs
    from vr_server.errors import Unavailable

    remote = S3Blobs.from_settings(settings)
    try:
        remote.check()
    except Unavailable as exc:
        raise CliError(exc.message) from None
    finally:
        remote.close()


def _tune_gc() -> None:
    """Fewer and shorter garbage-collector pauses in a long-running server: what exists after
    start-up (modules, models, schemas) is moved out of the collector's reach, the youngest
    generation is collected every 10,000 allocations instead of 700 (at 2,000 headsets that
    halved the staff-command p99, from 86-110 ms to 38-40 ms), and the middle one every other
    time. A middle collection walks every object that survived the young ones since the last
    one: while thousands of headsets connect (~270 objects each), it took 83 ms after 5 young
    collections and 133 ms after 10 (3,000 headsets), so ~650 ms after the 50 it waited for
    before, at 10,000 headsets (estimated). Now it walks ~20,000 at most, whatever the fleet
    (10-18 ms at 3,000 headsets: bench/sessions.py's `server_gc`). Full collections stay as
    rare as before (every ~100-200 million net allocations), and one still
    walks every connection's objects (docs/benchmarks.md)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 1, 10_000)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from vr_server.app import create_app
    from vr_server.logs import log_config
    from vr_server.serving.connection_guard import http_protocol

    settings = _settings()
    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    certfile: str | None = None
    keyfile: str | None = None
    if args.tls:
        from vr_server.tls import tls_files

        files = tls_files(settings.data_dir)
        if not (files.cert.is_file() and files.key.is_file()):
            print(
                f"error: no certificate in {files.folder}; run `vr-server tls init` first",
                file=sys.stderr,
            )
            return 1
        certfile, keyfile = str(files.cert), str(files.key)
    asyncio.run(_check_database(settings))  # a clear message, not a traceback from uvicorn
    if settings.redis_url:
        asyncio.run(_check_redis(settings))
    if settings.blob_s3_url:
        _check_blob_bucket(settings)
    app = create_app(settings)
    _tune_gc()
    scheme = "https" if certfile else "http"
    address = f"{scheme}://{settings.host}:{settings.port}"
    print(f"vr-server {__version__}: {address}  (data in {settings.data_dir})")
    uvicorn.run(
        app,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=log_config(settings),
        ws_max_size=max(1024 * 1024, settings.max_frame_bytes * 4),
        ws_ping_interval=None,
        ws_per_message_deflate=settings.ws_deflate,
        ws=WS_PROTOCOLS.get(settings.ws_impl, settings.ws_impl),
        http=http_protocol(settings),
        limit_concurrency=settings.max_connections,
        # X-Forwarded-For only from VR_TRUSTED_PROXIES: never believed from anyone else
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )
    return 0


def cmd_tls_init(args: argparse.Namespace) -> int:
    from vr_server.tls import default_hosts, init_tls

    settings = _settings()
    hosts = args.host or default_hosts()
    try:
        files = init_tls(settings.data_dir, hosts, days=args.days, new_ca=args.new_ca)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"certificate authority: {files.ca_cert}  (install this on each headset once)")
    print(f"server certificate:    {files.cert}  for {', '.join(hosts)}")
    print("serve with: vr-server serve --tls --host 0.0.0.0")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    async def run(_services: Any) -> None:
        return None

    asyncio.run(_with_services(run))
    print("database is up to date")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    async def run(services: Any) -> list[Any]:
        return list(await services.catalog.import_dirs([Path(p) for p in args.dist]))

    results = asyncio.run(_with_services(run))
    for r in results:
        print(f"{r.scene_id} {r.version}: {'imported' if r.new else 'already present'}, active")
    if not results:
        raise CliError("no bundles found (a bundle is a folder with manifest.json)")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from vr_server.protocol.schema import SCHEMA_PATH, write_schema

    path = write_schema(Path(args.output) if args.output else SCHEMA_PATH)
    print(f"wrote {path}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("VR_NEW_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for a password: use --password-stdin")
    first = getpass.getpass("Password (8 characters or more): ")
    if getpass.getpass("Again: ") != first:
        raise CliError("the passwords differ")
    return first


def cmd_staff_create(args: argparse.Namespace) -> int:
    password = _read_password(args)

    async def run(services: Any) -> Any:
        return await services.auth.create_account(args.username, password, args.role)

    account = asyncio.run(_with_services(run))
    print(f"created {account.role} account {account.username!r}")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    async def run(services: Any) -> list[Any]:
        return list(await services.store.list_accounts())

    accounts = asyncio.run(_with_services(run))
    if args.json:
        _show(
            json.dumps([{"username": a.username, "role": a.role} for a in accounts]), as_json=True
        )
    for a in accounts if not args.json else []:
        _show(f"{a.username:24} {a.role}{'  (disabled)' if a.disabled else ''}")
    return 0


def cmd_author_create(args: argparse.Namespace) -> int:
    args.role = "author"
    return cmd_staff_create(args)


def cmd_author_token(args: argparse.Namespace) -> int:
    async def run(services: Any) -> Any:
        from vr_server.errors import Invalid, NotFound

        account = await services.store.get_account_by_username(args.username)
        if account is None:
            raise NotFound(f"no account named {args.username!r}")
        if account.role not in ("author", "editor") or account.disabled:
            raise Invalid(f"{args.username!r} is not an enabled author or editor account")
        return await services.auth.issue_token(account, hours=args.hours)

    issued = asyncio.run(_with_services(run))
    if args.json:
        print(json.dumps({"token": issued.token, "expires_at": issued.expires_at.isoformat()}))
    else:
        print(issued.token)
        print(
            f"(author token for {args.username}, "
            f"valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC)",
            file=sys.stderr,
        )
    return 0


def cmd_enroll_create(args: argparse.Namespace) -> int:
    async def run(services: Any) -> str:
        code: str = await services.auth.create_enrollment_code(
            uses=args.uses, hours=args.hours, label=args.label
        )
        return code

    code = asyncio.run(_with_services(run))
    if args.json:
        print(json.dumps({"code": code, "uses": args.uses, "hours": args.hours}))
    else:
        print(code)
        print(
            f"(enrolls up to {args.uses} headset(s) within {args.hours:g} hours)",
            file=sys.stderr,
        )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    if args.days is not None and args.days < 0:
        raise CliError("--days must be 0 or more")

    async def run(services: Any) -> Any:
        from vr_server.services.audit import Actor

        return await services.retention.purge(args.days, Actor.cli())

    report = asyncio.run(_with_services(run))
    if args.json:
        before = report.before.isoformat()
        print(json.dumps({"deleted": report.deleted, "days": report.days, "before": before}))
    else:
        print(
            f"deleted the personal data of {report.deleted} visitor(s) given before "
            f"{report.before:%Y-%m-%d %H:%M} UTC ({report.days} days); tickets and "
            "statistics are kept"
        )
    return 0


def cmd_gc(args: argparse.Namespace) -> int:
    from vr_server.services.blob_gc import collect_garbage

    async def run(services: Any) -> Any:
        return await collect_garbage(
            services.store, services.blobs, grace_hours=args.grace_hours, dry_run=args.dry_run
        )

    report = asyncio.run(_with_services(run))
    verb = "would remove" if report.dry_run else "removed"
    if args.json:
        removed = [
            {"path": str(f.path), "sha256": f.sha256, "bytes": f.size} for f in report.removed
        ]
        summary = {"dry_run": report.dry_run, "removed": removed, "bytes_freed": report.bytes_freed}
        print(json.dumps({**summary, "kept_recent": report.kept_recent, "in_use": report.in_use}))
        return 0
    for f in report.removed:
        print(f"{verb} {f.path}  ({f.size} bytes)")
    print(
        f"{verb} {len(report.removed)} unused file(s), {report.bytes_freed} bytes "
        f"({report.bytes_freed / 1e6:.1f} MB); kept {report.in_use} in use and "
        f"{report.kept_recent} unused but newer than {args.grace_hours:g} h"
    )
    if report.local_only:
        print("(the local cache only: the S3 bucket keeps every object)")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from vr_server.services.audit import parse_since
    from vr_server.storage.audit import AuditFilter

    if not 1 <= args.limit <= 100_000:
        raise CliError("--limit must be between 1 and 100000")

    since = parse_since(args.since, datetime.now(UTC)) if args.since else None

    async def run(services: Any) -> Any:
        return await services.audit.entries(AuditFilter(since, args.action, args.actor, args.limit))

    records = asyncio.run(_with_services(run))
    rows = [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "action": r.action,
            "actor": r.actor,
            "actor_role": r.actor_role,
            "target": r.target,
            "address": r.address,
            "details": r.details,
        }
        for r in records
    ]
    lines = [
        f"{r.at:%Y-%m-%d %H:%M:%S}  {r.action:<14} {r.actor or '-':<16} "
        f"{r.actor_role or '-':<9} {r.address or '-':<15} {r.target or '-'}"
        + (f"  {json.dumps(r.details, ensure_ascii=False)}" if r.details else "")
        for r in records
    ]
    if lines and not args.json:
        lines.insert(
            0,
            f"{'time (UTC)':<19}  {'action':<14} {'actor':<16} {'role':<9} "
            f"{'address':<15} target  details",
        )
    _print(args, rows, lines)
    return 0


# ---------------------------------------------------------------- staff client commands


def _token(args: argparse.Namespace) -> str:
    token = args.token or os.environ.get("VR_STAFF_TOKEN") or load_credentials().get(args.server)
    if not token:
        raise CliError(
            f"not logged in to {args.server}: run `vr-server login --server {args.server}`"
        )
    return str(token)


def _request(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    url = args.server.rstrip("/") + path
    try:
        response = httpx.request(
            method, url, json=body, headers={"Authorization": f"Bearer {_token(args)}"}, timeout=30
        )
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the server at {args.server}: {exc}") from exc
    if response.status_code == 401:
        raise CliError("the server refused the staff token (HTTP 401): log in again")
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text
        raise CliError(f"HTTP {response.status_code}: {detail}")
    return response.json() if response.content else None


def cmd_login(args: argparse.Namespace) -> int:
    username = args.username or input("Username: ")
    password = (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    )
    try:
        response = httpx.post(
            args.server.rstrip("/") + "/api/auth/login",
            json={"username": username, "password": password},
            timeout=30,
        )
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the server at {args.server}: {exc}") from exc
    if response.status_code != 200:
        raise CliError(
            f"login refused (HTTP {response.status_code}): {response.json().get('detail')}"
        )
    creds = load_credentials()
    creds[args.server] = response.json()["token"]
    save_credentials(creds)
    print(f"logged in to {args.server} as {username}")
    return 0


def _show(text: str, *, as_json: bool = False) -> None:
    """Print `text` that may hold others' words, control characters escaped."""
    print(escape_json(text) if as_json else escape_controls(text), flush=True)


def _print(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    if args.json:
        _show(json.dumps(data, ensure_ascii=False, indent=2), as_json=True)
    else:
        for line in lines or ["(none)"]:
            _show(line)


def _resolve_headset(args: argparse.Namespace, ref: str) -> str:
    headsets = _request(args, "GET", "/api/headsets")
    for h in headsets:
        if ref in (h["id"], h["name"]):
            return str(h["id"])
    names = ", ".join(h["name"] for h in headsets) or "none enrolled"
    raise CliError(f"no headset {ref!r} (headsets: {names})")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def cmd_headsets(args: argparse.Namespace) -> int:
    data = _request(args, "GET", "/api/headsets")
    lines = [
        f"{h['name']:16} {'online ' if h['online'] else 'offline'} {h['status']:15} "
        f"{(h.get('scene_id') or '-'):12} {h.get('step_id') or '-':16} "
        f"battery {_percent(h.get('battery'))}  {h['id']}"
        for h in data
    ]
    _print(args, data, lines)
    return 0


def cmd_scenes(args: argparse.Namespace) -> int:
    data = _request(args, "GET", "/api/catalog")
    lines = [f"{s['id']:20} {s['version']:8} {s['title']['en']} / {s['title']['th']}" for s in data]
    _print(args, data, lines)
    return 0


def _session_line(s: dict[str, Any]) -> str:
    score = f" {s['result']['percent']}%" if s.get("result") else ""
    return (
        f"{s['id']}  {s['scene_id']:16} {s['state']:9} step {s['step_index']}/{s['step_count']} "
        f"{s.get('step_id') or '':16}{score}"
    )


def cmd_sessions(args: argparse.Namespace) -> int:
    query = (
        "" if args.all else "?state=assigned&state=loading&state=ready&state=running&state=paused"
    )
    data = _request(args, "GET", f"/api/sessions{query}")
    _print(args, data, [_session_line(s) for s in data])
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    data = _request(args, "GET", f"/api/sessions/{args.session_id}")
    lines = [_session_line(data)]
    if args.events:
        events = _request(args, "GET", f"/api/sessions/{args.session_id}/events")
        data = {"session": data, "events": events}
        lines += [f"  #{e['seq']:<4} {e['kind']:18} {e.get('step_id') or ''}" for e in events]
    _print(args, data, lines)
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    headset_id = _resolve_headset(args, args.headset)
    data = _request(
        args,
        "POST",
        "/api/sessions",
        {
            "headset_id": headset_id,
            "scene_id": args.scene,
            "language": args.language,
            "autostart": not args.no_autostart,
        },
    )
    _print(args, data, [f"assigned: {_session_line(data)}"])
    return 0


def cmd_command(args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"command": args.command}
    if args.language:
        body["language"] = args.language
    data = _request(args, "POST", f"/api/sessions/{args.session_id}/commands", body)
    _print(args, data, [_session_line(data)])
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from websockets.asyncio.client import connect

    url = args.server.replace("http", "ws", 1).rstrip("/") + "/ws/staff"
    token = _token(args)

    async def run() -> None:
        async with connect(url) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            async for raw in ws:
                frame = json.loads(raw)
                if args.json:
                    _show(json.dumps(frame, ensure_ascii=False), as_json=True)
                elif frame["type"] == "snapshot":
                    counts = len(frame["headsets"]), len(frame["sessions"])
                    _show("{} headsets, {} active sessions".format(*counts))
                elif frame["type"] == "headset_update":
                    h = frame["headset"]
                    online = "online" if h["online"] else "offline"
                    _show(f"headset {h['name']}: {online} {h['status']}")
                elif frame["type"] == "session_update":
                    _show("session " + _session_line(frame["session"]))
                elif frame["type"] == "headsets_live":
                    pass  # battery and frame rate every second: only with --json
                else:
                    _show(json.dumps(frame, ensure_ascii=False), as_json=True)

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        raise CliError(f"cannot reach the server at {args.server}: {exc}") from exc
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vr-server", description="VR career exploration server")
    parser.add_argument("--version", action="version", version=f"vr-server {__version__}")
    sub = parser.add_subparsers(dest="command_name", required=True)

    p = sub.add_parser("serve", help="run the server (settings from VR_* variables)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument(
        "--tls", action="store_true", help="serve HTTPS/WSS with the certificate of `tls init`"
    )
    p.set_defaults(func=cmd_serve)
    tls = sub.add_parser(
        "tls", help="a local certificate authority and HTTPS certificate"
    ).add_subparsers(dest="tls_command", required=True)
    p = tls.add_parser(
        "init",
        help="create the CA (once) and a server certificate in <data dir>/tls/",
        description="Create a local certificate authority (kept if it exists) and a server "
        "certificate for the given host names and IP addresses (default: localhost, this "
        "machine's name and addresses). The CA may vouch for these names only. Install "
        "ca.crt on each headset once.",
    )
    p.add_argument("--host", action="append", default=[], metavar="NAME_OR_IP")
    p.add_argument("--days", type=int, default=825)
    p.add_argument(
        "--new-ca",
        action="store_true",
        help="replace the CA (it may vouch only for the names it was made for); headsets "
        "must then trust the new ca.crt",
    )
    p.set_defaults(func=cmd_tls_init)
    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=cmd_migrate)
    p = sub.add_parser("import", help="import packaged bundles into the catalog")
    p.add_argument("dist", nargs="+")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("schema", help="write the protocol's JSON Schema")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_schema)

    staff = sub.add_parser("staff", help="staff and author accounts").add_subparsers(
        dest="staff_command", required=True
    )
    p = staff.add_parser("create", help="create an account")
    p.add_argument("username")
    p.add_argument("--role", choices=["staff", "admin", "author", "editor"], default="staff")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_staff_create)
    p = staff.add_parser("list", help="list accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_staff_list)

    author = sub.add_parser("author", help="content author accounts").add_subparsers(
        dest="author_command", required=True
    )
    p = author.add_parser("create", help="create an author account (publishes content only)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_author_create)
    p = author.add_parser("token", help="issue an author token (for VR_AUTHOR_TOKEN)")
    p.add_argument("username")
    p.add_argument("--hours", type=float, default=24.0 * 30, help="how long it stays valid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_author_token)

    enroll = sub.add_parser("enroll", help="headset enrollment codes").add_subparsers(
        dest="enroll_command", required=True
    )
    p = enroll.add_parser("create", help="create an enrollment code")
    p.add_argument("--uses", type=int, default=1, help="how many headsets may use it")
    p.add_argument("--hours", type=float, default=24.0, help="how long it stays valid")
    p.add_argument("--label", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_enroll_create)

    p = sub.add_parser(
        "purge",
        help="delete visitors' names and phone numbers older than the retention period",
        description="Delete the personal data (name, phone, consent) visitors gave at check-in "
        "more than N days ago (default: VR_RETENTION_DAYS, 30). Tickets and statistics stay. "
        "The running server also does this every hour.",
    )
    p.add_argument("--days", type=int, help="keep this many days (default VR_RETENTION_DAYS)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser(
        "gc",
        help="remove content files no scene version uses",
        description="Remove the uploaded content files (blobs) that no stored scene version "
        "names, unless stored or offered again within the grace period (an author may be "
        "about to publish). With VR_BLOB_S3_URL only the local cache is cleaned.",
    )
    p.add_argument("--grace-hours", type=float, default=24.0, help="keep newer files (24)")
    p.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_gc)

    p = sub.add_parser(
        "audit",
        help="show the audit trail (logins, contact reads, exports, publishes, purges...)",
        description="Who did what, when and from where, newest first, from the configured "
        "database.",
    )
    p.add_argument("--since", help="30m, 24h, 7d, or a date/time like 2026-12-06T09:00+07:00")
    p.add_argument("--action", help="only this action (login, login_failed, contact_read, ...)")
    p.add_argument("--actor", help="only this account's entries (username)")
    p.add_argument("--limit", type=int, default=200, help="at most this many (default 200)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)

    def client(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--server", default=os.environ.get("VR_SERVER_URL", DEFAULT_SERVER))
        p.add_argument("--token", help="a staff token (default: from `vr-server login`)")
        p.add_argument("--json", action="store_true")
        return p

    p = client("login", "log in as staff and remember the token")
    p.add_argument("--username")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_login)
    client("headsets", "list headsets").set_defaults(func=cmd_headsets)
    client("scenes", "list the catalog").set_defaults(func=cmd_scenes)
    p = client("sessions", "list active sessions")
    p.add_argument("--all", action="store_true", help="include ended sessions")
    p.set_defaults(func=cmd_sessions)
    p = client("session", "show one session")
    p.add_argument("session_id")
    p.add_argument("--events", action="store_true", help="list its stored events")
    p.set_defaults(func=cmd_session)
    p = client("assign", "assign a scene to a headset (by name or id)")
    p.add_argument("headset")
    p.add_argument("scene")
    p.add_argument("--language", choices=["th", "en"], default="th")
    p.add_argument("--no-autostart", action="store_true")
    p.set_defaults(func=cmd_assign)
    p = client("command", "send a command to a session")
    p.add_argument("session_id")
    p.add_argument("command", choices=["start", "pause", "resume", "end", "recenter", "language"])
    p.add_argument("--language", choices=["th", "en"])
    p.set_defaults(func=cmd_command)
    client("watch", "print live updates").set_defaults(func=cmd_watch)
    from vr_server import cli_access  # revocation and kiosks (admin over HTTP)

    cli_access.add_commands(sub, staff, enroll)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except CliError as exc:
        print(escape_controls(f"vr-server: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:  # service errors carry a message meant for people
        from pydantic import ValidationError

        from vr_server.errors import ServerError

        if isinstance(exc, ServerError | ValidationError):
            print(escape_controls(f"vr-server: {exc}"), file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
