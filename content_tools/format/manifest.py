"""The bundle manifest: what `vr-content package` writes and what the server serves.

A bundle is a folder `<scene_id>-<version>/` holding `manifest.json` and the files it names by
sha256. The manifest is deterministic: the same scene source gives the same bytes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from content_tools.format.scene import SceneMeta, Script
from content_tools.hashing import SHA256_PATTERN


class AssetRef(BaseModel):
    """A file of the bundle, addressed by the sha256 of its bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0)
    media_type: Literal["model/gltf-binary", "image/png"]
    path: str = Field(
        pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$",
        description="File name inside the bundle folder (no folders, no leading dot).",
    )


class BundleManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    scene: SceneMeta
    script: Script
    glb: AssetRef
    thumbnail: AssetRef | None = None
    tool_version: str

    @property
    def scene_id(self) -> str:
        return self.scene.id

    @property
    def version(self) -> str:
        return self.scene.version

    def assets(self) -> list[AssetRef]:
        return [a for a in (self.glb, self.thumbnail) if a is not None]
