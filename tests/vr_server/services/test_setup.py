"""First start (services/setup.py, storage/setup.py): the console's one-time setup tokens and
the first admin, on the SQL store (SQLite; PostgreSQL in the e2e tier) and the memory store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from vr_server.errors import Conflict, Forbidden, Invalid
from vr_server.services.audit import AuditService
from vr_server.services.auth import AuthService, token_hash
from vr_server.services.setup import SetupDone, SetupService, console_token, setup_link
from vr_server.storage.audit import AuditFilter
from vr_server.storage.base import Store
from vr_server.storage.memory import MemoryStore

PASSWORD = "first admin password"


def setup_service(store: Store) -> SetupService:
    """One instance's service: each has its own memory of having seen an admin."""
    return SetupService(store, AuthService(store, staff_token_hours=1), AuditService(store))


async def first_start(store: Store) -> None:
    """Two starts print two links; either works until the first admin exists, then none."""
    setup = setup_service(store)
    assert await setup.required()
    first, second = await console_token(store), await console_token(store)
    assert first
    assert second
    assert first != second
    assert len(first) >= 43  # 256 random bits
    assert await store.setup.token_usable(token_hash(first))
    assert not await store.setup.token_usable(first)  # only the hash is stored
    assert await store.codes.usable(datetime.now(UTC)) == []  # not listed as enrollment codes
    await setup.check(first)
    await setup.check(second)

    account = await setup.create_first_admin(second, "  ผู้ดูแล  ", PASSWORD, "10.0.0.9")
    assert (account.username, account.role) == ("ผู้ดูแล", "admin")
    [entry] = await store.audit.entries(AuditFilter(action="setup_admin_created"))
    assert (entry.actor, entry.target, entry.address) == ("ผู้ดูแล", "ผู้ดูแล", "10.0.0.9")
    assert not await setup.required()
    for token in (first, second):  # replayed, or the other instance's link: used up
        with pytest.raises(SetupDone, match="setup is complete"):
            await setup.check(token)
        with pytest.raises(SetupDone):
            await setup_service(store).create_first_admin(token, "again", PASSWORD)
        assert not await store.setup.token_usable(token_hash(token))
    assert await console_token(store) is None  # a restart prints no link
    admins = [a for a in await store.accounts.all() if a.role == "admin"]
    assert [a.username for a in admins] == ["ผู้ดูแล"]


async def test_first_start_on_the_database(store: Store) -> None:
    await first_start(store)


async def test_first_start_on_the_memory_store() -> None:
    await first_start(MemoryStore())


@pytest.mark.parametrize(
    ("token", "username", "password", "error", "message"),
    [
        ("wrong-token", "boss", PASSWORD, Forbidden, "not valid"),
        ("x" * 129, "boss", PASSWORD, Forbidden, "not valid"),
        ("", "boss", PASSWORD, Forbidden, "not valid"),
        (None, "boss", "short", Invalid, "at least 8 characters"),
        (None, "boss", "x" * 257, Invalid, "at most 256 characters"),
        (None, "BossMan1", "bossman1", Invalid, "must not be the username"),
        (None, "   ", PASSWORD, Invalid, "1 to 64 characters"),
        (None, "b" * 65, PASSWORD, Invalid, "1 to 64 characters"),
        (None, "staffer", PASSWORD, Conflict, "exists already"),
    ],
)
async def test_refused_without_a_change(
    store: Store,
    token: str | None,
    username: str,
    password: str,
    error: type[Exception],
    message: str,
) -> None:
    setup = setup_service(store)
    await setup.auth.create_account("staffer", PASSWORD, "staff")  # staff does not end setup
    good = await console_token(store)
    assert good is not None
    with pytest.raises(error, match=message):
        await setup.create_first_admin(good if token is None else token, username, password)
    assert await setup.required()
    await setup.check(good)  # still usable
    assert [a.role for a in await store.accounts.all()] == ["staff"]


async def test_racing_creations_make_one_admin(store: Store) -> None:
    """Three requests at once, as on three instances: two with one instance's token, one with
    another's. One admin; the others are told setup is complete."""
    first, second = await console_token(store), await console_token(store)
    assert first
    assert second
    contenders = [(first, "ann"), (first, "bob"), (second, "cat")]
    outcomes = await asyncio.gather(
        *(setup_service(store).create_first_admin(t, name, PASSWORD) for t, name in contenders),
        return_exceptions=True,
    )
    created = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(created) == 1, outcomes
    assert all(isinstance(o, SetupDone) for o in outcomes if isinstance(o, BaseException)), outcomes
    admins = [a.username for a in await store.accounts.all() if a.role == "admin"]
    assert admins == [created[0].username]


async def test_an_admin_made_on_the_console_ends_setup(store: Store) -> None:
    setup = setup_service(store)
    token = await console_token(store)
    assert token is not None
    await setup.auth.create_account("root", PASSWORD, "admin")  # `vr-server staff create`
    assert not await setup.required()
    assert not await store.setup.token_usable(token_hash(token))  # forgotten, not just refused
    with pytest.raises(SetupDone):
        await setup.check(token)


async def test_console_accounts_end_setup_only_as_the_first_admin(store: Store) -> None:
    """`vr-server staff create` (create_on_console): a staff account leaves the links usable;
    the first admin kills them at once, before any server asks `required()`; a second admin
    is not the first."""
    setup = setup_service(store)
    token = await console_token(store)
    assert token is not None
    _, first = await setup.create_on_console("desk", PASSWORD, "staff")
    assert not first
    assert await store.setup.token_usable(token_hash(token))
    account, first = await setup.create_on_console("root", PASSWORD, "admin")
    assert (account.role, first) == ("admin", True)
    assert not await store.setup.token_usable(token_hash(token))
    _, first = await setup.create_on_console("root2", PASSWORD, "admin")
    assert not first
    with pytest.raises(Conflict, match="exists already"):
        await setup.create_on_console("root", PASSWORD, "admin")


def test_the_link_carries_the_token_in_its_fragment() -> None:
    assert setup_link("http://localhost:8000/", "abc") == "http://localhost:8000/setup/#token=abc"
