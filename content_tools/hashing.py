"""sha256, the one content address used everywhere: bundles, the server's blob store, URLs
(`/assets/<sha256>`) and the headset's cache."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SHA256_PATTERN = r"^[0-9a-f]{64}$"
"""64 lower-case hex digits."""
SHA256_RE = re.compile(SHA256_PATTERN)


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes (blocking: run it in a thread from async code)."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
