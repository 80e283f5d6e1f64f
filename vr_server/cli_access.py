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
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from vr_server import cli
from vr_server.credentials import load_credentials, save_credentials


def _client(p: argparse.ArgumentParser, func: Callable[[argparse.Namespace], int]) -> None:
    p.add_argument("--server", default=os.environ.get("VR_SERVER_URL", cli.DEFAULT_SERVER))
    p.add_argument("--token", help="an admin token (default: from `vr-server login`)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=func)


def _account_line(a: dict[str, Any]) -> str:
    flags = [
        f for f, on in (("disabled", a["disabled"]), ("contact data", a["contact_access"])) if on
    ]
    return f"{a['username']:24} {a['role']}" + (f"  ({', '.join(flags)})" if flags else "")


def cmd_account(args: argparse.Namespace) -> int:
    name = quote(args.username, safe="")
    if args.action == "contact-access":
        body = {"allowed": args.allowed == "on"}
        data = cli._request(args, "POST", f"/api/admin/accounts/{name}/contact-access", body)
    elif args.action == "role":
        data = cli._request(args, "POST", f"/api/admin/accounts/{name}/role", {"role": args.role})
    else:
        data = cli._request(args, "POST", f"/api/admin/accounts/{name}/{args.action}")
    if args.action == "sign-out":
        cli._print(args, data, [f"revoked {data['tokens_revoked']} token(s) of {args.username}"])
    else:
        cli._print(args, data, [_account_line(data)])
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    cli._request(args, "POST", "/api/auth/logout")
    creds = load_credentials()
    if creds.pop(args.server, None) is not None:
        save_credentials(creds)  # 0600, atomically
    cli._print(args, {"revoked": True}, ["token revoked; its open sockets are closed"])
    return 0


def cmd_headset_remove(args: argparse.Namespace) -> int:
    headset_id = cli._resolve_headset(args, args.headset)
    cli._request(args, "DELETE", f"/api/headsets/{quote(headset_id, safe='')}")
    cli._print(args, {"removed": headset_id}, [f"removed headset {args.headset}"])
    return 0


def cmd_enroll_list(args: argparse.Namespace) -> int:
    data = cli._request(args, "GET", "/api/admin/codes")
    lines = [
        f"{c['purpose']:8} {c['label'] or '-':20} {c['uses_left']:>6} uses  until {c['expires_at']}"
        for c in data
    ]
    cli._print(args, data, lines)
    return 0


def cmd_enroll_revoke(args: argparse.Namespace) -> int:
    cli._request(args, "POST", "/api/admin/codes/revoke", {"code": args.code})
    cli._print(args, {"revoked": True}, ["code revoked"])
    return 0


def cmd_kiosk_code(args: argparse.Namespace) -> int:
    body = {"hours": args.hours, "label": args.label}
    data = cli._request(args, "POST", "/api/kiosks/pairing-code", body)
    cli._print(args, data, [data["code"], f"(pairs one kiosk at /pair/ within {args.hours:g} h)"])
    return 0


def cmd_kiosk_list(args: argparse.Namespace) -> int:
    data = cli._request(args, "GET", "/api/admin/kiosks")
    cli._print(args, data, [f"{k['id']}  {k['name']:24} paired {k['paired_at']}" for k in data])
    return 0


def cmd_kiosk_remove(args: argparse.Namespace) -> int:
    cli._request(args, "DELETE", f"/api/admin/kiosks/{quote(args.kiosk_id, safe='')}")
    cli._print(args, {"removed": args.kiosk_id}, [f"removed kiosk {args.kiosk_id}"])
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
