"""Server settings: one pydantic-settings object, read from `VR_*` environment variables.

Defaults run a venue on one laptop with nothing to install: SQLite in `var/`, the in-process
event bus, and the packaged bundles found in `VR_CONTENT_DIRS`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
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
        default=None,
        description="Default: SQLite in data_dir. PostgreSQL: postgresql://user:password@host"
        "/database (postgres:// and postgresql+asyncpg:// work too).",
    )
    database_pool_size: int = Field(
        default=10, ge=1, description="PostgreSQL connections each instance keeps open."
    )
    database_max_overflow: int = Field(
        default=20, ge=0, description="Extra PostgreSQL connections an instance opens under load."
    )
    database_retry_s: float = Field(
        default=5.0,
        ge=0,
        description="How long a request waits for a lost database connection to come back "
        "(e.g. PostgreSQL restarting) before it fails with 503 or an error frame.",
    )
    sqlite_synchronous: Literal["full", "normal"] = Field(
        default="full",
        description="SQLite only. full: an acknowledged event is on the disk and survives a "
        "power cut. normal: faster commits that survive a crash of the server, but a power cut "
        "may lose the last acknowledged events (docs/operations.md).",
    )
    content_dirs: list[Path] = Field(
        default_factory=list, description="Folders of packaged bundles imported at start."
    )

    redis_url: str | None = Field(
        default=None,
        description="redis://host:6379/0 (rediss:// for TLS): the event bus and headset presence "
        "shared by several instances. Default: in-process bus and in-memory presence (one "
        "instance).",
    )
    redis_prefix: str = Field(
        default="vr:",
        min_length=1,
        description="Prefix of every Redis key and channel, so deployments can share a Redis.",
    )
    redis_timeout_s: float = Field(
        default=2.0, gt=0, description="Longest wait for Redis before a call counts as failed."
    )
    blob_dir: Path | None = Field(
        default=None,
        description="Where content files (GLB, textures) are kept, by sha256. Default: "
        "data_dir/blobs. Several instances share one directory (NFS or a shared volume), or "
        "each keeps its own as a cache of the S3 bucket of blob_s3_url.",
    )
    blob_s3_url: str | None = Field(
        default=None,
        description="s3://bucket/optional/prefix: content files are kept in this S3-compatible "
        "bucket, shared by every instance, and blob_dir is each instance's local cache of it. "
        "Credentials: the standard AWS ones (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
        "AWS_PROFILE, ~/.aws/credentials). Default: no bucket, blob_dir only.",
    )
    blob_s3_endpoint: str | None = Field(
        default=None,
        description="http(s)://host:port of an S3-compatible server (MinIO, Ceph, Garage). "
        "Default: AWS S3.",
    )
    blob_s3_region: str = Field(
        default="us-east-1", min_length=1, description="The bucket's region."
    )

    heartbeat_s: float = Field(default=10.0, gt=0)
    heartbeat_timeout_s: float = Field(default=30.0, gt=0)
    auth_timeout_s: float = Field(default=10.0, gt=0)
    max_frame_bytes: int = Field(default=64 * 1024, ge=1024)
    max_errors_per_minute: int = Field(default=20, ge=1)
    outbox_size: int = Field(default=512, ge=8)
    outbox_max_bytes: int = Field(
        default=1024 * 1024,
        ge=16 * 1024,
        description="Bytes that may wait for a headset socket (queued, and in the transport's "
        "buffer) before it is closed with 4408; a staff socket gets 16 times as much.",
    )
    venue_mbps: float = Field(
        default=100.0,
        ge=0,
        le=100_000,
        description="Wi-Fi budget for scene downloads, Mbit/s: the server grants download slots "
        "of VR_HEADSET_MBPS each within it, visitors' downloads first, prefetching while "
        "headsets are idle. 0: no scheduling (headsets download when they need a scene).",
    )
    headset_mbps: float = Field(
        default=25.0, gt=0, le=100_000, description="Per-headset cap of a granted download."
    )
    link_sim_mbps: float = Field(
        default=0.0,
        ge=0,
        description="Benchmarks and tests: every asset download shares one token bucket of this "
        "many Mbit/s, a simulated access point (bench/venue.py). 0: off.",
    )
    staff_token_hours: float = Field(default=12.0, gt=0)
    login_free_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins for one username before the delays start."
    )
    login_free_failures_per_address: int = Field(
        default=20, ge=1, description="Failed sign-ins from one client address before delays."
    )
    login_backoff_s: float = Field(
        default=1.0, gt=0, description="The first delay; it doubles with each further failure."
    )
    login_backoff_max_s: float = Field(default=300.0, gt=0, description="The longest delay.")
    password_threads: int = Field(
        default=1,
        ge=1,
        le=8,
        description="Threads that hash passwords (scrypt), apart from the file reads' pool.",
    )
    device_token_days: float = Field(
        default=365.0,
        gt=0,
        description="A headset's token expires this many days after enrollment (then enroll "
        "it again).",
    )
    kiosk_token_days: float = Field(
        default=30.0,
        gt=0,
        description="A paired check-in tablet's or queue TV's token expires after this many days.",
    )
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
    retention_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Visitors' names, phone numbers and consent are deleted after this many days.",
    )
    timezone: str = Field(
        default="Asia/Bangkok",
        description="The venue's time zone: queue numbers restart and statistics count per day "
        "in this zone.",
    )
    stuck_check_s: float = Field(
        default=15.0, gt=0, description="How often running sessions are checked for a stuck step."
    )
    sync_interval_s: float = Field(
        default=10.0,
        gt=0,
        description="A venue paired with a central server (`vr-server central pair`) sends what "
        "it stored this often; a round sends batches until nothing waits (docs/sync.md).",
    )
    sync_batch_records: int = Field(
        default=1000, ge=1, le=2000, description="Records (sessions, events, tickets) per batch."
    )
    sync_pins: dict[str, str] = Field(
        default_factory=dict,
        description='JSON {"scene_id": "version"}: a venue keeps these versions active whatever '
        "central publishes (it still stores central's versions).",
    )
    sync_timeout_s: float = Field(
        default=15.0, gt=0, description="How long a venue waits for central's answer to a batch."
    )
    loop_stall_warn_ms: float = Field(
        default=100.0,
        gt=0,
        description="A stall of the event loop at least this long is logged at WARNING (at most "
        "once every 10 s); /health shows the longest and a histogram either way.",
    )
    loop_stall_stacks_ms: float = Field(
        default=0.0,
        ge=0,
        description="Diagnosis: while the event loop is held this long or longer, log where "
        "(the loop thread's innermost frames, every 5 ms). 0: off.",
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        default="info", description="Level of the server's and uvicorn's log lines."
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`text`: time level logger: message. `json`: one JSON object a line (time, "
        "level, logger, message, exception), for a log collector.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of reverse proxies (nginx) whose X-Forwarded-For and "
        'X-Forwarded-Proto are believed, e.g. ["127.0.0.1"]. Default: none; the client '
        "address is the connection's, and a forwarded header is ignored.",
    )
    ws_impl: Literal["direct", "websockets-sansio", "websockets"] = Field(
        default="direct",
        description="uvicorn's WebSocket implementation: `direct` is uvicorn's "
        "`websockets-sansio` with the headset socket's direct receive path "
        "(vr_server.serving.direct_ws); the others are uvicorn's own, for comparison.",
    )
    ws_deflate: bool = Field(
        default=False,
        description="Accept the WebSocket compression (permessage-deflate) that browsers "
        "offer. Off by default: a compressed headset frame misses the direct receive path, and "
        "every socket keeps compression state; frames here are small and on a LAN.",
    )
    sendfile: bool = Field(
        default=True,
        description="Send /assets files with sendfile (vr_server.serving.pathsend; plain HTTP "
        "only, TLS always streams). false streams them through Python, for file systems where "
        "sendfile fails.",
    )

    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="A request's headers must arrive within this many seconds of its first "
        "byte (or of the connection opening), else 408 and the connection closes (nginx's "
        "client_header_timeout).",
    )
    body_timeout_s: float = Field(
        default=20.0,
        gt=0,
        description="A client that sends nothing for this many seconds in the middle of a "
        "request body is disconnected (nginx's client_body_timeout).",
    )
    max_connections: int = Field(
        default=20_000,
        ge=1,
        description="Open HTTP connections and WebSockets the instance serves at most; HTTP "
        "requests and WebSocket upgrades beyond get 503 (uvicorn's limit_concurrency). Keep "
        "it under the process's open-file limit (ulimit -n).",
    )
    max_sockets_per_address: int = Field(
        default=32,
        ge=0,
        description="Open sockets (HTTP connections and WebSockets) one client address may "
        "hold; more get 429. 0: no cap. A headset uses one WebSocket and a few HTTP "
        "connections; raise it when many devices share one address (a NAT).",
    )
    max_websockets_per_address: int = Field(
        default=8,
        ge=0,
        description="WebSockets one client address may hold open; more get 429. 0: no cap.",
    )
    uncapped_addresses: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Client addresses the per-address caps do not apply to: a reverse proxy "
        "(nginx) connects from its own address for all its clients, and caps them itself "
        "(limit_conn). Default: this machine.",
    )
    api_docs: bool = Field(
        default=False,
        description="Serve the interactive API documentation (/docs, /redoc) and its OpenAPI "
        "document (/openapi.json). Off by default: they list every route to anyone on the "
        "venue's network. The document is still built in-process (`app.openapi()`).",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.heartbeat_timeout_s <= self.heartbeat_s:
            raise ValueError("VR_HEARTBEAT_TIMEOUT_S must be larger than VR_HEARTBEAT_S")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"VR_TIMEZONE: unknown time zone {self.timezone!r}") from None
        if self.blob_s3_url is not None:
            parse_s3_url(self.blob_s3_url)  # raises ValueError saying what is wrong
        if self.blob_s3_endpoint is not None and not _ENDPOINT_RE.match(self.blob_s3_endpoint):
            raise ValueError(
                f"VR_BLOB_S3_ENDPOINT must look like http://host:port or https://host, "
                f"not {self.blob_s3_endpoint!r}"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

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
    def resolved_blob_dir(self) -> Path:
        return self.blob_dir if self.blob_dir is not None else self.data_dir / "blobs"

    @property
    def blob_s3_location(self) -> tuple[str, str] | None:
        """(bucket, key prefix without slashes at either end) of VR_BLOB_S3_URL, or None."""
        return parse_s3_url(self.blob_s3_url) if self.blob_s3_url is not None else None


_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ENDPOINT_RE = re.compile(r"^https?://[^/\s]+/?$")


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/optional/prefix`; ValueError naming the problem."""
    if not url.startswith("s3://"):
        raise ValueError(f"VR_BLOB_S3_URL must look like s3://bucket/optional/prefix, not {url!r}")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not _BUCKET_RE.match(bucket) or ".." in bucket:
        raise ValueError(
            f"VR_BLOB_S3_URL: {bucket!r} is not a bucket name (3-63 lower-case letters, digits, "
            "dots and hyphens)"
        )
    prefix = prefix.strip("/")
    if "//" in prefix or any(part in (".", "..") for part in prefix.split("/")):
        raise ValueError(f"VR_BLOB_S3_URL: the key prefix {prefix!r} has empty or dot parts")
    return bucket, prefix
