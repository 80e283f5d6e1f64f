"""`vr-server login` keeps staff tokens in a file only its user can read, from the moment it
exists: written to a new 0600 file and renamed into place (never chmod-ed after the write)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from tests.support.files import mode
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from vr_server import cli


def test_login_saves_the_token_0600_atomically(
    server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    folder = tmp_path / "vr-career"
    folder.mkdir()
    saved = folder / "credentials.json"
    saved.write_text(json.dumps({"http://other:8000": "old-token"}))
    saved.chmod(0o644)  # an older version's file, readable by all
    renamed: list[int] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        renamed.append(mode(Path(src)))  # the file as it was written, before it is in place
        real_replace(src, dst)

    monkeypatch.setattr("vr_server.credentials.os.replace", replace)
    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))
    old_umask = os.umask(0o022)
    try:
        argv = ["login", "--server", server.url, "--username", STAFF_USER, "--password-stdin"]
        assert cli.main(argv) == 0
    finally:
        os.umask(old_umask)

    assert renamed == [0o600]
    assert mode(saved) == 0o600
    kept = json.loads(saved.read_text())
    assert kept["http://other:8000"] == "old-token"
    assert server.api(kept[server.url], "GET", "/api/headsets").status_code == 200
    assert sorted(p.name for p in folder.iterdir()) == ["credentials.json"]  # no temp left
