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

from vr_server.cli.common import CliError, print_result, print_secret, run_with_services, show

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

    account, first_admin = run_with_services(
        lambda services: services.setup.create_on_console(args.username, password, args.role)
    )
    print(f"created {account.role} account {account.username!r}")
    if first_admin:
        print("(the first admin: the server leaves setup mode, its setup links stop working)")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    accounts = run_with_services(lambda services: services.store.accounts.all())
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

        account = await services.store.accounts.by_username(args.username)
        if account is None:
            raise NotFound(f"no account named {args.username!r}")
        if account.role not in ("author", "editor") or account.disabled:
            raise Invalid(f"{args.username!r} is not an enabled author or editor account")
        return await services.auth.issue_token(account, hours=args.hours)

    issued = run_with_services(run)
    expires_at = issued.expires_at.isoformat() if issued.expires_at else None
    print_secret(
        args,
        {"token": issued.token, "expires_at": expires_at},
        issued.token,
        f"(author token for {args.username}, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC)",
    )
    return 0


def cmd_enroll_create(args: argparse.Namespace) -> int:
    code = run_with_services(
        lambda services: services.auth.create_enrollment_code(
            uses=args.uses, hours=args.hours, label=args.label
        )
    )
    print_secret(
        args,
        {"code": code, "uses": args.uses, "hours": args.hours},
        code,
        f"(enrolls up to {args.uses} headset(s) within {args.hours:g} hours)",
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


Option = tuple[tuple[str, ...], dict[str, Any]]
"""One argument of a local command: `add_argument`'s names and keywords."""
JSON: Option = (("--json",), {"action": "store_true"})
USERNAME: Option = (("username",), {})
PASSWORD_STDIN: Option = (
    ("--password-stdin",),
    {"action": "store_true", "help": "read the password from stdin"},
)


def _command(group: Any, name: str, func: Any, options: list[Option], **texts: str) -> None:
    p = group.add_parser(name, **texts)
    for flags, kwargs in options:
        p.add_argument(*flags, **kwargs)
    p.set_defaults(func=func)


def _group(sub: Any, name: str, help_text: str) -> Any:
    return sub.add_parser(name, help=help_text).add_subparsers(
        dest=f"{name}_command", required=True
    )


def add_commands(sub: Any) -> tuple[Any, Any]:
    """Register the local commands; returns the `staff` and `enroll` groups (vr_server/cli/access.py
    adds the remote ones)."""
    staff = _group(sub, "staff", "staff and author accounts")
    roles = ["staff", "admin", "author", "editor"]
    role: Option = (("--role",), {"choices": roles, "default": "staff"})
    _command(
        staff,
        "create",
        cmd_staff_create,
        [USERNAME, role, PASSWORD_STDIN],
        help="create an account",
    )
    _command(staff, "list", cmd_staff_list, [JSON], help="list accounts")

    author = _group(sub, "author", "content author accounts")
    _command(
        author,
        "create",
        cmd_author_create,
        [USERNAME, PASSWORD_STDIN],
        help="create an author account (publishes content only)",
    )
    valid = "how long it stays valid"
    hours: Option = (("--hours",), {"type": float, "default": 24.0 * 30, "help": valid})
    _command(
        author,
        "token",
        cmd_author_token,
        [USERNAME, hours, JSON],
        help="issue an author token (for VR_AUTHOR_TOKEN)",
    )

    enroll = _group(sub, "enroll", "headset enrollment codes")
    uses: Option = (
        ("--uses",),
        {"type": int, "default": 1, "help": "how many headsets may use it"},
    )
    hours = (("--hours",), {"type": float, "default": 24.0, "help": valid})
    label: Option = (("--label",), {"default": ""})
    _command(
        enroll,
        "create",
        cmd_enroll_create,
        [uses, hours, label, JSON],
        help="create an enrollment code",
    )

    days: Option = (
        ("--days",),
        {"type": int, "help": "keep this many days (default VR_RETENTION_DAYS)"},
    )
    _command(
        sub,
        "purge",
        cmd_purge,
        [days, JSON],
        help="delete visitors' names and phone numbers older than the retention period",
        description="Delete the personal data (name, phone, consent) visitors gave at check-in "
        "more than N days ago (default: VR_RETENTION_DAYS, 30). Tickets and statistics stay. "
        "The running server also does this every hour.",
    )
    grace: Option = (
        ("--grace-hours",),
        {"type": float, "default": 24.0, "help": "keep newer files (24)"},
    )
    dry_run: Option = (
        ("--dry-run",),
        {"action": "store_true", "help": "only print what would be removed"},
    )
    _command(
        sub,
        "gc",
        cmd_gc,
        [grace, dry_run, JSON],
        help="remove content files no scene version uses",
        description="Remove the uploaded content files (blobs) that no stored scene version "
        "names, unless stored or offered again within the grace period (an author may be "
        "about to publish). With VR_BLOB_S3_URL only the local cache is cleaned.",
    )
    audit_options: list[Option] = [
        (("--since",), {"help": "30m, 24h, 7d, or a date/time like 2026-12-06T09:00+07:00"}),
        (("--action",), {"help": "only this action (login, login_failed, contact_read, ...)"}),
        (("--actor",), {"help": "only this account's entries (username)"}),
        (("--limit",), {"type": int, "default": 200, "help": "at most this many (default 200)"}),
        JSON,
    ]
    _command(
        sub,
        "audit",
        cmd_audit,
        audit_options,
        help="show the audit trail (logins, contact reads, exports, publishes, purges...)",
        description="Who did what, when and from where, newest first, from the configured "
        "database.",
    )
    return staff, enroll
