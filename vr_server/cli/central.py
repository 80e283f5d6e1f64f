"""`vr-server central ...`: venues and their central server (docs/sync.md). Every command works
on the configured database directly, like the other local administration commands.

At central:
    vr-server central venue add NAME [--hours H]   register a venue: prints its one-time code
    vr-server central venue code NAME [--hours H]  another code (a venue server replaced)
    vr-server central venue revoke NAME            stop its credential (a stolen laptop)
    vr-server central venues                       the venues and how far each has synced

At a venue:
    vr-server central pair URL CODE    pair with central once (keeps the venue credential)
    vr-server central status           the sync's state (last sync, records waiting)
    vr-server central sync             send what waits now (the server also does it itself)
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from vr_server.cli.common import CliError, print_result, print_secret, run_with_services

if TYPE_CHECKING:
    from vr_server.services import Services
    from vr_server.services.sync import SyncService
    from vr_server.services.venues import VenueService


def _venues(services: Services) -> VenueService:
    if services.venues is None:
        raise CliError("this database keeps no venues")
    return services.venues


def _sync(services: Services) -> SyncService:
    if services.sync is None:
        raise CliError("this database cannot sync")
    return services.sync


def cmd_venue_add(args: argparse.Namespace) -> int:
    from vr_server.services.venues import venue_view

    made = run_with_services(lambda s: _venues(s).add(args.name, hours=args.hours))
    data = {"venue": venue_view(made.venue), "code": made.code, "expires_at": made.expires_at}
    print_secret(
        args,
        data,
        made.code,
        f"(venue {made.venue.name!r} registered; on its server, within {args.hours:g} hours: "
        f"vr-server central pair URL {made.code})",
    )
    return 0


def cmd_venue_code(args: argparse.Namespace) -> int:
    async def run(services: Services) -> str:
        venues = _venues(services)
        return await venues.new_code(await venues.by_name(args.name), hours=args.hours)

    code = run_with_services(run)
    print_result(args, {"code": code}, [code])
    return 0


def cmd_venue_revoke(args: argparse.Namespace) -> int:
    async def run(services: Services) -> int:
        venues = _venues(services)
        return await venues.revoke(await venues.by_name(args.name))

    revoked = run_with_services(run)
    print_result(args, {"revoked": revoked}, [f"{revoked} venue credential(s) revoked"])
    return 0


def cmd_venues(args: argparse.Namespace) -> int:
    from vr_server.services.venues import venue_view

    records = run_with_services(lambda s: _venues(s).venues.all())
    views = [venue_view(v) for v in records]
    lines = [
        f"{v.name:24} {'paired' if v.paired_at else 'not paired':10} "
        f"records {v.records:>8}  last sync {v.last_sync_at or '-'}"
        for v in views
    ]
    print_result(args, views, lines)
    return 0


def cmd_pair(args: argparse.Namespace) -> int:
    link = run_with_services(lambda s: _sync(s).pair(args.url, args.code))
    data = {"venue_id": link.venue_id, "name": link.venue_name, "central_url": link.central_url}
    print_result(args, data, [f"paired with {link.central_url} as venue {link.venue_name!r}"])
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    status = run_with_services(lambda s: _sync(s).status())
    if not status.paired:
        lines = ["not paired with a central server (vr-server central pair URL CODE)"]
    else:
        lines = [
            f"venue {status.venue_name!r} -> {status.central_url}",
            f"records waiting: {status.waiting}",
            f"last sync: {status.last_sync_at or 'never'}",
            f"last error: {status.last_error or '-'}",
        ]
    print_result(args, status, lines)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    async def run(services: Services) -> Any:
        sync = _sync(services)
        await sync.run_once()
        return await sync.status()

    status = run_with_services(run)
    print_result(args, status, [f"records waiting: {status.waiting}"])
    if status.paired and status.last_error and status.waiting:
        raise CliError(f"central did not take everything: {status.last_error}")
    return 0


def add_commands(sub: Any) -> None:
    central = sub.add_parser("central", help="venues and their central server (docs/sync.md)")
    groups = central.add_subparsers(dest="central_command", required=True)
    venue = groups.add_parser("venue", help="at central: register venues").add_subparsers(
        dest="venue_command", required=True
    )
    for name, func, text in (
        ("add", cmd_venue_add, "register a venue and print its one-time pairing code"),
        ("code", cmd_venue_code, "a new pairing code for a registered venue"),
        ("revoke", cmd_venue_revoke, "stop a venue's credential (it pairs again with a code)"),
    ):
        p = venue.add_parser(name, help=text)
        p.add_argument("name")
        if name != "revoke":
            p.add_argument("--hours", type=float, default=24.0, help="how long the code is valid")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
    commands: list[tuple[str, Any, str, list[str]]] = [
        ("venues", cmd_venues, "at central: the venues and how far each has synced", []),
        ("pair", cmd_pair, "at a venue: pair with central once", ["url", "code"]),
        ("status", cmd_status, "at a venue: last sync, records waiting", []),
        ("sync", cmd_sync, "at a venue: send what waits now", []),
    ]
    for name, func, text, positional in commands:
        p = groups.add_parser(name, help=text)
        for arg in positional:
            p.add_argument(arg)
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
