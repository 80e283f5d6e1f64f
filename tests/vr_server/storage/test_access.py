"""The store's access queries (storage/accounts.py, headsets.py, content.py) and migration
0003's data changes, on both back ends (SQLite and a fresh PostgreSQL database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import column, insert, select, table

from vr_server.storage import SqlStore, migrate
from vr_server.storage import tables as t
from vr_server.storage.sql import run_sync_migrations

OLD_ACCOUNT = ("id", "username", "password_hash", "role", "created_at", "disabled")
OLD_TOKEN = ("token_hash", "kind", "subject_id", "created_at", "expires_at", "revoked")


async def test_revoking_removing_and_unpairing(store: SqlStore) -> None:
    now = datetime.now(UTC)
    account = await store.accounts.create("ana", "hash", "staff")
    for n in range(2):
        await store.tokens.put(f"{n}" * 64, "staff", account.id, now + timedelta(hours=1))
    assert await store.tokens.revoke_subject(account.id) == 2
    assert await store.tokens.revoke_subject(account.id) == 0
    assert await store.accounts.update(account.id, disabled=True, contact_access=True)
    found = await store.accounts.get(account.id)
    assert found is not None
    assert (found.disabled, found.contact_access) == (True, True)

    headset = await store.headsets.enroll("dev", None, "h" * 64, now, now + timedelta(days=1))
    assert await store.headsets.remove(headset.id, now)
    assert not await store.headsets.remove(headset.id, now)  # removed already
    assert await store.headsets.all() == []
    subject = await store.tokens.subject("h" * 64)
    assert subject is not None
    assert (subject.name, subject.token.revoked) == (None, True)
    assert await store.headsets.device_token("h" * 64) is None
    back = await store.headsets.enroll("dev", None, "i" * 64, now)  # enrolled again
    assert back.id == headset.id
    assert [h.id for h in await store.headsets.all()] == [headset.id]

    kiosk = await store.kiosks.create("TV", "k" * 64, now + timedelta(days=1), now)
    subject = await store.tokens.subject("k" * 64)
    assert subject is not None
    assert (subject.token.kind, subject.name) == ("kiosk", "TV")
    assert [k.id for k in await store.kiosks.all()] == [kiosk.id]
    assert await store.kiosks.remove(kiosk.id)
    subject = await store.tokens.subject("k" * 64)
    assert subject is not None
    assert (subject.name, subject.token.revoked) == (None, True)


async def test_codes_by_purpose_and_revoked(store: SqlStore) -> None:
    now = datetime.now(UTC)
    later = now + timedelta(hours=1)
    await store.codes.create("a" * 64, "truck", 3, later, "headset")
    await store.codes.create("b" * 64, "", 1, later, "kiosk")
    assert not await store.codes.use("b" * 64, now)  # a pairing code enrolls nothing
    assert await store.codes.use("b" * 64, now, "kiosk")
    assert [(c.label, c.purpose, c.uses_left) for c in await store.codes.usable(now)] == [
        ("truck", "headset", 3)
    ]
    assert await store.codes.revoke("a" * 64)
    assert not await store.codes.revoke("a" * 64)
    assert not await store.codes.use("a" * 64, now)


async def test_scene_owner_is_the_first_claim(store: SqlStore) -> None:
    assert await store.content.scene_owner("cook") == (False, None)
    await store.content.put_version("cook", "1.0.0", "{}", "s" * 64, True)
    assert await store.content.scene_owner("cook") == (True, None)
    await store.content.claim_scene("cook", "first")
    await store.content.claim_scene("cook", "second")
    assert await store.content.scene_owner("cook") == (True, "first")


async def test_migration_0003_gives_admin_tokens_their_kind_and_device_tokens_an_end(
    database_url: str,
) -> None:
    store = SqlStore.from_url(database_url)
    try:
        # the tables as revision 0002 had them (tables.py has 0003's columns)
        accounts = table("accounts", *(column(c) for c in OLD_ACCOUNT))
        tokens = table("tokens", *(column(c) for c in OLD_TOKEN))
        now = datetime.now(UTC)
        async with store.engine.begin() as conn:
            await conn.run_sync(run_sync_migrations, "0002")
            for id_, role in (("a1", "admin"), ("s1", "staff")):
                await conn.execute(
                    insert(accounts).values(
                        dict(zip(OLD_ACCOUNT, (id_, id_, "x", role, now, False), strict=True))
                    )
                )
            for row in (("1", "staff", "a1"), ("2", "staff", "s1"), ("3", "device", "h")):
                await conn.execute(
                    insert(tokens).values(
                        dict(zip(OLD_TOKEN, (*row, now, None, False), strict=True))
                    )
                )
        await migrate(store)
        async with store.engine.connect() as conn:
            rows = (await conn.execute(select(t.tokens).order_by(t.tokens.c.token_hash))).all()
        assert [(r.token_hash, r.kind) for r in rows] == [
            ("1", "admin"),
            ("2", "staff"),
            ("3", "device"),
        ]
        assert rows[1].expires_at is None
        assert rows[2].expires_at is not None
        account = await store.accounts.get("s1")
        assert account is not None
        assert account.contact_access is False
    finally:
        await store.close()
