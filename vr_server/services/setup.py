"""First start (issue 18): until an admin account exists, the server is in setup mode.

`vr-server serve` asks `console_token` for a one-time setup token and prints the link with it
(only on its console: never logged, never sent in an HTTP response); the setup page
(`/setup/#token=...`) sends it back with the first admin's username and password, and
`create_first_admin` makes the account. While `required()` says so, the app answers every other
request "setup required" (`api/setup.py`).

The token is 256 random bits, kept only as its sha256 in the store, so every instance and
worker process of a cluster knows it; it is valid until the first admin exists, by whichever
way: the page, or `vr-server staff create NAME --role admin` on the console, which also ends
setup mode. Once an instance has seen an admin it never asks the database again.
"""

from __future__ import annotations

from vr_server.errors import Conflict, Forbidden
from vr_server.services.audit import Actor, AuditService
from vr_server.services.auth import AuthService, check_new_account, hash_password, new_token
from vr_server.services.auth import token_hash as hash_token
from vr_server.storage.base import Store
from vr_server.storage.records import AccountRecord, Role

SETUP_PATH = "/setup/"
MAX_TOKEN_CHARS = 128


async def console_token(store: Store) -> str | None:
    """A new setup token for the console's link, or None when an admin exists (then the
    tokens of earlier starts are forgotten)."""
    if await store.setup.admin_exists():
        await store.setup.clear_tokens()
        return None
    token = new_token()
    await store.setup.add_token(hash_token(token))
    return token


def setup_link(base_url: str, token: str) -> str:
    """The link the console prints: the token in the fragment, which browsers never send."""
    return f"{base_url.rstrip('/')}{SETUP_PATH}#token={token}"


DONE = "setup is complete: sign in at /login/"
"""What a setup request hears once an admin exists."""


class SetupDone(Conflict):
    """409: an admin exists; the setup link is used up (sign in instead)."""


class SetupService:
    def __init__(self, store: Store, auth: AuthService, audit: AuditService) -> None:
        self.store = store
        self.auth = auth
        self.audit = audit
        self._done = False

    async def required(self) -> bool:
        """True while no admin account exists (one query a call until then, none after)."""
        if self._done:
            return False
        if not await self.store.setup.admin_exists():
            return True
        self._done = True
        await self.store.setup.clear_tokens()  # an admin from the console: old links die
        return False

    async def check(self, token: str) -> None:
        """SetupDone once an admin exists; Forbidden for a token that is not a usable one.
        The token is asked about after the admin, so a request that another one beat to the
        first admin in between finds its token used up: it asks again, and hears SetupDone."""
        if not await self.required():
            raise SetupDone(DONE)
        if not (0 < len(token) <= MAX_TOKEN_CHARS) or not await self.store.setup.token_usable(
            hash_token(token)
        ):
            if not await self.required():
                raise SetupDone(DONE)
            raise Forbidden(
                "this setup link is not valid: use the newest link printed on the server's console"
            )

    async def create_on_console(
        self, username: str, password: str, role: Role
    ) -> tuple[AccountRecord, bool]:
        """An account made on the server's console (`vr-server staff create`), with whether it
        is the first admin: then the console's setup links die now, not at a server's next
        request."""
        first_admin = role == "admin" and not await self.store.setup.admin_exists()
        account = await self.auth.create_account(username, password, role)
        if first_admin:
            await self.store.setup.clear_tokens()
        return account, first_admin

    async def create_first_admin(
        self, token: str, username: str, password: str, client: str | None = None
    ) -> AccountRecord:
        """The first admin account. Checked in this order, so that nothing is hashed for a
        request that will be refused: the token (Forbidden, SetupDone), the username and
        password (Invalid), a name already taken by another account (Conflict)."""
        await self.check(token)
        username = username.strip()
        check_new_account(username, password)
        if await self.store.accounts.by_username(username) is not None:
            raise Conflict(f"an account named {username!r} exists already")
        hashed = await self.auth.hasher.run(hash_password, password)
        account = await self.store.setup.create_first_admin(hash_token(token), username, hashed)
        if account is None:  # another request won the race, or its token was used meanwhile
            await self.check(token)
            raise SetupDone(DONE)
        self._done = True
        await self.audit.record(
            "setup_admin_created", Actor(username, "admin", client), target=username
        )
        return account
