"""`vr-server` commands that take access back or manage kiosks. They talk to a running server
over HTTP with an admin token (staff may make a kiosk pairing code), so the server closes the
open sockets of what is revoked on every instance at once:

    vr-server staff disable|enable|sign-out NAME
    vr-server staff contact-access NAME on|off
    vr-server staff role NAME admin|staff|author|editor
    vr-server token revoke                    log this CLI's token out (and forget it)
    vr-server headset remove HEADSET          (by name or id)
    vr-server enroll list | enroll revoke CODE-OR-LABEL
    vr-server kiosk code [--hours H] [--label TEXT] | kiosk list | kiosk remove ID
"""

from __future__ import annotations

import argparse
from typing import Any

from pydantic_core import to_jsonable_python

from vr_server.api.models import AccountView, KioskView, StoredCode
from vr_server.cli.common import print_result
from vr_server.cli.staff import (
    Command,
    add_remote_options,
    listing,
    resolve_headset,
    staff_client,
)
from vr_server.credentials import load_credentials, save_credentials

_ADMIN_CREDENTIAL_HELP = "an admin token (default: from `vr-server login`)"


def _client(p: argparse.ArgumentParser, func: Command) -> None:
    add_remote_options(p, func, _ADMIN_CREDENTIAL_HELP)


def _account_line(a: AccountView) -> str:
    flags = [f for f, on in (("disabled", a.disabled), ("contact data", a.contact_access)) if on]
    return f"{a.username:24} {a.role}" + (f"  ({', '.join(flags)})" if flags else "")


def cmd_account(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        if args.action == "sign-out":
            signed_out = api.sign_out(args.username)
            lines = [f"revoked {signed_out.tokens_revoked} token(s) of {args.username}"]
            print_result(args, signed_out, lines)
            return 0
        if args.action == "contact-access":
            account = api.set_contact_access(args.username, allowed=args.allowed == "on")
        elif args.action == "role":
            account = api.set_role(args.username, args.role)
        else:
            account = api.set_disabled(args.username, disabled=args.action == "disable")
    print_result(args, account, [_account_line(account)])
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        api.logout()
    creds = load_credentials()
    if creds.pop(args.server, None) is not None:
        save_credentials(creds)  # 0600, atomically
    print_result(args, {"revoked": True}, ["token revoked; its open sockets are closed"])
    return 0


def cmd_headset_remove(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        headset_id = resolve_headset(api, args.headset)
        api.remove_headset(headset_id)
    print_result(args, {"removed": headset_id}, [f"removed headset {args.headset}"])
    return 0


def _code_line(c: StoredCode) -> str:
    until = to_jsonable_python(c.expires_at)
    return f"{c.purpose:8} {c.label or '-':20} {c.uses_left:>6} uses  until {until}"


def _kiosk_line(k: KioskView) -> str:
    return f"{k.id}  {k.name:24} paired {to_jsonable_python(k.paired_at)}"


cmd_enroll_list = listing(lambda api, _args: api.codes(), _code_line)
cmd_kiosk_list = listing(lambda api, _args: api.kiosks(), _kiosk_line)


def cmd_enroll_revoke(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        api.revoke_code(args.code)
    print_result(args, {"revoked": True}, ["code revoked"])
    return 0


def cmd_kiosk_code(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        data = api.pairing_code(args.hours, args.label)
    lines = [data.code, f"(pairs one kiosk at /pair/ within {args.hours:g} h)"]
    print_result(args, data, lines)
    return 0


def cmd_kiosk_remove(args: argparse.Namespace) -> int:
    with staff_client(args) as api:
        api.remove_kiosk(args.kiosk_id)
    print_result(args, {"removed": args.kiosk_id}, [f"removed kiosk {args.kiosk_id}"])
    return 0


def add_commands(sub: Any, staff: Any, enroll: Any) -> None:
    """Register the commands on the top-level parser and its `staff` and `enroll` groups."""
    for action, text in (
        ("disable", "disable an account: its tokens are revoked, its sockets close"),
        ("enable", "enable a disabled account"),
        ("sign-out", "revoke every token of an account (it stays enabled)"),
    ):
        p = staff.add_parser(action, help=text)
        p.add_argument("username")
        _client(p, cmd_account)
        p.set_defaults(action=action)
    p = staff.add_parser("contact-access", help="allow a staff account visitors' contact data")
    p.add_argument("username")
    p.add_argument("allowed", choices=["on", "off"])
    _client(p, cmd_account)
    p.set_defaults(action="contact-access")
    p = staff.add_parser("role", help="change an account's role (its tokens are revoked)")
    p.add_argument("username")
    p.add_argument("role", choices=["admin", "staff", "author", "editor"])
    _client(p, cmd_account)
    p.set_defaults(action="role")

    token = sub.add_parser("token", help="this CLI's token").add_subparsers(
        dest="token_command", required=True
    )
    _client(token.add_parser("revoke", help="log out: revoke the saved token"), cmd_token_revoke)

    headset = sub.add_parser("headset", help="one headset").add_subparsers(
        dest="headset_command", required=True
    )
    p = headset.add_parser("remove", help="remove a headset: its token stops, its socket closes")
    p.add_argument("headset", help="name or id")
    _client(p, cmd_headset_remove)

    _client(enroll.add_parser("list", help="usable enrollment and pairing codes"), cmd_enroll_list)
    p = enroll.add_parser("revoke", help="revoke an enrollment or pairing code")
    p.add_argument("code", help="the code, or the label it was made with")
    _client(p, cmd_enroll_revoke)

    kiosk = sub.add_parser("kiosk", help="check-in tablets and queue TVs").add_subparsers(
        dest="kiosk_command", required=True
    )
    p = kiosk.add_parser("code", help="a one-use pairing code (staff or admin)")
    p.add_argument("--hours", type=float, default=1.0)
    p.add_argument("--label", default="")
    _client(p, cmd_kiosk_code)
    _client(kiosk.add_parser("list", help="paired kiosks"), cmd_kiosk_list)
    p = kiosk.add_parser("remove", help="unpair a kiosk: its token stops, its board closes")
    p.add_argument("kiosk_id")
    _client(p, cmd_kiosk_remove)
