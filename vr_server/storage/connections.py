"""Reaching the database: which driver a URL means, and riding out a lost connection.

`normalize_database_url` turns the URLs people paste (`postgres://`, `postgresql://`,
`sqlite:///`) into SQLAlchemy async URLs (asyncpg, aiosqlite). `is_disconnect` tells a lost or
refused connection (the server restarting, a network cut) from every other error, and
`retry_when_disconnected` makes each public coroutine method of a store re-run itself on one
until the database is back, or raise `Unavailable` after `retry_s` seconds; values PostgreSQL
refuses but SQLite would take (NUL in text, an over-long string) become `Invalid`, not a 500.

Re-running a whole method is safe because each method is one transaction: a transaction cut
off before its commit left nothing behind, and one whose commit did land shows up on the re-run
as a moved row version (StaleSession) or a taken key (DuplicateEvent), which the session
service already answers by reading again.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from vr_server.errors import Invalid, ServerError, Unavailable

log = logging.getLogger(__name__)

_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def normalize_database_url(url: str) -> str:
    """The SQLAlchemy async URL for `url`: `postgres://` and `postgresql://` (and libpq's
    `sslmode=`) become asyncpg's, `sqlite://` becomes aiosqlite's; others are left alone."""
    parsed = make_url(url)
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        return url
    parsed = parsed.set(drivername=driver)
    if driver == "postgresql+asyncpg" and "sslmode" in parsed.query:
        query = dict(parsed.query)
        query["ssl"] = query.pop("sslmode")  # asyncpg's name for the same setting
        parsed = parsed.set(query=query)
    return parsed.render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """The URL for messages and logs: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 10:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        orig = getattr(item, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None]
        todo += [item.__cause__, item.__context__]
    return seen


def is_disconnect(exc: BaseException) -> bool:
    """True when `exc` means the database could not be reached or the connection was lost."""
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        asyncpg = None
    for item in _chain(exc):
        if isinstance(item, DBAPIError) and item.connection_invalidated:
            return True
        if isinstance(item, OSError):  # refused, reset, unreachable, connect timeout
            return True
        if asyncpg is not None:
            e = asyncpg.exceptions
            if isinstance(item, e.QueryCanceledError):
                return False  # a statement timeout, not an outage
            if isinstance(
                item,
                e.PostgresConnectionError  # class 08: the connection failed or does not exist
                | e.OperatorInterventionError  # 57P01-57P03: shutting down, starting up
                | e.TooManyConnectionsError,
            ):
                return True
            if isinstance(item, e.InterfaceError) and "connection is closed" in str(item):
                return True
    return False


def is_unstorable_value(exc: BaseException) -> bool:
    """True when the database refused a value (PostgreSQL: text with NUL, a string longer than
    its column, a character UTF-8 cannot encode), which SQLite would have taken."""
    try:
        import asyncpg
        from asyncpg.exceptions import _base as asyncpg_base
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        asyncpg = asyncpg_base = None
    for item in _chain(exc):
        if isinstance(item, UnicodeEncodeError):
            return True
        if asyncpg is not None and isinstance(
            item, asyncpg.exceptions.DataError | asyncpg_base.DataError
        ):
            return True
    return False


class _Retrying(Protocol):
    retry_s: float


T = TypeVar("T")
C = TypeVar("C", bound=type[Any])

NOT_RETRIED = frozenset({"close", "ping"})


def _retrying(
    method: Callable[..., Coroutine[Any, Any, T]],
) -> Callable[..., Coroutine[Any, Any, T]]:
    @functools.wraps(method)
    async def wrapper(self: _Retrying, *args: Any, **kwargs: Any) -> T:
        deadline: float | None = None
        delay = 0.05
        while True:
            try:
                return await method(self, *args, **kwargs)
            except Exception as exc:
                if isinstance(exc, ServerError):
                    raise
                if is_unstorable_value(exc):
                    raise Invalid(f"the database cannot store this value: {_message(exc)}") from exc
                if not is_disconnect(exc):
                    raise
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self.retry_s
                    log.warning("database connection lost (%s); retrying", describe_error(exc))
                if now >= deadline:
                    raise Unavailable(
                        f"the database is unreachable ({describe_error(exc)}); try again shortly"
                    ) from exc
                await asyncio.sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.5)

    return wrapper


def retry_when_disconnected(cls: C) -> C:
    """Class decorator: every public coroutine method (but close and ping) of `cls` re-runs
    itself while the database is unreachable, for up to `self.retry_s` seconds, then raises
    Unavailable; a value the database refuses raises Invalid (422, or an `invalid_message`
    error frame) instead of a 500. Methods added later are covered without further ado."""
    for name, value in list(vars(cls).items()):
        if name.startswith("_") or name in NOT_RETRIED:
            continue
        if inspect.iscoroutinefunction(value):
            setattr(cls, name, _retrying(value))
    return cls


def _message(exc: BaseException) -> str:
    """The database's own words, without SQLAlchemy's statement dump."""
    return describe_error(exc).split(": ", 1)[-1].splitlines()[0][:200]


def describe_error(exc: BaseException) -> str:
    """The root cause of a database error, in one line."""
    chain = _chain(exc)
    roots = [e for e in chain if isinstance(e, OSError) or type(e).__module__.startswith("asyncpg")]
    for item in roots or [e for e in chain if not isinstance(e, DBAPIError)]:
        text = str(item).strip() or type(item).__name__
        return f"{type(item).__name__}: {text}"
    return str(exc).splitlines()[0]
