"""The application factory. Nothing starts at import time: `create_app(settings)` returns an app
whose lifespan opens the store (running migrations), the bus and the services, imports the
packaged bundles from `VR_CONTENT_DIRS`, and closes everything on shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from content_tools.errors import ContentError
from content_tools.validate.budget import load_profile
from vr_server import __version__
from vr_server.api import assets, content, routes, web
from vr_server.api.errors import install_error_handlers
from vr_server.blobs import BlobStore
from vr_server.bus import InProcessBus
from vr_server.services import (
    AuthService,
    CatalogService,
    FleetService,
    Services,
    SessionService,
)
from vr_server.settings import Settings
from vr_server.storage import SqlStore, migrate
from vr_server.ws.headset import headset_socket
from vr_server.ws.staff import staff_socket

log = logging.getLogger(__name__)


async def open_services(settings: Settings) -> Services:
    """Open storage (migrated), bus and services; the caller closes them with close_services."""
    try:
        profile = (
            None if settings.publish_profile == "none" else load_profile(settings.publish_profile)
        )
    except ContentError as exc:
        raise ValueError(f"VR_PUBLISH_PROFILE: {exc}") from None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqlStore.from_url(settings.resolved_database_url)
    await migrate(store)
    bus = InProcessBus()
    await bus.start()
    blobs = BlobStore(settings.blob_dir)
    catalog = CatalogService(store, blobs, profile=profile)
    fleet = FleetService(store, bus)
    return Services(
        settings=settings,
        store=store,
        bus=bus,
        blobs=blobs,
        auth=AuthService(store, staff_token_hours=settings.staff_token_hours),
        catalog=catalog,
        fleet=fleet,
        sessions=SessionService(store, catalog, fleet, bus, self_service=settings.self_service),
    )


async def close_services(services: Services) -> None:
    await services.bus.close()
    await services.store.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await open_services(settings)
        try:
            if settings.content_dirs:
                imported = await services.catalog.import_dirs(settings.content_dirs)
                log.info("catalog: %d bundle(s) imported", len(imported))
            app.state.services = services
            yield
        finally:
            await close_services(services)

    public_docs = settings.environment != "production"
    app = FastAPI(
        title="VR career exploration server",
        version=__version__,
        lifespan=lifespan,
        # The interactive API docs are for development; production serves none of them.
        docs_url="/docs" if public_docs else None,
        redoc_url="/redoc" if public_docs else None,
        openapi_url="/openapi.json" if public_docs else None,
        description="Delivers occupation scenes and session scripts to Meta Quest headsets.",
    )
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(assets.router)
    app.include_router(content.router)
    app.include_router(web.router)
    app.add_api_websocket_route("/ws/headset", headset_socket)
    app.add_api_websocket_route("/ws/staff", staff_socket)
    return app
