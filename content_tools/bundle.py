"""Bundles: what `vr-content package` writes, the server imports and publishes, headsets load.

A bundle is a folder `<scene_id>-<version>/` holding:

    manifest.json      BundleManifest: scene metadata, session script, assets (JSON, sorted keys)
    <sha256>.glb       the model as one self-contained GLB
    <sha256>.png       the thumbnail, when the scene has one
    <sha256>.ogg       each sound file the script's sound cues play (.mp3, .wav likewise)

This module is the seam every reader of bundles goes through: the server, the validator and
the publisher import it; the packager (`content_tools.package`) writes bundles and is imported
by nothing but the CLI. Its files may come from anywhere: `BundleFiles` is what a source must
offer (a folder: `FolderFiles`; the server's blob store offers the same), and `open_bundle`
reads the manifest and checks every asset's size and sha256 against it. It imports neither
numpy nor any glTF library, so importing it stays cheap. The functions block (file reads,
hashing): call them from a worker thread in async code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from content_tools.errors import BundleError, validation_problems
from content_tools.format.manifest import AssetRef, BundleManifest, PackagingInfo
from content_tools.hashing import sha256_file

__all__ = [
    "GLB_MEDIA_TYPE",
    "MANIFEST_NAME",
    "MAX_MANIFEST_BYTES",
    "PNG_MEDIA_TYPE",
    "PNG_SIGNATURE",
    "AssetRef",
    "BundleFiles",
    "BundleManifest",
    "FolderFiles",
    "PackagingInfo",
    "bundle_name",
    "iter_bundles",
    "load_bundle",
    "manifest_bytes",
    "open_bundle",
    "parse_manifest",
    "verify_asset",
]

MANIFEST_NAME = "manifest.json"
GLB_MEDIA_TYPE = "model/gltf-binary"
PNG_MEDIA_TYPE = "image/png"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BundleFiles(Protocol):
    """Where the files of one bundle come from (a folder, a blob store, memory).

    Every method takes a file name as the manifest gives it (`manifest.json`, `<sha256>.glb`)
    and raises FileNotFoundError when there is no such file (OSError when it cannot be read).
    """

    def path(self, name: str) -> Path:
        """Where the file is, as messages name it."""
        ...

    def size(self, name: str) -> int:
        """The file's size in bytes (BundleError when it is not a regular file)."""
        ...

    def sha256(self, name: str) -> str:
        """The hex sha256 of the file's bytes."""
        ...

    def read(self, name: str, max_bytes: int) -> bytes:
        """The file's bytes, at most `max_bytes + 1` of them (so a caller can tell it is
        longer than `max_bytes`)."""
        ...


class FolderFiles:
    """The files of a bundle folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / name

    def size(self, name: str) -> int:
        path = self.path(name)
        size = path.stat().st_size
        if not path.is_file():
            raise BundleError("asset is not a regular file", path=path)
        return size

    def sha256(self, name: str) -> str:
        return sha256_file(self.path(name))

    def read(self, name: str, max_bytes: int) -> bytes:
        with self.path(name).open("rb") as file:
            return file.read(max_bytes + 1)


def bundle_name(scene_id: str, version: str) -> str:
    """The folder name of a bundle: `<scene_id>-<version>`."""
    return f"{scene_id}-{version}"


def manifest_bytes(manifest: BundleManifest) -> bytes:
    """The canonical manifest.json: sorted keys, 2-space indent, UTF-8, trailing newline."""
    data = manifest.model_dump(mode="json")
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(data: bytes, *, path: Path) -> BundleManifest:
    """The manifest in `data` (the bytes of `path`). Raises BundleError."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise BundleError(f"larger than {MAX_MANIFEST_BYTES} bytes", path=path)
    try:
        return BundleManifest.model_validate_json(data)
    except ValidationError as exc:
        raise BundleError(f"invalid manifest: {validation_problems(exc)}", path=path) from None


def open_bundle(files: BundleFiles) -> BundleManifest:
    """Read a bundle's manifest and check that every asset it names has its size and sha256.

    Raises BundleError when the manifest is missing or invalid, or an asset is missing or does
    not match.
    """
    path = files.path(MANIFEST_NAME)
    try:
        data = files.read(MANIFEST_NAME, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise BundleError(f"not a bundle: no {MANIFEST_NAME}", path=path.parent) from None
    except OSError as exc:
        raise BundleError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    manifest = parse_manifest(data, path=path)
    for asset in manifest.assets():
        check_asset(files, asset)
    return manifest


def check_asset(files: BundleFiles, asset: AssetRef) -> None:
    """Check that `asset` is in `files` with its size and sha256 (BundleError if not)."""
    path = files.path(asset.path)
    try:
        size = files.size(asset.path)
        if size != asset.size:
            raise BundleError(
                f"asset has {size} bytes but the manifest says {asset.size}", path=path
            )
        digest = files.sha256(asset.path)
    except FileNotFoundError:
        raise BundleError("asset named in the manifest is missing", path=path) from None
    except OSError as exc:
        raise BundleError(f"cannot read asset: {exc.strerror or exc}", path=path) from exc
    if digest != asset.sha256:
        raise BundleError(
            f"asset sha256 is {digest}, the manifest says {asset.sha256} (changed or corrupt)",
            path=path,
        )


def load_bundle(bundle_dir: Path) -> BundleManifest:
    """`open_bundle` on a bundle folder."""
    return open_bundle(FolderFiles(bundle_dir))


def verify_asset(bundle_dir: Path, asset: AssetRef) -> Path:
    """The path of `asset` in `bundle_dir`, after checking its size and sha256."""
    check_asset(FolderFiles(bundle_dir), asset)
    return bundle_dir / asset.path


def iter_bundles(dist_dir: Path) -> Iterator[Path]:
    """The bundle folders in `dist_dir` (those with a manifest.json), sorted by name.

    Temporary and hidden folders (names starting with '.') are skipped; so is a missing
    `dist_dir`. The bundles are not checked: call `load_bundle` on each.
    """
    try:
        entries = sorted(dist_dir.iterdir())
    except FileNotFoundError:
        return
    for entry in entries:
        if not entry.name.startswith(".") and (entry / MANIFEST_NAME).is_file():
            yield entry
