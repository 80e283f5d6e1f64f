"""What the queue, the results and the statistics share: the store, the catalog, and a clock
read in the venue's time zone (`VR_TIMEZONE`, services/days.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from vr_server.services.catalog import CatalogService
from vr_server.services.days import venue_date
from vr_server.storage.base import Store


@dataclass(eq=False)  # a service: compared and hashed by identity
class VenueClockService:
    store: Store
    catalog: CatalogService
    _: KW_ONLY
    zone: ZoneInfo
    clock: Callable[[], float] = time.time

    def now(self) -> datetime:
        """The clock's time, in UTC."""
        return datetime.fromtimestamp(self.clock(), UTC)

    def today(self) -> date:
        """The venue's date now."""
        return venue_date(self.now(), self.zone)
