"""Durable file writes for the headset's state (identity, cached assets)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_durably"]


def write_durably(
    target: Path, data: bytes, *, tmp_dir: Path, prefix: str, mode: int | None = None
) -> None:
    """Replace `target` with `data` atomically: a temporary file in `tmp_dir` (same file
    system), given `mode` when set, flushed to disk, then renamed over `target`. A reader sees
    the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=prefix, suffix=".tmp")
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
