"""`vr-server gc`: remove the content files (blobs) no stored scene version uses.

A blob is kept when any stored version names it (active or not: a rollback needs it), and when
it was stored, or offered again by an upload or import, within the grace period (an author may
be between uploading the files and publishing the manifest that names them). Leftover
temporary files of uploads, imports and fetches older than the grace period go too.

With an S3 bucket (`VR_BLOB_S3_URL`) only this machine's local cache is cleaned: the bucket is
shared by every instance and keeps every object (docs/operations.md). The database's `blobs`
rows are only written for blobs a version names, so they stay.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from content_tools.format import BundleManifest
from vr_server.errors import Invalid
from vr_server.storage.base import Store
from vr_server.storage.blobs import BlobFile, BlobStore

log = logging.getLogger(__name__)

DEFAULT_GRACE_HOURS = 24.0


@dataclass(frozen=True)
class GcReport:
    removed: list[BlobFile]
    """What was removed (with `dry_run`: what would be)."""
    kept_recent: int
    """Unused files kept because they are younger than the grace period."""
    in_use: int
    """Blobs a stored version names (present in the directory)."""
    dry_run: bool
    local_only: bool
    """True with a remote store: only the local cache was cleaned."""

    @property
    def bytes_freed(self) -> int:
        return sum(f.size for f in self.removed)


def used_blobs(manifests: list[str]) -> set[str]:
    """The sha256 of every asset the manifests name."""
    used: set[str] = set()
    for text in manifests:
        try:
            manifest = BundleManifest.model_validate_json(text)
        except ValueError as exc:  # then what it names is unknown: remove nothing
            raise Invalid(
                f"a stored scene version's manifest cannot be read ({exc}); nothing was removed"
            ) from exc
        used.update(a.sha256 for a in manifest.assets())
    return used


def _sweep(
    blobs: BlobStore, used: set[str], cutoff: float, dry_run: bool
) -> tuple[list[BlobFile], int, int]:
    removed: list[BlobFile] = []
    kept_recent = in_use = 0
    for f in blobs.files():
        if f.sha256 is not None and f.sha256 in used:
            in_use += 1
        elif f.modified >= cutoff:
            kept_recent += 1
        elif dry_run:
            removed.append(f)
        else:
            # Looked at again just before: an upload may have offered the blob meanwhile.
            try:
                if f.path.stat().st_mtime >= cutoff:
                    kept_recent += 1
                    continue
                f.path.unlink()
            except FileNotFoundError:
                continue
            removed.append(f)
    return removed, kept_recent, in_use


async def collect_garbage(
    store: Store,
    blobs: BlobStore,
    *,
    grace_hours: float = DEFAULT_GRACE_HOURS,
    dry_run: bool = False,
    clock: Callable[[], float] = time.time,
) -> GcReport:
    if grace_hours < 0:
        raise Invalid("the grace period must be 0 hours or more")
    cutoff = clock() - grace_hours * 3600
    manifests = await store.content.manifests()
    used = await asyncio.to_thread(used_blobs, manifests)
    removed, kept_recent, in_use = await asyncio.to_thread(_sweep, blobs, used, cutoff, dry_run)
    if removed and not dry_run:
        freed = sum(f.size for f in removed)
        log.info("gc: removed %d unused content file(s), %d bytes", len(removed), freed)
    return GcReport(removed, kept_recent, in_use, dry_run, local_only=blobs.remote is not None)
