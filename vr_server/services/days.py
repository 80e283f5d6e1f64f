"""Venue days: the queue's numbering and the statistics count days in the venue's time zone
(`VR_TIMEZONE`), not in UTC, so that a day runs from local midnight to local midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def venue_date(when: datetime | float, zone: ZoneInfo) -> date:
    moment = datetime.fromtimestamp(when, UTC) if isinstance(when, float | int) else when
    return moment.astimezone(zone).date()


def venue_day(when: datetime | float, zone: ZoneInfo) -> str:
    """YYYY-MM-DD of `when` at the venue."""
    return venue_date(when, zone).isoformat()


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[local midnight starting `first`, local midnight after `last`), in UTC."""
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def local_iso(when: datetime | None, zone: ZoneInfo) -> str:
    """ISO 8601 at the venue, to the second, with its offset; '' for None."""
    return when.astimezone(zone).isoformat(timespec="seconds") if when is not None else ""
