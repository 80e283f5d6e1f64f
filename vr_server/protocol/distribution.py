"""Wi-Fi-aware content distribution: what headsets hold, and the server's download slots.

One access point serves a venue. A headset that takes part sends `cache_inventory` after
`welcome` (the sha256 of the assets it holds, and whether it is idle in the lobby); the server
answers `distribution` (scheduling on or off). While scheduling is on the server grants
downloads one slot at a time under the venue's budget (`VR_VENUE_MBPS`, each slot
`VR_HEADSET_MBPS`): `download_grant` for a scene a visitor waits for (the headset asked with
`download_request`), or for a scene to prefetch while the headset is idle, most-used first:
its model, then its sound files (a scene is cached only whole).
The headset downloads `GET /assets/<sha256>` with the header `X-VR-Grant: <grant_id>` (the
server sends it at the grant's rate), reports `download_progress`, and stops when told
`download_stop` (a visitor's download goes first; prefetching pauses while a session loads).
A headset that never sends `cache_inventory` (an older client) gets none of these frames and
downloads as before; so does every headset while scheduling is off (`VR_VENUE_MBPS=0`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from content_tools.format import LocalizedText
from vr_server.protocol.common import Id, Sha256, Wire

MAX_HELD = 2000
"""Entries of one `cache_inventory`: as many as `hello.cached`."""
MAX_ASSET_BYTES = 1 << 40

AssetKind = Literal["model", "sound"]
"""What an asset is to its scene version: the model, or one of the sound files."""

Purpose = Literal["session", "prefetch"]
"""`session`: a visitor waits for this scene; `prefetch`: ahead of need, while idle."""

# ---------------------------------------------------------------- headset -> server


class CacheInventory(Wire):
    """What the headset holds, complete each time (it replaces the last one). Sent after
    `welcome`, when the headset enters or leaves the lobby, and after a download. Entries
    the catalog does not know (an asset of a removed version) are ignored and counted in the
    answer (`distribution.ignored`)."""

    type: Literal["cache_inventory"] = "cache_inventory"
    held: list[Sha256] = Field(
        default_factory=list,
        max_length=MAX_HELD,
        description="sha256 of every verified asset in the headset's cache (models and sound "
        "files).",
    )
    idle: bool = Field(
        default=True,
        description="In the lobby without a session: the server may send prefetch grants.",
    )


class DownloadRequest(Wire):
    """A visitor waits for this asset (the headset's assignment names it and it is not in the
    cache): answered by `download_grant` ahead of every prefetch, or `error` (`not_found`:
    not an asset of the session's scene)."""

    type: Literal["download_request"] = "download_request"
    sha256: Sha256
    session_id: Id


class DownloadProgress(Wire):
    """How far a granted download is: `downloading` at most a few a second (beyond 10 reports
    a second, a burst of 30, `error` `rate_limited`, counted towards the error budget). A
    report that ends one of the headset's grants (`done`, `failed`, `paused`) is never
    refused as too many: there is one per grant."""

    type: Literal["download_progress"] = "download_progress"
    grant_id: Id
    sha256: Sha256
    done: int = Field(ge=0, le=MAX_ASSET_BYTES, description="Bytes received and kept.")
    state: Literal["downloading", "done", "failed", "paused"] = Field(
        description="`done`: verified and in the cache (the slot is free); `failed` or "
        "`paused`: stopped, the slot is free."
    )


# ---------------------------------------------------------------- server -> headset


class DistributionStatus(Wire):
    """The answer to `cache_inventory`."""

    type: Literal["distribution"] = "distribution"
    scheduled: bool = Field(
        description="True: ask before downloading an asset for a session (`download_request`) "
        "and wait for grants; False: download as before, and no prefetching."
    )
    headset_bps: int = Field(description="The per-headset cap, bytes a second (0: no cap).")
    ignored: int = Field(default=0, description="Inventory entries the catalog does not know.")


class DownloadGrant(Wire):
    """Download `sha256` now, with `X-VR-Grant: grant_id`; the server sends it at `rate_bps`.
    A scene's model, or (prefetching) one of its sound files: a scene is cached on a headset
    only with its model and every sound file."""

    type: Literal["download_grant"] = "download_grant"
    grant_id: str
    sha256: Sha256
    size: int
    purpose: Purpose
    rate_bps: int = Field(description="Bytes a second the server sends this download at.")
    expires_s: float = Field(
        description="The slot is taken back if no progress comes for this long."
    )


class DownloadStop(Wire):
    """Stop the granted download and keep what arrived (a later grant resumes it)."""

    type: Literal["download_stop"] = "download_stop"
    grant_id: str
    sha256: Sha256
    reason: Literal["session_first", "session_loading", "expired", "replaced"]


# ---------------------------------------------------------------- HTTP: GET /api/distribution


class SceneHeld(Wire):
    scene_id: str
    version: str


class DownloadView(Wire):
    scene_id: str | None = Field(description="None: an asset of no scene version the catalog has.")
    version: str | None
    asset: AssetKind | None = Field(
        default=None, description="The scene version's model, or one of its sound files."
    )
    sha256: str
    purpose: Purpose
    done: int
    size: int


class HeadsetCache(Wire):
    """One headset's cache as it last reported it."""

    headset_id: str
    idle: bool
    held: list[SceneHeld] = Field(
        description="Scene versions the headset holds whole: the model and every sound file."
    )
    download: DownloadView | None = Field(description="The granted download in progress.")


class SceneRollout(Wire):
    """How many reporting headsets hold one version of a scene whole (model and sounds)."""

    scene_id: str
    version: str
    title: LocalizedText
    active: bool = Field(description="The catalog's active version of the scene.")
    holders: int
    uses: int = Field(description="Sessions of the scene in the last 14 days (prefetch order).")


class DistributionView(Wire):
    """`GET /api/distribution` (staff): the dashboard's cache column and the catalog's roll-out."""

    scheduled: bool
    venue_mbps: float
    headset_mbps: float
    slots: int = Field(description="Downloads granted at once: venue_mbps // headset_mbps.")
    headsets: int = Field(description="Connected headsets that report their cache.")
    waiting: int = Field(description="Visitors' downloads waiting for a slot.")
    peak_grants: int = Field(description="The most downloads ever granted at once.")
    sent_bytes: int = Field(description="Bytes sent for granted downloads since the start.")
    link_bytes: int = Field(
        default=0,
        description="Bytes of every download sent through the simulated access point "
        "(`VR_LINK_SIM_MBPS`, benchmarks), granted or not.",
    )
    caches: list[HeadsetCache]
    scenes: list[SceneRollout] = Field(description="Active versions first, most used first.")
