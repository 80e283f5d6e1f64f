"""Server settings: one pydantic-settings object, read from `VR_*` environment variables.

Defaults run a venue on one laptop with nothing to install: SQLite in `var/`, the in-process
event bus, and the packaged bundles found in `VR_CONTENT_DIRS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VR_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    host: str = Field(default="127.0.0.1", description="Use 0.0.0.0 to serve headsets on a LAN.")
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = Field(
        default=None, description="How visitors' phones reach the server (for result links)."
    )
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default: SQLite in data_dir."
    )
    content_dirs: list[Path] = Field(
        default_factory=list, description="Folders of packaged bundles imported at start."
    )

    heartbeat_s: float = Field(default=10.0, gt=0)
    heartbeat_timeout_s: float = Field(default=30.0, gt=0)
    auth_timeout_s: float = Field(default=10.0, gt=0)
    max_frame_bytes: int = Field(default=64 * 1024, ge=1024)
    max_errors_per_minute: int = Field(default=20, ge=1)
    outbox_size: int = Field(default=512, ge=8)
    staff_token_hours: float = Field(default=12.0, gt=0)
    self_service: bool = Field(
        default=False, description="Kiosk mode: a headset may start a scene by itself."
    )
    max_upload_mb: float = Field(
        default=64.0, gt=0, description="Largest content file an author may upload, in MB."
    )
    max_model_mb: float = Field(
        default=64.0, gt=0, description="Largest scene model (GLB) a publish may name, in MB."
    )
    publish_profile: str = Field(
        default="quest2",
        description="Budget profile a published scene must fit: quest2, quest3, a profile "
        ".json file, or none.",
    )
    log_level: str = "info"
    ws_impl: Literal["websockets", "websockets-sansio", "wsproto"] = Field(
        default="websockets-sansio", description="uvicorn's WebSocket implementation."
    )

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.heartbeat_timeout_s <= self.heartbeat_s:
            raise ValueError("VR_HEARTBEAT_TIMEOUT_S must be larger than VR_HEARTBEAT_S")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'vr.sqlite3').resolve()}"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_model_bytes(self) -> int:
        return int(self.max_model_mb * 1024 * 1024)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"
