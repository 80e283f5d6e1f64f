"""Visitors' journeys (a code that links one visitor's sessions of a day): the interface
services depend on, and its SQL implementation. The sessions of a journey are read through
`Sessions.for_journeys`."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Protocol

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from vr_server.protocol.queue import VISITOR_CODE_ALPHABET, VISITOR_CODE_LENGTH
from vr_server.storage import tables as t
from vr_server.storage.connections import retry_when_disconnected
from vr_server.storage.records import JourneyRecord
from vr_server.storage.sql_repo import SqlRepository


def new_journey_code() -> str:
    """8 of 32 characters: 40 random bits, not guessable by trying at a check-in desk."""
    return "".join(secrets.choice(VISITOR_CODE_ALPHABET) for _ in range(VISITOR_CODE_LENGTH))


class Journeys(Protocol):
    async def create(self, created_at: datetime) -> JourneyRecord:
        """A journey with a new random code (another is drawn if the code is taken)."""
        ...

    async def get(self, code: str) -> JourneyRecord | None: ...


@retry_when_disconnected
class SqlJourneys(SqlRepository):
    async def create(self, created_at: datetime) -> JourneyRecord:
        for _attempt in range(10):
            record = JourneyRecord(code=new_journey_code(), created_at=created_at)
            try:
                async with self._write() as conn:
                    await conn.execute(
                        insert(t.journeys).values(code=record.code, created_at=created_at)
                    )
                return record
            except IntegrityError:
                continue  # taken (one chance in a trillion per journey): draw another
        raise RuntimeError("could not allocate a journey code")

    async def get(self, code: str) -> JourneyRecord | None:
        return await self._one_by(JourneyRecord, t.journeys, "code", code)
