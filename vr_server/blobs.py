"""Content-addressed blob files on disk: `<blob_dir>/<aa>/<sha256>`.

A blob is written to a temporary file, hashed, and renamed into place only if its sha256 is the
one claimed, so a path never holds bytes other than its name says. Everything here blocks and
is called through `asyncio.to_thread`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from content_tools.hashing import SHA256_RE, sha256_file

CHUNK = 1024 * 1024


class BlobMismatch(Exception):
    pass


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_file(self, source: Path, sha256: str) -> int:
        """Copy `source` in as blob `sha256`; raises BlobMismatch if the bytes differ."""
        target = self.path_for(sha256)
        if target.is_file():
            # Stored already: still check that the incoming bytes are what they claim to be.
            actual = sha256_file(source)
            if actual != sha256:
                raise BlobMismatch(f"{source.name}: sha256 is {actual}, the manifest says {sha256}")
            return source.stat().st_size
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            # mkstemp makes 0600 files; content files are served by whoever shares the
            # directory (other instances, nginx's workers), so readable like a copied file.
            os.chmod(tmp, 0o644)
            if digest.hexdigest() != sha256:
                raise BlobMismatch(
                    f"{source.name}: sha256 is {digest.hexdigest()}, the manifest says {sha256}"
                )
            os.replace(tmp, target)
            return size
        finally:
            if tmp.exists():
                tmp.unlink()
