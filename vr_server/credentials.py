"""What `vr-server login` keeps, in `$XDG_CONFIG_HOME/vr-career/credentials.json` (default
`~/.config/...`): the staff token of each server logged in to, and which server that was last,
so later commands talk to it without `--server`:

    {"servers": {"http://192.168.1.10:8000": "TOKEN", ...}, "current": "http://192.168.1.10:8000"}

(An older version kept only the tokens, `{URL: TOKEN}`: such a file is read as that.)

The file is never readable by others, not even for a moment: each save writes a new file
created with mode 0600 (O_EXCL, so nothing else's file is reused), then renames it over the
old one. Its folder is created 0700.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any


def credentials_path() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "vr-career" / "credentials.json"


def server_key(url: str) -> str:
    """A server's URL as the file keeps it: no spaces, no trailing slash, `http://` when it
    names no scheme (`192.168.1.10:8000`)."""
    url = url.strip().rstrip("/")
    return url if "://" in url else f"http://{url}"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(credentials_path().read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_credentials() -> dict[str, str]:
    """Server URL -> staff token."""
    data = _read()
    servers = data.get("servers") if "servers" in data else data
    if not isinstance(servers, dict):
        return {}
    return {server_key(str(k)): v for k, v in servers.items() if isinstance(v, str)}


def current_server() -> str | None:
    """The server of the last `vr-server login`, if any."""
    current = _read().get("current")
    return server_key(current) if isinstance(current, str) and current.strip() else None


def save_credentials(creds: dict[str, str], *, current: str | None = None) -> Path:
    """Replace the credentials file with `creds` and the current server (`current`, else the
    one kept), atomically and 0600 from the start."""
    chosen = current or current_server()
    data: dict[str, Any] = {"servers": creds}
    if chosen:
        data["current"] = server_key(chosen)
    path = credentials_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
