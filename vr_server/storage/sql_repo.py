"""What every SQL repository shares: the store's engine and writer, one-row and many-row reads,
a counted write, insert-if-new, and the mapping between table rows and records.

Only SQLAlchemy Core is used, so every statement is visible in the repositories and works on
both dialects (SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import Executable, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

R = TypeVar("R")


def now() -> datetime:
    return datetime.now(UTC)


def dumps(value: Any) -> str:
    """JSON as stored in text columns: compact, keys sorted."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value else None


def wire_values(row: Any, json_column: str, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as the fields of its wire model: `json_column` parsed, datetimes zone-aware."""
    values = {k: v for k, v in row._mapping.items() if k not in leave_out}
    values[json_column] = _loads(values[json_column])
    return {k: _aware(v) if isinstance(v, datetime) else v for k, v in values.items()}


def _converter(annotation: Any) -> Callable[[Any], Any] | None:
    """How a column's value becomes the record field annotated `annotation` (a string: the
    records use `from __future__ import annotations`)."""
    text = str(annotation)
    if text.startswith(("dict", "list")):
        return _loads  # JSON text columns
    if "datetime" in text:
        return _aware
    if text == "bool":
        return bool
    return None


class _Mapping:
    """How rows become one record class: its fields in order, read in one call, and the few
    that need converting (a list of records is built with no per-field lookups)."""

    def __init__(self, cls: type[Any]) -> None:
        fields = dataclasses.fields(cls)
        self.cls = cls
        self.names = [f.name for f in fields]
        self.read = attrgetter(*self.names)
        self.converters = [
            (i, convert) for i, f in enumerate(fields) if (convert := _converter(f.type))
        ]

    def __call__(self, row: Any, overrides: dict[str, Any]) -> Any:
        if overrides:
            values = [overrides[n] if n in overrides else getattr(row, n) for n in self.names]
        else:
            values = list(self.read(row))
        for i, convert in self.converters:
            values[i] = convert(values[i])
        return self.cls(*values)


_MAPPINGS: dict[type[Any], _Mapping] = {}


def to_record(cls: type[R], row: Any, **overrides: Any) -> R:
    """The record `cls` (a dataclass) from a row holding a column for each field: JSON text
    columns parsed, datetimes made zone-aware, flags made bool. `overrides` stand in for
    columns the row lacks or names otherwise (and are converted the same way)."""
    mapping = _MAPPINGS.get(cls)
    if mapping is None:
        mapping = _MAPPINGS[cls] = _Mapping(cls)
    record: R = mapping(row, overrides)
    return record


def row_values(record: Any, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The columns to insert for a record: dict and list fields as JSON text."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        if field.name in leave_out:
            continue
        value = getattr(record, field.name)
        values[field.name] = dumps(value) if isinstance(value, dict | list) else value
    return values


class Database:
    """The engine and the writing transaction every repository of one store shares."""

    def __init__(self, engine: AsyncEngine, retry_s: float) -> None:
        self.engine = engine
        self.retry_s = retry_s
        self.dialect = engine.dialect.name
        # SQLite allows one writer at a time; queueing writers here avoids SQLITE_BUSY retries.
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn


class SqlRepository:
    """Base of the SQL repositories. Subclasses are decorated with `retry_when_disconnected`
    (storage/connections.py): each public method is one transaction, re-run while the database
    is unreachable; the helpers here are private, so they are not retried twice."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.engine = db.engine
        self.retry_s = db.retry_s
        self._write = db.write

    async def _first(self, query: Executable, params: dict[str, Any] | None = None) -> Any:
        async with self.engine.connect() as conn:
            return (await conn.execute(query, params)).first()

    async def _rows(self, query: Executable) -> Sequence[Any]:
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).all()

    async def _one_by(self, cls: type[R], table: Table, column: str, value: Any) -> R | None:
        """The record of the row whose `column` is `value`, if any."""
        row = await self._first(select(table).where(table.c[column] == value))
        return to_record(cls, row) if row is not None else None

    async def _all(self, cls: type[R], query: Executable) -> list[R]:
        return [to_record(cls, row) for row in await self._rows(query)]

    async def _count_written(self, statement: Executable) -> int:
        """Run one writing statement in its own transaction; how many rows it touched."""
        async with self._write() as conn:
            result = await conn.execute(statement)
        return int(result.rowcount or 0)

    def _insert_new(self, table: Table, **values: Any) -> Any:
        """INSERT ... ON CONFLICT DO NOTHING: when another transaction stores the same key
        first (PostgreSQL waits for it), the row is left as it is instead of the transaction
        failing; `rowcount` says whether this one inserted."""
        dialect_insert = postgresql.insert if self.db.dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).values(**values).on_conflict_do_nothing()
