"""`vr-server serve | tls init | migrate | import DIST... | schema`: run the server and prepare
what it serves, on the configured database (settings from VR_* variables)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vr_server import __version__
from vr_server.cli.common import CliError, load_settings, run_with_services

if TYPE_CHECKING:
    from vr_server.services import Services
    from vr_server.settings import Settings

WS_PROTOCOLS = {"direct": "vr_server.serving.direct_ws:DirectWebSocketProtocol"}
"""VR_WS_IMPL values that are not uvicorn's own names."""


async def _check_database(settings: Settings) -> str | None:
    """Open (and migrate) the database once; Unavailable says which URL failed and why.
    Returns a one-time setup token when there is no admin account yet."""
    from vr_server.services.setup import console_token
    from vr_server.storage import open_store

    store = await open_store(
        settings.resolved_database_url,
        retry_s=settings.database_retry_s,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    try:
        return await console_token(store)
    finally:
        await store.close()


def link_host(host: str) -> str:
    """The host name a link to this server uses: `localhost` for the wildcard addresses."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - only a name for the link
        return "localhost"
    return f"[{host}]" if ":" in host else host


def print_setup_link(base_url: str, token: str) -> None:
    """Only on the console (stdout), never through logging: the link is the key to the
    first admin account."""
    from vr_server.services.setup import setup_link

    print(
        "\nFIRST START: there is no admin account yet. Open this one-time link to create it\n"
        "(valid until the first admin exists; or run `vr-server staff create NAME --role admin`):\n"
        f"\n    {setup_link(base_url, token)}\n\n"
        "เริ่มใช้งานครั้งแรก: ยังไม่มีบัญชีผู้ดูแลระบบ เปิดลิงก์ด้านบน (ใช้ได้ครั้งเดียว) เพื่อสร้างบัญชี\n",
        flush=True,
    )


async def _check_redis(url: str, timeout_s: float) -> None:
    """PING the Redis of VR_REDIS_URL once; CliError saying which URL failed and why."""
    from vr_server.bus.redis import RedisUnreachable, open_redis

    try:
        client = await open_redis(url, timeout_s)
    except RedisUnreachable as exc:
        raise CliError(str(exc)) from None
    await client.aclose()


def _check_blob_bucket(settings: Settings) -> None:
    """HEAD the bucket of VR_BLOB_S3_URL once; CliError saying whether it is missing, refused
    or out of reach."""
    from vr_server.errors import Unavailable
    from vr_server.storage.blobs_s3 import S3Blobs

    remote = S3Blobs.from_settings(settings)
    try:
        remote.check()
    except Unavailable as exc:
        raise CliError(exc.message) from None
    finally:
        remote.close()


def tune_gc() -> None:
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

    settings = load_settings()
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
    # a clear message, not a traceback from uvicorn
    setup_token = asyncio.run(_check_database(settings))
    if settings.redis_url:
        asyncio.run(_check_redis(settings.redis_url, settings.redis_timeout_s))
    if settings.blob_s3_url:
        _check_blob_bucket(settings)
    app = create_app(settings)
    tune_gc()
    scheme = "https" if certfile else "http"
    address = f"{scheme}://{settings.host}:{settings.port}"
    print(f"vr-server {__version__}: {address}  (data in {settings.data_dir})", flush=True)
    if setup_token is not None:
        print_setup_link(f"{scheme}://{link_host(settings.host)}:{settings.port}", setup_token)
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

    settings = load_settings()
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
    async def nothing(_services: Services) -> None:
        return None

    run_with_services(nothing)
    print("database is up to date")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    dirs = [Path(p) for p in args.dist]
    results = run_with_services(lambda services: services.catalog.import_dirs(dirs))
    for r in results:
        print(f"{r.scene_id} {r.version}: {'imported' if r.new else 'already present'}, active")
    if not results:
        raise CliError("no bundles found (a bundle is a folder with manifest.json)")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from vr_server.api.web import PROTOCOL_SCHEMA_FILE
    from vr_server.protocol.schema import render_schema

    path = Path(args.output) if args.output else PROTOCOL_SCHEMA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def add_commands(sub: Any) -> None:
    """Register serve, tls init, migrate, import and schema on the top-level parser."""
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
