"""The bundle manifest: what `vr-content package` writes and what the server serves.

A bundle is a folder `<scene_id>-<version>/` holding `manifest.json` and the files it names by
sha256. The manifest is deterministic: the same scene source gives the same bytes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from content_tools.format.scene import SceneMeta, Script
from content_tools.format.sounds import MAX_SOUNDS
from content_tools.hashing import SHA256_PATTERN


class AssetRef(BaseModel):
    """A file of the bundle, addressed by the sha256 of its bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0)
    media_type: Literal["model/gltf-binary", "image/png", "audio/ogg", "audio/mpeg", "audio/wav"]
    path: str = Field(
        pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$",
        description="File name inside the bundle folder (no folders, no leading dot).",
    )


class PackagingInfo(BaseModel):
    """How `vr-content package` processed the model (bundles made before it have none)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    compression: Literal["none", "meshopt", "meshopt-lossless", "draco"] = Field(
        description="Geometry compression: EXT_meshopt_compression (meshopt: quantized with "
        "KHR_mesh_quantization, static meshes merged; meshopt-lossless: exact), "
        "KHR_draco_mesh_compression."
    )
    encoder: str | None = Field(
        default=None, description="The compression library and version, e.g. 'DracoPy 2.2.0'."
    )
    profile: str = Field(description="The budget profile the textures were fitted to.")
    max_texture_size: int | None = Field(default=None, ge=1)
    textures_resized: int = Field(default=0, ge=0)
    source_size: int = Field(ge=0, description="Bytes of the self-contained model before.")


class BundleManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    scene: SceneMeta
    script: Script
    glb: AssetRef
    thumbnail: AssetRef | None = None
    tool_version: str
    packaging: PackagingInfo | None = None
    sounds: list[AssetRef] = Field(
        default_factory=list,
        max_length=MAX_SOUNDS,
        description="The sound files the script's sound cues name (by `path`).",
    )

    @model_serializer(mode="wrap")
    def _leave_out_missing_packaging(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A manifest without packaging info or sounds serialises as it did before the fields
        # existed.
        data = handler(self)
        if isinstance(data, dict) and data.get("packaging", 0) is None:
            del data["packaging"]
        if isinstance(data, dict) and data.get("sounds", 0) == []:
            del data["sounds"]
        return data

    @property
    def scene_id(self) -> str:
        return self.scene.id

    @property
    def version(self) -> str:
        return self.scene.version

    def assets(self) -> list[AssetRef]:
        return [a for a in (self.glb, self.thumbnail, *self.sounds) if a is not None]

    def sound_asset(self, path: str) -> AssetRef | None:
        """The sound file of the bundle named `path` (a cue's `file`), None if there is none."""
        return next((a for a in self.sounds if a.path == path), None)
