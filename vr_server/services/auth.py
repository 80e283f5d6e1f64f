"""Credentials: accounts with scrypt password hashes, opaque bearer tokens stored only as
sha256, device enrollment codes exchanged for device tokens and kiosk pairing codes exchanged
for kiosk tokens.

A token's kind is its holder's role (admin, staff, author, editor) or kiosk or device; each
route and socket names the kinds it accepts (api/deps.py), so a staff token does not open the
admin routes, a kiosk token only creates tickets and shows the catalog and queue board, a
device token does not open the staff API, and author tokens only publish content.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from vr_server.errors import Conflict, Forbidden, Invalid, TooManyRequests, Unauthorized
from vr_server.protocol.errors import Reason
from vr_server.services.audit import Actor, AuditService
from vr_server.services.hashing import PasswordHasher
from vr_server.services.throttle import Key, LoginThrottle, MemoryThrottle, Policy
from vr_server.storage.base import Store
from vr_server.storage.records import (
    AccountRecord,
    CodePurpose,
    HeadsetRecord,
    Role,
    TokenKind,
    TokenRecord,
    TokenSubject,
)

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
ROLES: tuple[Role, ...] = ("admin", "staff", "author", "editor")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a venue


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **_SCRYPT
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${_SCRYPT['n']}${salt.hex()}${_scrypt(password, salt).hex()}"


@functools.cache
def _decoy_hash() -> str:
    """A real hash to check against when the username is unknown, so that a wrong username
    takes as long as a wrong password."""
    return hash_password("decoy password, never valid")


def check_login(password: str, stored: str | None) -> bool:
    """Blocking (scrypt): run it in a thread."""
    if stored is None:
        verify_password(password, _decoy_hash())
        return False
    return verify_password(password, stored)


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, _n, salt_hex, hash_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt_hex)).hex(), hash_hex)


def new_token() -> str:
    """A bearer token: 256 random bits, URL-safe, never starting with `-` or `_` (a token
    given on a command line as `--token -x...` would read as an option)."""
    while True:
        token = secrets.token_urlsafe(32)
        if token[0].isalnum():
            return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
"""The login form's limit too (web/login/page.html)."""


def check_new_account(username: str, password: str) -> None:
    """Invalid, saying why, for a username (already stripped) or password a new account may
    not have: a username of 1 to 64 characters; a password of 8 to 256 that is not the
    username."""
    if not username or len(username) > 64:
        raise Invalid("the username must have 1 to 64 characters")
    if len(password) < MIN_PASSWORD_CHARS:
        raise Invalid(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise Invalid(f"the password must have at most {MAX_PASSWORD_CHARS} characters")
    if password.strip().casefold() == username.casefold():
        raise Invalid("the password must not be the username")


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class Principal:
    kind: TokenKind
    subject_id: str
    name: str
    contact_access: bool = False
    """A staff account allowed to read visitors' contact data (admins always may)."""

    @property
    def reads_contacts(self) -> bool:
        return self.kind == "admin" or (self.kind == "staff" and self.contact_access)


class Enrolled(NamedTuple):
    headset: HeadsetRecord
    device_token: str
    code_label: str
    """The label of the code it enrolled with (the dashboard's "Add headsets" follows its own
    code's headsets by it)."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime | None
    account: AccountRecord


STAFF_COOKIE = "vr_staff"
"""The staff session cookie: set by the login route, read by the API and the staff socket."""
TOKEN_TRUST_S = 5.0
"""How long a checked token is trusted without asking the database again. A token this instance
revokes is refused at once; a revocation on another instance reaches this one on the bus
(services/revocation.py), which calls `forget`. Expiry is checked on every request."""
TOKENS_KEPT = 10_000
ACCOUNT_POLICY = Policy(free=5, base_s=1.0, max_s=300.0)
ADDRESS_POLICY = Policy(free=20, base_s=1.0, max_s=300.0)
"""Sign-in throttling (services/throttle.py): after 5 failures for one username, or 20 from
one client address, 1 s, then 2, 4, ... up to 5 minutes between attempts."""
ENROLL_POLICY = Policy(free=20, base_s=1.0, max_s=300.0)
"""Enrollment throttling: after 20 wrong codes from one client address, the same growing delays
(a right code takes its own attempt back, so a venue enrolling 30 headsets behind one address
never meets it). Codes have 40 or 50 bits; this keeps guessing slow on a venue's network."""


class AuthService:
    def __init__(
        self,
        store: Store,
        *,
        staff_token_hours: float,
        device_token_days: float = 365.0,
        trust_s: float = TOKEN_TRUST_S,
        throttle: LoginThrottle | None = None,
        hasher: PasswordHasher | None = None,
        account_policy: Policy = ACCOUNT_POLICY,
        address_policy: Policy = ADDRESS_POLICY,
        enroll_policy: Policy = ENROLL_POLICY,
        audit: AuditService | None = None,
    ) -> None:
        self.store = store
        self.audit = audit or AuditService(store)
        # not `throttle or ...`: an empty MemoryThrottle is falsy (it has a length)
        self.throttle: LoginThrottle = throttle if throttle is not None else MemoryThrottle()
        self.hasher = hasher or PasswordHasher()
        self.account_policy = account_policy
        self.address_policy = address_policy
        self.enroll_policy = enroll_policy
        self.staff_token_hours = staff_token_hours
        self.device_token_days = device_token_days
        self.trust_s = trust_s
        # token hash -> (when checked, monotonic; what the database said): a headset fetching
        # a scene's assets presents its token dozens of times a second
        self._trusted: dict[str, tuple[float, TokenSubject]] = {}

    async def create_account(self, username: str, password: str, role: Role) -> AccountRecord:
        if role not in ROLES:
            raise Invalid(f"the role must be one of {', '.join(ROLES)}")
        username = username.strip()
        check_new_account(username, password)
        if await self.store.accounts.by_username(username) is not None:
            raise Conflict(f"an account named {username!r} exists already")
        hashed = await self.hasher.run(hash_password, password)
        return await self.store.accounts.create(username, hashed, role)

    async def login(self, username: str, password: str, client: str | None = None) -> IssuedToken:
        """TooManyRequests (nothing checked) while the username or the client address is
        throttled; Unauthorized for a wrong username or password."""
        keys = self._throttle_keys(username, client)
        wait = await self.throttle.attempt(keys)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"too many failed sign-ins: try again in {seconds} s / "
                f"เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป กรุณาลองใหม่ในอีก {seconds} วินาที",
                retry_after_s=wait,
            )
        account = await self.store.accounts.by_username(username.strip())
        stored = account.password_hash if account else None
        ok = await self.hasher.run(check_login, password, stored)
        if account is None or not ok or account.disabled:
            reason = "unknown username" if account is None else "disabled" if ok else "password"
            await self.audit.record(
                "login_failed",
                Actor(None, "anonymous", client),
                target=username.strip()[:64],
                details={"reason": reason},
            )
            raise Unauthorized("wrong username or password")
        await self.throttle.succeeded(keys)
        issued = await self.issue_token(account)
        actor = Actor(account.username, account.role, client)
        await self.audit.record("login", actor, target=account.username)
        return issued

    def _throttle_keys(self, username: str, client: str | None) -> list[Key]:
        keys = [Key(f"account:{username.strip().lower()[:64]}", self.account_policy, True)]
        if client:
            keys.append(Key(f"address:{client}", self.address_policy, False))
        return keys

    async def issue_token(self, account: AccountRecord, hours: float | None = None) -> IssuedToken:
        token = new_token()
        expires = datetime.now(UTC) + timedelta(hours=hours or self.staff_token_hours)
        await self.store.tokens.put(token_hash(token), account.role, account.id, expires)
        return IssuedToken(token, expires, account)

    async def logout(self, token: str) -> str:
        """Revoke one token; returns its hash (to close its sockets everywhere)."""
        hashed = token_hash(token)
        self._trusted.pop(hashed, None)
        await self.store.tokens.revoke(hashed)
        self._trusted.pop(hashed, None)  # a request that read it meanwhile may have kept it
        return hashed

    async def authenticate(self, token: str | None, kinds: set[TokenKind]) -> Principal:
        if not token:
            raise Unauthorized("credentials are required")
        found = await self._token_subject(token_hash(token))
        if found is None or not _usable(found.token):
            raise Unauthorized("the token is not valid (wrong, revoked or expired)")
        record = found.token
        if record.kind not in kinds:
            raise Forbidden(f"a {record.kind} token cannot be used here")
        if record.kind in ("device", "kiosk", "venue"):
            if found.name is None:
                raise Unauthorized(f"the {_SUBJECT[record.kind]} of this token no longer exists")
        elif found.name is None or found.disabled:
            raise Unauthorized("the account of this token is disabled")
        return Principal(record.kind, record.subject_id, found.name, found.contact_access)

    async def _token_subject(self, hashed: str) -> TokenSubject | None:
        now = time.monotonic()
        kept = self._trusted.pop(hashed, None)
        if kept is not None and now - kept[0] < self.trust_s:
            self._trusted[hashed] = kept  # the most recently used last
            return kept[1]
        found = await self.store.tokens.subject(hashed)
        if found is not None and _usable(found.token) and found.name and not found.disabled:
            if len(self._trusted) >= TOKENS_KEPT:
                self._trusted.pop(next(iter(self._trusted)))  # the least recently used
            self._trusted[hashed] = (now, found)
        return found

    def forget(self, *, token_hash: str | None = None, subject_id: str | None = None) -> None:
        """Stop trusting one token, or every token of a subject (it was revoked)."""
        if token_hash is not None:
            self._trusted.pop(token_hash, None)
        if subject_id is not None:
            for hashed, (_, kept) in list(self._trusted.items()):
                if kept.token.subject_id == subject_id:
                    del self._trusted[hashed]

    def forget_all(self) -> None:
        self._trusted.clear()

    async def staff_identity(
        self, token: str | None, kinds: set[TokenKind]
    ) -> tuple[AccountRecord, datetime | None]:
        """The account behind a valid account token, and when the token expires."""
        principal = await self.authenticate(token, kinds)
        assert token is not None  # noqa: S101 - authenticate refused None: type narrowing
        record = await self.store.tokens.get(token_hash(token))
        account = await self.store.accounts.get(principal.subject_id)
        if record is None or account is None:
            raise Unauthorized("the token is not valid (wrong, revoked or expired)")
        return account, record.expires_at

    async def authenticate_device(self, device_id: str, token: str) -> HeadsetRecord:
        """The headset of a valid device token, in one query (every connect does this)."""
        if not token:
            raise Unauthorized("credentials are required")
        found = await self.store.headsets.device_token(token_hash(token))
        if found is None:  # wrong, or not a device token: `authenticate` says which
            await self.authenticate(token, {"device"})
            raise Unauthorized("the token is not valid (wrong, revoked or expired)")
        record, headset = found
        if not _usable(record):
            raise Unauthorized("the token is not valid (wrong, revoked or expired)")
        if headset.device_id != device_id:
            raise Unauthorized("the device token does not belong to this device")
        return headset

    async def create_enrollment_code(
        self,
        *,
        uses: int,
        hours: float,
        label: str = "",
        purpose: CodePurpose = "headset",
        length: int = 10,
    ) -> str:
        """A headset enrollment code, or with purpose "kiosk" a kiosk pairing code: `length`
        characters (50 bits at 10, 40 at 8, the dashboard's short-lived ones) in two groups."""
        if not 1 <= uses <= 100_000:
            raise Invalid("uses must be between 1 and 100000")
        if not 0 < hours <= 24 * 365:
            raise Invalid("hours must be above 0 and at most a year")
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
        expires = datetime.now(UTC) + timedelta(hours=hours)
        await self.store.codes.create(token_hash(raw), label, uses, expires, purpose)
        half = (length + 1) // 2
        return f"{raw[:half]}-{raw[half:]}"

    async def enroll(
        self, code: str, device_id: str, name: str | None, client: str | None = None
    ) -> Enrolled:
        """TooManyRequests (nothing checked) while the client address is throttled after
        wrong codes; Unauthorized for a wrong, used-up or expired code."""
        keys = [Key(f"enroll:{client}", self.enroll_policy, False)] if client else []
        wait = await self.throttle.attempt(keys) if keys else 0.0
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"too many wrong enrollment codes from this address: try again in {seconds} s",
                retry_after_s=wait,
                reason=Reason.ENROLLMENT_THROTTLED,
                params={"seconds": str(seconds)},
            )
        now = datetime.now(UTC)
        used = await self.store.codes.use(token_hash(normalize_code(code)), now)
        if used is None:
            raise Unauthorized(
                "the enrollment code is wrong, used up or expired",
                reason=Reason.ENROLLMENT_REFUSED,
            )
        if keys:
            await self.throttle.succeeded(keys)
        device_token = new_token()
        expires = now + timedelta(days=self.device_token_days)
        headset = await self.store.headsets.enroll(
            device_id, name, token_hash(device_token), now, expires
        )
        self.forget(subject_id=headset.id)  # re-enrollment revoked its old tokens
        return Enrolled(headset, device_token, used.label)


_SUBJECT = {"device": "headset", "kiosk": "kiosk", "venue": "venue"}


def _usable(record: TokenRecord) -> bool:
    """Not revoked and not expired."""
    return not record.revoked and not (record.expires_at and record.expires_at <= datetime.now(UTC))
