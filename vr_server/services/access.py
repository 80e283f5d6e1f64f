"""Taking access back, kiosks and contact access: the admin's side of credentials.

Every revocation goes through `Revocations`, so the open sockets of the credential close on
every instance (services/revocation.py). Disabling an account also revokes its tokens; removing
a headset or a kiosk revokes theirs; a code is revoked by using it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from vr_server.errors import Forbidden, Invalid, NotFound, Unauthorized, found
from vr_server.services.auth import (
    ROLES,
    AuthService,
    Principal,
    new_token,
    normalize_code,
    token_hash,
)
from vr_server.services.revocation import Revocations
from vr_server.storage.accounts import CodeRecord
from vr_server.storage.base import Store
from vr_server.storage.records import AccountRecord, KioskRecord, Role


@dataclass(frozen=True)
class PairedKiosk:
    kiosk: KioskRecord
    token: str
    expires_at: datetime


class AccessService:
    def __init__(
        self, store: Store, auth: AuthService, revocations: Revocations, *, kiosk_token_days: float
    ) -> None:
        self.store = store
        self.auth = auth
        self.revocations = revocations
        self.kiosk_token_days = kiosk_token_days

    async def account(self, username: str) -> AccountRecord:
        account = await self.store.accounts.by_username(username.strip())
        return found(account, f"no account named {username!r}")

    async def set_disabled(self, username: str, disabled: bool) -> AccountRecord:
        """Disable (its tokens are revoked, its sockets close) or enable an account."""
        account = await self.account(username)
        await self.store.accounts.update(account.id, disabled=disabled)
        if disabled:
            await self.revoke_account_tokens(account)
        return await self.account(username)

    async def set_contact_access(self, username: str, allowed: bool) -> AccountRecord:
        account = await self.account(username)
        if account.role != "staff":
            raise Invalid("contact access is granted to staff accounts (admins always have it)")
        await self.store.accounts.update(account.id, contact_access=allowed)
        await self.revocations.forget(subject_id=account.id)
        return await self.account(username)

    async def set_role(self, username: str, role: Role) -> AccountRecord:
        """Change an account's role (e.g. author -> editor); its tokens (of the old role) are
        revoked, so it logs in again."""
        if role not in ROLES:
            raise Invalid(f"the role must be one of {', '.join(ROLES)}")
        account = await self.account(username)
        await self.store.accounts.update(account.id, role=role)
        await self.revoke_account_tokens(account)
        return await self.account(username)

    async def revoke_account_tokens(self, account: AccountRecord) -> int:
        """Sign an account out everywhere; returns how many tokens were live."""
        count = await self.store.tokens.revoke_subject(account.id)
        await self.revocations.revoke(subject_id=account.id)
        return count

    async def revoke_token(self, token: str) -> None:
        """Log one token out (and close its sockets everywhere)."""
        hashed = await self.auth.logout(token)
        await self.revocations.revoke(token_hash=hashed)

    async def remove_headset(self, headset_id: str) -> None:
        if not await self.store.headsets.remove(headset_id, datetime.now(UTC)):
            raise NotFound(f"no headset {headset_id} (or it was removed already)")
        await self.revocations.revoke(subject_id=headset_id)

    # ------------------------------------------------------------ scene owners

    async def check_scene(self, author: Principal, scene_id: str) -> None:
        """May `author` publish, activate or roll back this scene? Its owner (the account that
        first published it), editors and admins may; a scene without an owner (imported by
        `vr-server import`, or published before owners existed) goes to its next publisher."""
        if author.kind in ("admin", "editor"):
            return
        _exists, owner = await self.store.content.scene_owner(scene_id)
        if owner is not None and owner != author.subject_id:
            raise Forbidden(
                f"the scene {scene_id!r} belongs to another author: ask an admin to make you "
                "an editor (vr-server staff role NAME editor)"
            )

    async def claim_scene(self, author: Principal, scene_id: str) -> None:
        """After a publish: an author becomes the owner of a scene that has none."""
        if author.kind == "author":
            await self.store.content.claim_scene(scene_id, author.subject_id)

    # ------------------------------------------------------------ codes

    async def codes(self) -> list[CodeRecord]:
        return await self.store.codes.usable(datetime.now(UTC))

    async def revoke_code(self, code: str, *, by_label: bool = True) -> None:
        """Revoke an enrollment or pairing code: by the code itself, or (`by_label`) by its
        label."""
        hashed = token_hash(normalize_code(code))
        if await self.store.codes.revoke(hashed):
            return
        labelled = []
        if by_label:
            labelled = [c for c in await self.codes() if c.label and c.label == code.strip()]
        if not labelled:
            raise NotFound("no usable code is this code or has this label")
        for record in labelled:
            await self.store.codes.revoke(record.code_hash)

    # ------------------------------------------------------------ kiosks

    async def pairing_code(self, *, hours: float, label: str = "") -> str:
        """A one-use code that pairs one check-in tablet or queue TV."""
        return await self.auth.create_enrollment_code(
            uses=1, hours=hours, label=label, purpose="kiosk"
        )

    async def pair_kiosk(self, code: str, name: str) -> PairedKiosk:
        name = " ".join(name.split())
        if not name or len(name) > 64 or not name.isprintable():
            raise Invalid("the kiosk's name must have 1 to 64 printable characters")
        now = datetime.now(UTC)
        if await self.store.codes.use(token_hash(normalize_code(code)), now, "kiosk") is None:
            raise Unauthorized("the pairing code is wrong, used up or expired")
        token = new_token()
        expires = now + timedelta(days=self.kiosk_token_days)
        kiosk = await self.store.kiosks.create(name, token_hash(token), expires, now)
        return PairedKiosk(kiosk, token, expires)

    async def kiosks(self) -> list[KioskRecord]:
        return await self.store.kiosks.all()

    async def remove_kiosk(self, kiosk_id: str) -> None:
        if not await self.store.kiosks.remove(kiosk_id):
            raise NotFound(f"no kiosk {kiosk_id}")
        await self.revocations.revoke(subject_id=kiosk_id)
