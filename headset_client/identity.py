"""The headset's identity after enrollment, kept in `<state dir>/identity.json`.

The file holds the device id the headset enrolled with, the device token the server issued, the
headset id and name the server gave it, and the server URL it was enrolled with. It is written
atomically with mode 0600 (the token is a credential), so re-runs reuse the enrollment.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from headset_client.files import write_durably
from vr_server.protocol.common import Id

IDENTITY_FILE = "identity.json"


class Identity(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    device_id: Id
    token: str = Field(min_length=1)
    headset_id: str
    name: str
    server: str | None = Field(default=None, description="The server URL it was enrolled with.")


def new_device_id(prefix: str = "quest") -> str:
    """A fresh device id such as `quest-3f9c0a12b4d6e8f0`."""
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in prefix)[:40] or "quest"
    return f"{safe}-{secrets.token_hex(8)}"


def identity_path(state_dir: Path) -> Path:
    return state_dir / IDENTITY_FILE


def load_identity(state_dir: Path) -> Identity | None:
    """The saved identity, or None when there is none (a corrupt file counts as none)."""
    path = identity_path(state_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return Identity.model_validate_json(text)
    except ValueError:
        return None


def save_identity(state_dir: Path, identity: Identity) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = identity_path(state_dir)
    data = identity.model_dump_json(indent=2).encode("utf-8")
    # mode 0600: the token is a credential
    write_durably(path, data, tmp_dir=state_dir, prefix=".identity", mode=0o600)
    return path


def forget_identity(state_dir: Path) -> None:
    identity_path(state_dir).unlink(missing_ok=True)
