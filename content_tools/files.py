"""Files: reading an author's file with a size limit (a ContentError when it cannot be read),
writing a file whole or not at all, and making a rename durable."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from content_tools.errors import ContentError

__all__ = ["fsync_dir", "read_limited", "write_atomic"]


def read_limited(
    path: Path,
    max_bytes: int,
    *,
    what: str,
    error: type[ContentError] = ContentError,
    missing: str | None = None,
) -> bytes:
    """The bytes of `path` (the `what` of messages: "the model", ...); raises `error` when it
    is missing (with the message `missing`, if given), a folder, unreadable or larger than
    `max_bytes` (only `max_bytes + 1` bytes are ever read)."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(missing or f"the {what} does not exist", path=path) from None
    except IsADirectoryError:
        raise error(f"the {what} is a folder, not a file", path=path) from None
    except OSError as exc:
        raise error(f"cannot read the {what}: {exc.strerror or exc}", path=path) from exc
    if len(data) > max_bytes:
        raise error(f"the {what} is larger than {max_bytes} bytes", path=path)
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it and a rename, so a reader
    never sees half a file; the file is readable by all (0644)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Make a rename in the folder `path` durable (best effort: not every platform can open a
    folder, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
