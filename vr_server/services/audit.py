"""The audit trail: who did what, when and from where, kept in the database (`audit_log`)
and written as a log line (`vr_server.audit`).

One call records an entry, from any service or route:

    await services.audit.record("token_revoked", Actor.of(principal, address),
                                target=token_id, details={"kind": "staff"})

`Actor.of(principal, address)` takes the account's name and role from a route's principal;
`SYSTEM` is the server itself (the hourly retention purge), `Actor.cli()` an operator's
command on the server machine. Details are a small JSON object: never put a visitor's name or
phone number, a password or a token in them.

`vr-server audit` and the admin page `/audit/` read it (`entries`).
"""

from __future__ import annotations

import getpass
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from vr_server.errors import Invalid
from vr_server.storage.audit import AuditFilter, AuditRecord
from vr_server.storage.base import Store

log = logging.getLogger(__name__)

ACTIONS: dict[str, str] = {
    "login": "a staff, admin or author account signed in",
    "login_failed": "a sign-in with a wrong username or password (target: the username tried)",
    "contact_read": "a visitor's name and phone number were shown (target: the ticket)",
    "csv_export": "the sessions CSV was downloaded (details: the days)",
    "publish": "an author published a scene version (target: the scene)",
    "activate": "a stored scene version was made the active one: a rollback or a roll forward",
    "purge": "visitors' personal data past retention was deleted (details: how many)",
    "token_revoked": "a token was revoked",
    "account_disabled": "an account was disabled",
    "headset_removed": "a headset was removed",
    "enrollment_created": "a headset enrollment code was made (target: its start; details: uses)",
    "enrollment_revoked": "an enrollment code was revoked",
    "headset_enrolled": "a headset enrolled with a code (target: the headset; details: the label)",
    "account_enabled": "a disabled account was enabled again",
    "contact_access": "an admin allowed or stopped a staff account's contact reads",
    "role_changed": "an account's role was changed (its tokens are revoked)",
    "kiosk_paired": "a check-in tablet or queue TV was paired",
    "kiosk_removed": "a paired tablet or TV was removed (its token revoked)",
    "logout": "an account signed out (its token revoked)",
    "setup_admin_created": "the first admin was made with the console's setup link",
    "venue_added": "a central admin registered a venue (target: its name)",
    "venue_paired": "a venue server paired with this central server (target: the venue's id)",
}
"""The actions recorded, for `vr-server audit --action` and the page's filter. Others may be
recorded too; these are the ones the server writes."""


class _Principal(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    name: str | None
    role: str | None = None
    address: str | None = None

    @classmethod
    def of(cls, principal: _Principal, address: str | None) -> Actor:
        """A route's caller: the role when the principal has one, else its token kind."""
        role = getattr(principal, "role", None) or principal.kind
        return cls(principal.name, str(role), address)

    @classmethod
    def cli(cls) -> Actor:
        """An operator's command on the server machine (`vr-server purge`)."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "?"
        return cls(f"cli:{user}", "operator", "local")


SYSTEM = Actor(None, "system")


class AuditService:
    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    async def record(
        self,
        action: str,
        actor: Actor = SYSTEM,
        *,
        target: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Store the entry (raises Unavailable when the database stays unreachable: a route
        that shows personal data must then not show it) and log it."""
        record = AuditRecord(
            at=datetime.fromtimestamp(self.clock(), UTC),
            action=action,
            actor=actor.name,
            actor_role=actor.role,
            target=target,
            address=actor.address,
            details=details or {},
        )
        await self.store.audit.add(record)
        log.info(
            "audit: %s by %s (%s) from %s%s%s",
            action,
            _printable(actor.name or "-"),
            actor.role or "-",
            actor.address or "-",
            f" on {_printable(target)}" if target else "",
            f" {_printable(str(record.details))}" if record.details else "",
        )

    async def entries(self, match: AuditFilter) -> list[AuditRecord]:
        """Newest first, at most `match.limit`."""
        return await self.store.audit.entries(match)


def _printable(text: str) -> str:
    """What a client sent (a username tried), safe for a terminal reading the log: control
    characters such as ANSI escapes are written escaped."""
    return text if text.isprintable() else ascii(text)[1:-1]


_RELATIVE = re.compile(r"^(\d{1,6})([mhd])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400}


def parse_since(text: str, now: datetime) -> datetime:
    """`30m`, `24h`, `7d` before `now`, or an ISO 8601 date or time (UTC unless it says);
    Invalid naming the accepted forms otherwise."""
    text = text.strip()
    relative = _RELATIVE.match(text)
    if relative:
        return now - timedelta(seconds=int(relative[1]) * _UNITS[relative[2]])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"since: {text!r} is neither 30m, 24h, 7d nor a date like 2026-12-06 or "
            "2026-12-06T09:00+07:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
