"""Services: the logic behind the HTTP API and the sockets, free of HTTP and sockets."""

from dataclasses import dataclass, field

from vr_server.bus import Bus
from vr_server.services.access import AccessService
from vr_server.services.audit import AuditService
from vr_server.services.auth import AuthService
from vr_server.services.catalog import CatalogService
from vr_server.services.distribution import DistributionService
from vr_server.services.fleet import FleetService
from vr_server.services.looplag import LoopLagMonitor
from vr_server.services.queue import QueueService
from vr_server.services.results import ResultService
from vr_server.services.retention import RetentionService
from vr_server.services.revocation import Revocations
from vr_server.services.sessions import SessionService
from vr_server.services.setup import SetupService
from vr_server.services.stats import StatsService
from vr_server.services.sync import SyncService
from vr_server.services.venues import VenueService
from vr_server.services.watch import WatchService
from vr_server.settings import Settings
from vr_server.storage.base import Store
from vr_server.storage.blobs import BlobStore


@dataclass(frozen=True)
class Services:
    """Everything a request handler may need, built once per app in the lifespan."""

    settings: Settings
    store: Store
    bus: Bus
    blobs: BlobStore
    audit: AuditService
    auth: AuthService
    catalog: CatalogService
    fleet: FleetService
    sessions: SessionService
    queue: QueueService
    results: ResultService
    stats: StatsService
    retention: RetentionService
    revocations: Revocations
    access: AccessService
    watch: WatchService
    distribution: DistributionService
    """Headsets' caches and download grants under the venue's Wi-Fi budget."""
    setup: SetupService
    """First start: setup mode until an admin account exists (services/setup.py)."""
    loop: LoopLagMonitor = field(default_factory=LoopLagMonitor)
    """Measures event-loop stalls once started (by the lifespan's background tasks)."""
    sync: SyncService | None = None
    """A venue's sync with central (services/sync.py); None on a store without SQL."""
    venues: VenueService | None = None
    """Central's venues (services/venues.py); None on a store without SQL."""


__all__ = [
    "AccessService",
    "AuditService",
    "AuthService",
    "CatalogService",
    "DistributionService",
    "FleetService",
    "LoopLagMonitor",
    "QueueService",
    "ResultService",
    "RetentionService",
    "Revocations",
    "Services",
    "SessionService",
    "SetupService",
    "StatsService",
    "SyncService",
    "VenueService",
    "WatchService",
]
