"""A folder of KTX2 encodings already made, so that packaging again does not encode again.

The KTX2 encoder is the slow part of packaging (content_tools/ktx2.py): 7.6 of the 8.3 s it
takes to package the warehouse scene, whose sign atlas is 1024 px. An author who changes a
script and packages again, or a machine that packages the same scenes in several places (the
test suite: the scene library, `scripts/run.sh`, the determinism check), gets the same bytes
back from this cache instead.

An entry is keyed by everything the encoder's output depends on: the encoder (the
`ktx2-encoder` version and the sha256 of `ktx2_encode.mjs`, which holds the settings), the
codec, the colour space, the size and the sha256 of the RGBA8 pixels. The file holds the
sha256 of the KTX2 data, then the data: an entry that does not match (a half-written or
damaged file) is a miss, and the image is encoded again and the entry rewritten. Entries are
written to a temporary name and renamed, so processes packaging side by side can share one
folder. Nothing is ever removed: delete the folder to empty it.

The cache is off unless asked for: `vr-content package --ktx2-cache DIR`, or the environment
variable VR_KTX2_CACHE (the option's default).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["CACHE_ENV", "Ktx2Cache"]

CACHE_ENV = "VR_KTX2_CACHE"
_DIGEST = 32


class Ktx2Cache:
    def __init__(self, folder: Path, encoder: str) -> None:
        """`encoder` names the encoder and its settings (part of every key)."""
        self.folder = folder
        self.encoder = encoder

    def key(self, codec: str, srgb: bool, size: tuple[int, int], rgba: bytes) -> str:
        h = hashlib.sha256()
        for part in (self.encoder, codec, "srgb" if srgb else "linear", f"{size[0]}x{size[1]}"):
            h.update(part.encode() + b"\0")
        h.update(hashlib.sha256(rgba).digest())
        return h.hexdigest()

    def get(self, key: str) -> bytes | None:
        try:
            stored = (self.folder / f"{key}.ktx2").read_bytes()
        except OSError:
            return None
        data = stored[_DIGEST:]
        if hashlib.sha256(data).digest() != stored[:_DIGEST]:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(data).digest() + data)
            os.replace(temp, self.folder / f"{key}.ktx2")
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
