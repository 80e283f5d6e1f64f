"""URIs of buffers and images: data URIs decoded with a size cap, relative files read only
from inside the sandbox root (never an absolute path, `..` escape, symlink out, or a scheme)."""

from __future__ import annotations

import base64
import binascii
import os
import posixpath
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

__all__ = [
    "MAX_RESOURCE_BYTES",
    "DataUri",
    "UriInfo",
    "classify_uri",
    "parse_data_uri",
    "read_external",
    "read_named",
]

MAX_RESOURCE_BYTES = 512 * 1024 * 1024
"""External files and decoded data URIs larger than this are not read."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(slots=True)
class DataUri:
    mime_type: str
    data: bytes


@dataclass(slots=True)
class UriInfo:
    error: str | None = None
    """Parser output when the URI is invalid (INVALID_URI)."""
    non_relative: bool = False
    """Has a scheme, authority, absolute path, query or fragment (NON_RELATIVE_URI)."""
    scheme: str | None = None
    path: str = ""


def classify_uri(uri: str) -> UriInfo:
    """Parse a non-data URI the way Dart's Uri.parse judges it (approximately)."""
    if _BAD_PERCENT.search(uri):
        pos = _BAD_PERCENT.search(uri)
        at = pos.start() if pos else 0
        return UriInfo(error=f"FormatException: Invalid URL encoding (at character {at + 1})")
    if any(ord(c) < 0x20 for c in uri):
        return UriInfo(error="FormatException: Invalid character")
    info = UriInfo()
    rest = uri
    m = _SCHEME.match(uri)
    if m:  # a one-letter "scheme" (a Windows drive) is not relative either
        info.scheme = m.group(1).lower()
        rest = uri[m.end() :]
        info.non_relative = True
    if rest.startswith("//") or rest.startswith("/") or "?" in rest or "#" in rest:
        info.non_relative = True
    info.path = rest.split("?", 1)[0].split("#", 1)[0]
    return info


def parse_data_uri(uri: str, max_bytes: int = MAX_RESOURCE_BYTES) -> DataUri | str:
    """Decode `data:[mime][;k=v]*[;base64],payload`; a str is the parser error."""
    comma = uri.find(",")
    if comma < 0:
        return f"FormatException: Expecting ',' (at character {len(uri)})"
    header = uri[5:comma]
    parts = header.split(";")
    mime = parts[0] or "text/plain"
    if parts[0] and "/" not in parts[0]:
        return f"FormatException: Expecting '/' (at character {5 + len(parts[0]) + 1})"
    is_base64 = False
    pos = 5 + len(parts[0])
    params = parts[1:]
    for i, param in enumerate(params):
        pos += 1
        if i == len(params) - 1 and param.lower() == "base64":
            is_base64 = True
        elif "=" not in param:
            return f"FormatException: Expecting '=' (at character {pos + 1})\n{uri[:28]}"
        pos += len(param)
    payload = uri[comma + 1 :]
    if len(payload) > max_bytes * 4 // 3 + 16:
        return f"Data URI payload is larger than the limit ({max_bytes} bytes)"
    try:
        if is_base64:
            text = unquote(payload) if "%" in payload else payload
            data = base64.b64decode(text.encode("ascii"), validate=True)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        return f"FormatException: Invalid data URI payload ({exc})"
    return DataUri(mime.lower(), data)


def _relative_path(uri: str) -> str | tuple[str, str]:
    """The relative path a URI names, or (code, message) when it may not be read."""
    info = classify_uri(uri)
    if info.scheme is not None and info.scheme != "file" and len(info.scheme) > 1:
        return ("IO_ERROR", f"External URI scheme '{info.scheme}' is not fetched ({uri}).")
    if info.non_relative:
        return ("URI_OUTSIDE_ROOT", uri)
    rel = unquote(info.path)
    if not rel or "\x00" in rel or rel.startswith(("/", "\\")) or os.path.isabs(rel):
        return ("URI_OUTSIDE_ROOT", uri)
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
