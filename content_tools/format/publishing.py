"""The bodies of the publishing API (`/api/content/...`, vr_server/api/content.py), shared by
the server that answers them and the client that sends them (content_tools/publish_client.py).

    POST /api/content/blobs/missing          -> MissingResponse
    PUT  /api/content/blobs/{sha256}         -> BlobResponse
    POST /api/content/scenes                 PublishRequest -> PublishResponse
    GET  /api/content/scenes/{id}/versions   -> VersionsResponse
    POST /api/content/scenes/{id}/activate   ActivateRequest -> ActivateResponse
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ActivateRequest",
    "ActivateResponse",
    "BlobResponse",
    "MissingResponse",
    "PublishRequest",
    "PublishResponse",
    "VersionInfo",
    "VersionsResponse",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MissingResponse(BaseModel):
    missing: list[str]
    max_upload_bytes: int
    max_model_bytes: int


class BlobResponse(BaseModel):
    sha256: str
    size: int
    stored: bool
    """True when this upload stored the blob; False when the server had it already."""


class PublishRequest(_Body):
    manifest: dict[str, Any] = Field(description="The bundle's manifest.json.")
    activate: bool = Field(default=True, description="Make this version the active one.")


class PublishResponse(BaseModel):
    scene_id: str
    version: str
    new: bool
    """False when this version was published before with the same content."""
    activated: bool
    """True when this version is now the active one."""
    active_version: str
    previous_active: str | None


class ActivateRequest(_Body):
    version: str


class ActivateResponse(BaseModel):
    scene_id: str
    active_version: str
    previous_active: str


class VersionInfo(BaseModel):
    version: str
    active: bool
    published_at: datetime
    manifest_sha256: str
    glb_sha256: str
    glb_size: int


class VersionsResponse(BaseModel):
    scene_id: str
    active_version: str | None
    versions: list[VersionInfo]
