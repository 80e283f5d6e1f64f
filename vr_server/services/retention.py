"""PDPA retention: visitors' names, phone numbers and consent records are deleted
`VR_RETENTION_DAYS` days after they were given (`vr-server purge`, and hourly while the server
runs). Tickets, sessions and the statistics stay; they never held personal data."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from vr_server.errors import Invalid
from vr_server.services.audit import SYSTEM, Actor, AuditService
from vr_server.storage.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    deleted: int
    """How many visitors' personal data were deleted."""
    before: datetime
    """Everything given before this moment was deleted."""
    days: int


class RetentionService:
    def __init__(
        self,
        store: Store,
        *,
        days: int,
        audit: AuditService | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.audit = audit or AuditService(store, clock=clock)
        self.days = days
        self.clock = clock

    async def purge(self, days: int | None = None, actor: Actor = SYSTEM) -> PurgeReport:
        """Recorded in the audit trail when something was deleted or an operator asked."""
        keep = self.days if days is None else days
        if keep < 0:
            raise Invalid("days must be 0 or more")
        before = datetime.fromtimestamp(self.clock(), UTC) - timedelta(days=keep)
        deleted = await self.store.queue.purge_contacts(before)
        if deleted:
            log.info("retention: deleted the personal data of %d visitor(s)", deleted)
        if deleted or actor is not SYSTEM:
            details = {"deleted": deleted, "days": keep, "before": before.isoformat()}
            await self.audit.record("purge", actor, details=details)
        return PurgeReport(deleted=deleted, before=before, days=keep)
