"""`vr-server`'s local administration: it works on the configured database directly (like
Django's `createsuperuser`), no running server needed.

    vr-server staff create NAME [--role staff|admin|author|editor] | staff list
    vr-server author create NAME            (= staff create NAME --role author)
    vr-server author token NAME [--hours H] a token for `vr-content publish` (VR_AUTHOR_TOKEN)
    vr-server enroll create [--uses N] [--hours H] [--label TEXT]
    vr-server purge [--days N]          delete visitors' personal data older than N days
    vr-server gc [--grace-hours H] [--dry-run]   remove content files no scene version uses
    vr-server audit [--since 24h] [--action A] [--actor NAME] [--json]   the audit trail
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from vr_server.cli.common import CliError, print_result, run_with_services, show

if TYPE_CHECKING:
    from vr_server.services import Services
    from vr_server.services.auth import IssuedToken


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

    account = run_with_services(
        lambda services: services.auth.create_account(args.username, password, args.role)
    )
    print(f"created {account.role} account {account.username!r}")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    accounts = run_with_services(lambda services: services.store.list_accounts())
    if args.json:
        show(json.dumps([{"username": a.username, "role": a.role} for a in accounts]), as_json=True)
    for a in accounts if not args.json else []:
        show(f"{a.username:24} {a.role}{'  (disabled)' if a.disabled else ''}")
    return 0


def cmd_author_create(args: argparse.Namespace) -> int:
    args.role = "author"
    return cmd_staff_create(args)


def cmd_author_token(args: argparse.Namespace) -> int:
    async def run(services: Services) -> IssuedToken:
        from vr_server.errors import Invalid, NotFound

        account = await services.store.get_account_by_username(args.username)
        if account is None:
            raise NotFound(f"no account named {args.username!r}")
        if account.role not in ("author", "editor") or account.disabled:
            raise Invalid(f"{args.username!r} is not an enabled author or editor account")
        return await services.auth.issue_token(account, hours=args.hours)

    issued = run_with_services(run)
    if args.json:
        expires_at = issued.expires_at.isoformat() if issued.expires_at else None
        print(json.dumps({"token": issued.token, "expires_at": expires_at}))
    else:
        print(issued.token)
        print(
            f"(author token for {args.username}, "
            f"valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC)",
            file=sys.stderr,
        )
    return 0


def cmd_enroll_create(args: argparse.Namespace) -> int:
    code = run_with_services(
        lambda services: services.auth.create_enrollment_code(
            uses=args.uses, hours=args.hours, label=args.label
        )
    )
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

    from vr_server.services.audit import Actor

    report = run_with_services(lambda services: services.retention.purge(args.days, Actor.cli()))
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

    report = run_with_services(
        lambda services: collect_garbage(
            services.store, services.blobs, grace_hours=args.grace_hours, dry_run=args.dry_run
        )
    )
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

    match = AuditFilter(since, args.action, args.actor, args.limit)
    records = run_with_services(lambda services: services.audit.entries(match))
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
    print_result(args, rows, lines)
    return 0


def add_commands(sub: Any) -> tuple[Any, Any]:
    """Register the local commands; returns the `staff` and `enroll` groups (vr_server/cli/access.py
    adds the remote ones)."""
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
    return staff, enroll
