"""AuthService.authenticate: each way a token can be unusable gives its own clear answer.

The token and its subject are read in one query (`Store.tokens.subject`); these cases are
the ones no HTTP route can produce yet (a disabled account, a deleted headset), so they are
made here directly in the database.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from vr_server.errors import Forbidden, Unauthorized
from vr_server.services import auth as auth_module
from vr_server.services.auth import AuthService, token_hash
from vr_server.storage import SqlStore, migrate
from vr_server.storage import tables as t


@pytest.fixture
async def auth(tmp_path):
    store = SqlStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    await migrate(store)
    yield AuthService(store, staff_token_hours=1)
    await store.close()


async def test_each_unusable_token_is_refused_with_its_reason(auth: AuthService) -> None:
    store = auth.store
    assert isinstance(store, SqlStore)
    auth = AuthService(store, staff_token_hours=1, trust_s=0)  # each check asks the database
    account = await auth.create_account("ครูสมศรี", "long-enough", "staff")
    issued = await auth.issue_token(account)
    principal = await auth.authenticate(issued.token, {"staff"})
    assert (principal.kind, principal.subject_id, principal.name) == (
        "staff",
        account.id,
        "ครูสมศรี",
    )

    with pytest.raises(Unauthorized, match="credentials are required"):
        await auth.authenticate("", {"staff"})
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate("no-such-token", {"staff"})
    with pytest.raises(Forbidden, match="a staff token cannot be used here"):
        await auth.authenticate(issued.token, {"device"})

    async with store.engine.begin() as conn:
        await conn.execute(update(t.accounts).values(disabled=True))
    with pytest.raises(Unauthorized, match="account of this token is disabled"):
        await auth.authenticate(issued.token, {"staff"})

    past = datetime.now(UTC) - timedelta(seconds=1)
    await store.tokens.put(token_hash("old"), "staff", account.id, past)
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate("old", {"staff"})

    now = datetime.now(UTC)
    headset = await store.headsets.enroll("dev-1", "Quest-A", token_hash("device-token"), now)
    device = await auth.authenticate("device-token", {"device", "staff"})
    assert (device.kind, device.subject_id, device.name) == ("device", headset.id, "Quest-A")
    await store.tokens.revoke(token_hash("device-token"))
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate("device-token", {"device"})

    await store.tokens.put(token_hash("orphan"), "device", headset.id, None)
    async with store.engine.begin() as conn:
        await conn.execute(delete(t.headsets).where(t.headsets.c.id == headset.id))
    with pytest.raises(Unauthorized, match="headset of this token no longer exists"):
        await auth.authenticate("orphan", {"device"})


async def test_a_checked_token_is_trusted_briefly_and_revocation_here_is_at_once(
    auth: AuthService, monkeypatch
) -> None:
    store = auth.store
    queries: list[str] = []
    real = store.tokens.subject

    async def counting(hashed: str):
        queries.append(hashed)
        return await real(hashed)

    monkeypatch.setattr(store.tokens, "subject", counting)
    account = await auth.create_account("staff", "long-enough", "staff")
    issued = await auth.issue_token(account)
    for _ in range(3):
        await auth.authenticate(issued.token, {"staff"})
    assert len(queries) == 1  # asked once, then trusted

    # Another instance (its own AuthService on the same database) revokes the token: this
    # one refuses it once its trust runs out, not before.
    other = AuthService(store, staff_token_hours=1)
    await other.logout(issued.token)
    await auth.authenticate(issued.token, {"staff"})
    clock = time.monotonic() + auth.trust_s + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate(issued.token, {"staff"})

    # Revoked by this instance: refused at once.
    second = await auth.issue_token(account)
    await auth.authenticate(second.token, {"staff"})
    await auth.logout(second.token)
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate(second.token, {"staff"})

    # Re-enrolled here: the headset's old token is refused at once.
    code = await auth.create_enrollment_code(uses=2, hours=1)
    _, old, _ = await auth.enroll(code, "dev-1", "Quest-A")
    await auth.authenticate(old, {"device"})
    _, new, _ = await auth.enroll(code, "dev-1", None)
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate(old, {"device"})
    await auth.authenticate(new, {"device"})

    # Expiry is checked on every request, trusted or not.
    expiring = "expiring-token"
    soon = datetime.now(UTC) + timedelta(seconds=60)
    await store.tokens.put(token_hash(expiring), "staff", account.id, soon)
    await auth.authenticate(expiring, {"staff"})
    later = datetime.now(UTC) + timedelta(seconds=61)
    monkeypatch.setattr(auth_module, "datetime", _FrozenDatetime(later))
    with pytest.raises(Unauthorized, match="not valid"):
        await auth.authenticate(expiring, {"staff"})


class _FrozenDatetime:
    """Stands in for the datetime class in vr_server.services.auth: `now` is fixed."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self, tz=None):
        return self.at


def test_new_tokens_never_start_like_a_command_line_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`vr-content publish --token -Ab...` would read the token as an option: a token drawn
    with a leading `-` or `_` is drawn again."""
    drawn = iter(["-starts-with-a-dash", "_underscore", "Good-token"])
    monkeypatch.setattr("vr_server.services.auth.secrets.token_urlsafe", lambda _n: next(drawn))
    assert auth_module.new_token() == "Good-token"


async def test_a_short_enrollment_code_is_readable_aloud_and_names_its_label(
    auth: AuthService,
) -> None:
    """The dashboard's codes: 8 characters in two groups, none of 0, O, 1, I; typed in any case
    or without the dash; the enrollment says which code (by its label) was used."""
    codes = [
        await auth.create_enrollment_code(uses=2, hours=1, label="add-headsets", length=8)
        for _ in range(20)
    ]
    for code in codes:
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code), code
    assert len(set(codes)) == len(codes)
    headset, _token, label = await auth.enroll(codes[0].lower(), "dev-short", None)
    assert (headset.device_id, label) == ("dev-short", "add-headsets")
    await auth.enroll(codes[0].replace("-", ""), "dev-short-2", None)
    with pytest.raises(Unauthorized) as used_up:
        await auth.enroll(codes[0], "dev-short-3", None)
    assert used_up.value.reason == "enrollment_refused"


async def test_wrong_enrollment_codes_from_one_address_are_throttled(tmp_path) -> None:
    """After 20 wrong codes from one address, its next try is refused before the code is
    looked at (429, reason `enrollment_throttled` with the seconds), even a right code; other
    addresses enroll; a right code takes its own attempt back."""
    from vr_server.errors import TooManyRequests
    from vr_server.protocol.errors import Reason
    from vr_server.services.throttle import MemoryThrottle

    now = [1000.0]
    store = SqlStore.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    await migrate(store)
    try:
        auth = AuthService(
            store, staff_token_hours=1, throttle=MemoryThrottle(clock=lambda: now[0])
        )
        code = await auth.create_enrollment_code(uses=5, hours=1)
        # a success does not count: 1 right, then 20 wrong are all checked
        await auth.enroll(code, "quest-1", None, "10.0.0.7")
        for n in range(20):
            with pytest.raises(Unauthorized):
                await auth.enroll(f"WRONG-{n:04d}", "quest-x", None, "10.0.0.7")
        with pytest.raises(TooManyRequests) as refused:
            await auth.enroll(code, "quest-2", None, "10.0.0.7")
        assert refused.value.reason is Reason.ENROLLMENT_THROTTLED
        assert refused.value.params == {"seconds": "1"}
        assert refused.value.http_status == 429
        # another address is not held up, and the refused try used none of the code's uses
        await auth.enroll(code, "quest-3", None, "10.0.0.8")
        now[0] += 1.5  # the first lock (1 s) is over: the right code goes through
        await auth.enroll(code, "quest-2", None, "10.0.0.7")
        used = await store.codes.use(token_hash(code.replace("-", "")), datetime.now(UTC))
        assert used is not None  # 3 of 5 uses taken: quest-1, quest-3 and quest-2
    finally:
        await store.close()
