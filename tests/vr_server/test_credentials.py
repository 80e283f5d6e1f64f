"""The saved CLI credentials are private."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.files import mode
from vr_server import credentials


def test_a_new_credentials_folder_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = credentials.save_credentials({"http://a": "t"})
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert credentials.load_credentials() == {"http://a": "t"}
