"""`/api/content/...`: authors publish scene versions, list them and roll back (author tokens
only; staff and device tokens get 403). See docs/publishing.md.

    POST /api/content/blobs/missing          which of these sha256s does the server lack?
    PUT  /api/content/blobs/{sha256}         upload one blob (raw body, hashed as it streams)
    POST /api/content/scenes                 publish a manifest whose blobs are uploaded
    GET  /api/content/scenes/{id}/versions   every stored version, and which one is active
    POST /api/content/scenes/{id}/activate   make a stored version active (rollback)

Refusals are `{"detail": message, "code": code}` with 4xx; nothing stored changes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from content_tools.bundle import MAX_MANIFEST_BYTES
from content_tools.errors import validation_problems
from content_tools.format.publishing import (
    ActivateRequest,
    ActivateResponse,
    BlobResponse,
    MissingResponse,
    PublishRequest,
    PublishResponse,
    VersionInfo,
    VersionsResponse,
)
from vr_server.api.audit import caller
from vr_server.api.body_limits import STREAMED
from vr_server.api.deps import AuthorDep, CredentialFirstRoute, ServicesDep
from vr_server.errors import Invalid, TooLarge
from vr_server.services.catalog import MAX_MISSING_QUERY, PublishResult

router = APIRouter(prefix="/api/content", tags=["content"], route_class=CredentialFirstRoute)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MissingRequest(_Body):
    sha256: Annotated[list[str], Field(max_length=MAX_MISSING_QUERY)]


def _content_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Invalid("the Content-Length header is not a number") from None
    if value < 0:
        raise Invalid("the Content-Length header is negative")
    return value


@router.post("/blobs/missing")
async def missing_blobs(
    body: MissingRequest, _author: AuthorDep, services: ServicesDep
) -> MissingResponse:
    settings = services.settings
    return MissingResponse(
        missing=await services.catalog.missing_blobs(body.sha256),
        max_upload_bytes=settings.max_upload_bytes,
        max_model_bytes=settings.max_model_bytes,
    )


@router.put(
    "/blobs/{sha256}",
    responses={201: {"model": BlobResponse}, 413: {}, 422: {}},
    max_body_size=STREAMED,  # receive_blob stops at VR_MAX_UPLOAD_MB while it streams
)
async def upload_blob(
    sha256: str,
    request: Request,
    _author: AuthorDep,
    services: ServicesDep,
    size: Annotated[int | None, Query(ge=0, description="The size the body must have.")] = None,
) -> JSONResponse:
    """The raw body is the blob: it is hashed while it streams to a temporary file and stored
    under `sha256` only if it hashes to it (and has `size` bytes, when given)."""
    length = _content_length(request)
    if size is not None and length is not None and size != length:
        raise Invalid(f"blob {sha256}: the body has {length} bytes, size says {size}")
    receipt = await services.catalog.receive_blob(
        sha256,
        request.stream(),
        expected_size=size if size is not None else length,
        max_bytes=services.settings.max_upload_bytes,
    )
    body = BlobResponse(sha256=receipt.sha256, size=receipt.size, stored=receipt.new)
    return JSONResponse(body.model_dump(), status_code=201 if receipt.new else 200)


def _publish_response(result: PublishResult) -> PublishResponse:
    return PublishResponse.model_validate(result, from_attributes=True)


@router.post(
    "/scenes",
    responses={201: {"model": PublishResponse}, 409: {}, 413: {}, 422: {}},
    max_body_size=MAX_MANIFEST_BYTES,
)
async def publish(request: Request, author: AuthorDep, services: ServicesDep) -> JSONResponse:
    """Publish a version: every asset the manifest names must be uploaded, with its size and
    sha256; the model and the script are validated again. 201 for a new version, 200 when
    this exact version was published before (it is activated again unless activate=false)."""
    length = _content_length(request)
    if length is not None and length > MAX_MANIFEST_BYTES:
        raise TooLarge(f"the request has {length} bytes; a manifest may have {MAX_MANIFEST_BYTES}")
    try:
        body = PublishRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise Invalid(
            'the body must be {"manifest": {...}, "activate": true|false}: '
            + validation_problems(exc)
        ) from None

    async def may_publish(scene_id: str) -> None:
        await services.access.check_scene(author, scene_id)

    result = await services.catalog.publish(
        body.manifest,
        activate=body.activate,
        max_model_bytes=services.settings.max_model_bytes,
        publisher=author.name,
        authorize=may_publish,
    )
    await services.access.claim_scene(author, result.scene_id)
    await services.audit.record(
        "publish",
        caller(author, request),
        target=result.scene_id,
        details={"version": result.version, "new": result.new, "activated": result.activated},
    )
    return JSONResponse(
        _publish_response(result).model_dump(), status_code=201 if result.new else 200
    )


@router.get("/scenes/{scene_id}/versions")
async def versions(scene_id: str, _author: AuthorDep, services: ServicesDep) -> VersionsResponse:
    records = await services.catalog.versions(scene_id)
    infos = []
    for record in records:
        manifest = await services.catalog.manifest(scene_id, record.version)
        infos.append(
            VersionInfo(
                version=record.version,
                active=record.active,
                published_at=record.published_at,
                manifest_sha256=record.manifest_sha256,
                glb_sha256=manifest.glb.sha256,
                glb_size=manifest.glb.size,
            )
        )
    active = next((r.version for r in records if r.active), None)
    return VersionsResponse(scene_id=scene_id, active_version=active, versions=infos)


@router.post("/scenes/{scene_id}/activate")
async def activate(
    scene_id: str, body: ActivateRequest, author: AuthorDep, services: ServicesDep, request: Request
) -> ActivateResponse:
    """Make a stored version the active one, in one transaction; running sessions keep theirs.
    Only the scene's owner, editors and admins may (also a rollback)."""
    await services.access.check_scene(author, scene_id)
    result = await services.catalog.activate(scene_id, body.version)
    await services.audit.record(
        "activate",
        caller(author, request),
        target=scene_id,
        details={"version": result.active_version, "previous": result.previous_active},
    )
    return ActivateResponse(
        scene_id=result.scene_id,
        active_version=result.active_version,
        previous_active=result.previous_active,
    )
