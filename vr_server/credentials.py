"""The staff tokens `vr-server login` keeps, per server URL, in
`$XDG_CONFIG_HOME/vr-career/credentials.json` (default `~/.config/...`).

The file is never readable by others, not even for a moment: each save writes a new file
created with mode 0600 (O_EXCL, so nothing else's file is reused), then renames it over the
old one. Its folder is created 0700.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def credentials_path() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "vr-career" / "credentials.json"


def load_credentials() -> dict[str, str]:
    try:
        data = json.loads(credentials_path().read_text())
        return {str(k): str(v) for k, v in data.items()}
    except (FileNotFoundError, ValueError, AttributeError):
        return {}


def save_credentials(creds: dict[str, str]) -> Path:
    """Replace the credentials file with `creds`, atomically and 0600 from the start."""
    path = credentials_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(creds, indent=2))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
