"""The application factory. Nothing starts at import time: `create_app(settings)` returns an app
whose lifespan opens the store (running migrations), the bus and the services, imports the
packaged bundles from `VR_CONTENT_DIRS`, and closes everything on shutdown.

`open_services` / `close_services` are also what the admin commands (`vr-server staff create`,
`enroll create`...) run on the database: FastAPI, the routes and the sockets are imported by
`create_app` only, so those commands do not load them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from content_tools.errors import ContentError
from content_tools.validate.budget import load_profile
from vr_server import __version__
from vr_server.bus import Bus, InProcessBus
from vr_server.services import (
    AccessService,
    AuditService,
    AuthService,
    CatalogService,
    DistributionService,
    FleetService,
    LoopLagMonitor,
    QueueService,
    ResultService,
    RetentionService,
    Revocations,
    Services,
    SessionService,
    SetupService,
    StatsService,
    SyncService,
    VenueService,
    WatchService,
)
from vr_server.services.content_pull import ContentPull
from vr_server.services.hashing import PasswordHasher
from vr_server.services.monitor import start_background
from vr_server.services.throttle import LoginThrottle, MemoryThrottle, Policy, RedisThrottle
from vr_server.settings import Settings
from vr_server.storage import open_store
from vr_server.storage.blobs import BlobStore, RemoteBlobs
from vr_server.storage.presence import MemoryPresence, Presence
from vr_server.storage.sqlite_files import make_data_dir

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)


async def open_bus(settings: Settings) -> tuple[Bus, Presence]:
    """The in-process bus and in-memory presence, or both on Redis when `VR_REDIS_URL` is set
    (RedisUnreachable, with the reason, when it does not answer)."""
    if settings.redis_url is None:
        bus = InProcessBus()
        await bus.start()
        return bus, MemoryPresence()
    from vr_server.bus.redis import RedisBus, open_redis
    from vr_server.storage.presence_redis import RedisPresence

    client = await open_redis(settings.redis_url, settings.redis_timeout_s)
    redis_bus = RedisBus(
        client,
        prefix=settings.redis_prefix,
        timeout_s=settings.redis_timeout_s,
        ping_s=min(5.0, settings.heartbeat_s),
    )
    await redis_bus.start()
    presence = RedisPresence(
        client,
        prefix=settings.redis_prefix,
        instance=redis_bus.instance_id,
        refresh_s=settings.heartbeat_s,
        ttl_s=3 * settings.heartbeat_s,
        timeout_s=settings.redis_timeout_s,
    )
    await presence.start()
    return redis_bus, presence


async def open_remote_blobs(settings: Settings) -> RemoteBlobs | None:
    """The S3 bucket of `VR_BLOB_S3_URL` (None without one). Nothing is contacted yet: the
    client is made in a thread, since boto3 reads its configuration files."""
    if settings.blob_s3_url is None:
        return None
    from vr_server.storage.blobs_s3 import S3Blobs

    return await asyncio.to_thread(S3Blobs.from_settings, settings)


def login_throttle(settings: Settings, bus: Bus) -> LoginThrottle:
    """Counts in Redis, shared by the instances, when the bus is on Redis; else in memory."""
    redis = getattr(bus, "redis", None)
    if settings.redis_url is None or redis is None:
        return MemoryThrottle()
    return RedisThrottle(redis, prefix=settings.redis_prefix)


async def open_services(settings: Settings) -> Services:
    """Open storage (migrated), bus and services; the caller closes them with close_services."""
    try:
        profile = (
            None if settings.publish_profile == "none" else load_profile(settings.publish_profile)
        )
    except ContentError as exc:
        raise ValueError(f"VR_PUBLISH_PROFILE: {exc}") from None
    make_data_dir(settings.data_dir)
    blobs = BlobStore(settings.resolved_blob_dir, await open_remote_blobs(settings))
    bus, presence = await open_bus(settings)  # first: fails fast when Redis is unreachable
    try:
        store = await open_store(
            settings.resolved_database_url,
            retry_s=settings.database_retry_s,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            sqlite_synchronous=settings.sqlite_synchronous,
        )
    except BaseException:
        await presence.close()
        await bus.close()
        raise
    catalog = CatalogService(store, blobs, profile=profile)
    audit_service = AuditService(store)
    fleet = FleetService(store, bus, presence=presence)
    add_hook = getattr(bus, "add_reconnect_hook", None)
    if add_hook is not None:  # Redis: after an outage, register this instance's headsets again
        add_hook(fleet.restore)
    sessions = SessionService(
        store,
        catalog,
        fleet,
        bus,
        self_service=settings.self_service,
        public_url=settings.public_url,
    )
    zone = settings.zone
    auth = AuthService(
        store,
        audit=audit_service,
        staff_token_hours=settings.staff_token_hours,
        device_token_days=settings.device_token_days,
        throttle=login_throttle(settings, bus),
        hasher=PasswordHasher(threads=settings.password_threads),
        account_policy=Policy(
            settings.login_free_failures, settings.login_backoff_s, settings.login_backoff_max_s
        ),
        address_policy=Policy(
            settings.login_free_failures_per_address,
            settings.login_backoff_s,
            settings.login_backoff_max_s,
        ),
    )
    revocations = Revocations(bus, auth)
    await revocations.start(settings.redis_timeout_s)
    return Services(
        settings=settings,
        store=store,
        bus=bus,
        blobs=blobs,
        audit=audit_service,
        auth=auth,
        catalog=catalog,
        fleet=fleet,
        sessions=sessions,
        queue=QueueService(
            store,
            catalog,
            fleet,
            sessions,
            bus,
            zone=zone,
            retention_days=settings.retention_days,
        ),
        results=ResultService(store, catalog, sessions, zone=zone),
        stats=StatsService(store, catalog, zone=zone),
        retention=RetentionService(store, days=settings.retention_days, audit=audit_service),
        revocations=revocations,
        access=AccessService(store, auth, revocations, kiosk_token_days=settings.kiosk_token_days),
        watch=WatchService(bus),
        distribution=DistributionService(
            store,
            catalog,
            bus,
            venue_mbps=settings.venue_mbps,
            headset_mbps=settings.headset_mbps,
            link_sim_mbps=settings.link_sim_mbps,
        ),
        setup=SetupService(store, auth, audit_service),
        loop=LoopLagMonitor(warn_ms=settings.loop_stall_warn_ms),
        sync=SyncService(
            store.venue_link,
            store.outbox,
            batch_records=settings.sync_batch_records,
            timeout_s=settings.sync_timeout_s,
            content=ContentPull(
                catalog,
                pins=settings.sync_pins,
                max_file_bytes=settings.max_upload_bytes,
                max_model_bytes=settings.max_model_bytes,
            ),
            headsets_online=fleet.online_count,
        ),
        venues=VenueService(store, store.venues, auth, zone=zone),
    )


async def close_services(services: Services) -> None:
    try:
        await services.fleet.flush_seen()
    except Exception:
        log.warning("could not store when headsets were last seen", exc_info=True)
    await services.revocations.close()
    await services.fleet.presence.close()
    await services.bus.close()
    await services.store.close()
    services.auth.hasher.close()
    await asyncio.to_thread(services.blobs.close)


def create_app(settings: Settings | None = None) -> FastAPI:
    from fastapi import FastAPI

    from vr_server.api import admin as admin_api
    from vr_server.api import assets, audit, content, page_html, pages, routes, web
    from vr_server.api import distribution as distribution_api
    from vr_server.api import enrollment as enrollment_api
    from vr_server.api import queue as queue_api
    from vr_server.api import results as results_api
    from vr_server.api import setup as setup_api
    from vr_server.api import stats as stats_api
    from vr_server.api import sync as sync_api
    from vr_server.api.body_limits import install_body_limits
    from vr_server.api.errors import install_error_handlers
    from vr_server.ws.headset import headset_socket
    from vr_server.ws.staff import staff_socket

    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await open_services(settings)
        try:
            if settings.content_dirs:
                imported = await services.catalog.import_dirs(settings.content_dirs)
                log.info("catalog: %d bundle(s) imported", len(imported))
            app.state.services = services
            background = start_background(services)
            try:
                yield
            finally:
                await background.stop()
        finally:
            await close_services(services)

    public_docs = settings.api_docs
    app = FastAPI(
        title="VR career exploration server",
        version=__version__,
        lifespan=lifespan,
        # The interactive API docs are served only when VR_API_DOCS turns them on.
        docs_url="/docs" if public_docs else None,
        redoc_url="/redoc" if public_docs else None,
        openapi_url="/openapi.json" if public_docs else None,
        description="Delivers occupation scenes and session scripts to Meta Quest headsets.",
    )
    install_error_handlers(app)
    install_body_limits(app)  # 64 KiB unless a route names its own max_body_size
    app.add_middleware(setup_api.SetupGate)  # outermost: nothing but setup before an admin
    app.state.pages = page_html.Pages(pages.PAGES_DIR)  # the composed HTML of the pages
    app.include_router(routes.router)
    app.include_router(admin_api.router)
    app.include_router(enrollment_api.router)
    app.include_router(assets.router)
    app.include_router(content.router)
    app.include_router(web.router)
    app.include_router(pages.router)
    app.include_router(queue_api.router)
    app.include_router(results_api.router)
    app.include_router(stats_api.router)
    app.include_router(distribution_api.router)
    app.include_router(sync_api.router)
    app.include_router(audit.router)
    app.include_router(setup_api.router)
    app.add_api_websocket_route("/ws/headset", headset_socket)
    app.add_api_websocket_route("/ws/staff", staff_socket)
    return app
