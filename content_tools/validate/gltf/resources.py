"""URIs of buffers and images: data URIs decoded with a size cap, relative files read only
from inside the sandbox root (never an absolute path, `..` escape, symlink out, or a scheme)."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from content_tools.validate.gltf.uri_syntax import (
    DataUri,
    ParsedUri,
    UriError,
    parse_data_uri,
    parse_uri,
)

__all__ = [
    "MAX_RESOURCE_BYTES",
    "DataUri",
    "classify_uri",
    "decode_data_uri",
    "read_external",
    "read_named",
]

MAX_RESOURCE_BYTES = 512 * 1024 * 1024
"""External files and decoded data URIs larger than this are not read."""


def classify_uri(uri: str) -> ParsedUri | str:
    """A non-data URI as the reference parses it, or the parser's error (INVALID_URI)."""
    try:
        return parse_uri(uri)
    except UriError as exc:
        return str(exc)


def decode_data_uri(uri: str, max_bytes: int = MAX_RESOURCE_BYTES) -> DataUri | str:
    """Decode a `data:` URI as the reference does, or the parser's error (INVALID_URI)."""
    if len(uri) > max_bytes * 4 // 3 + 256:
        return f"Data URI payload is larger than the limit ({max_bytes} bytes)"
    try:
        return parse_data_uri(uri)
    except UriError as exc:
        return str(exc)


def _relative_path(uri: str) -> str | tuple[str, str]:
    """The relative path a URI names, or (code, message) when it may not be read."""
    info = classify_uri(uri)
    if isinstance(info, str):
        return ("IO_ERROR", f"Invalid URI ({uri}).")
    if info.scheme is not None and info.scheme != "file" and len(info.scheme) > 1:
        return ("IO_ERROR", f"External URI scheme '{info.scheme}' is not fetched ({uri}).")
    rel = unquote(info.path)
    if info.scheme is not None or uri.startswith("//") or "\x00" in rel:
        return ("URI_OUTSIDE_ROOT", uri)
    if rel.startswith(("/", "\\")) or os.path.isabs(rel):
        return ("URI_OUTSIDE_ROOT", uri)
    if info.non_relative:  # a query or a fragment: no file has that name
        return ("IO_ERROR", f"Resource with a query or fragment is not read ({uri}).")
    if not rel:
        return ("IO_ERROR", f"Resource is not a regular file ({uri}).")
    return rel


def read_external(
    uri: str, base_dir: Path | None, root: Path | None, max_bytes: int = MAX_RESOURCE_BYTES
) -> bytes | tuple[str, str]:
    """Read a relative URI's file if it stays inside `root`.

    Returns the bytes, or (code, message) for the issue to report: URI_OUTSIDE_ROOT (absolute,
    scheme, `..` escape, symlink leaving the root, no root), IO_ERROR (missing, not a regular
    file, unreadable) or RESOURCE_TOO_LARGE.
    """
    rel = _relative_path(uri)
    if not isinstance(rel, str):
        return rel
    if base_dir is None or root is None:
        return ("URI_OUTSIDE_ROOT", uri)
    try:
        root_real = root.resolve()
        target = (base_dir / rel).resolve()
    except (OSError, RuntimeError, ValueError):
        return ("IO_ERROR", f"Resource not found ({uri}).")
    if not target.is_relative_to(root_real):
        return ("URI_OUTSIDE_ROOT", uri)
    try:
        st = target.stat()
    except (OSError, ValueError):
        return ("IO_ERROR", f"Resource not found ({uri}).")
    if not stat.S_ISREG(st.st_mode):
        return ("IO_ERROR", f"Resource is not a regular file ({uri}).")
    if st.st_size > max_bytes:
        return ("RESOURCE_TOO_LARGE", uri)
    try:
        with target.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return _unreadable(uri, exc)
    return ("RESOURCE_TOO_LARGE", uri) if len(data) > max_bytes else data


def read_named(
    uri: str, *, read: Callable[[str, int], bytes], max_bytes: int = MAX_RESOURCE_BYTES
) -> bytes | tuple[str, str]:
    """Like `read_external`, for files that `read(name, max_bytes)` serves by name (a bundle's
    files in a blob store): a relative URI may not leave the top of that name space."""
    rel = _relative_path(uri)
    if not isinstance(rel, str):
        return rel
    name = posixpath.normpath(rel)
    if name == ".." or name.startswith("../"):
        return ("URI_OUTSIDE_ROOT", uri)
    try:
        data = read(name, max_bytes)
    except FileNotFoundError:
        return ("IO_ERROR", f"Resource not found ({uri}).")
    except OSError as exc:
        return _unreadable(uri, exc)
    return ("RESOURCE_TOO_LARGE", uri) if len(data) > max_bytes else data


def _unreadable(uri: str, exc: OSError) -> tuple[str, str]:
    return ("IO_ERROR", f"Resource could not be read ({uri}): {exc.strerror}.")
