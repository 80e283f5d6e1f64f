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
    assert kept["servers"]["http://other:8000"] == "old-token"  # the older format, read
    assert server.api(kept["servers"][server.url], "GET", "/api/headsets").status_code == 200
    assert kept["current"] == server.url
    assert sorted(p.name for p in folder.iterdir()) == ["credentials.json"]  # no temp left


def test_later_commands_use_the_server_logged_in_to(
    server: ServerProcess,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`vr-server login --server URL` once; then commands without --server talk to URL (the
    test server's port is never 8000), and --server on a command still wins."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("VR_SERVER_URL", raising=False)
    monkeypatch.delenv("VR_STAFF_TOKEN", raising=False)
    assert cli.main(["headsets"]) == 1  # nobody logged in: localhost:8000, no token
    assert "not logged in to http://localhost:8000" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))
    login = ["login", "--server", server.url + "/", "--username", STAFF_USER, "--password-stdin"]
    assert cli.main(login) == 0
    assert f"logged in to {server.url} as {STAFF_USER}" in capsys.readouterr().out

    assert cli.main(["headsets", "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)
    assert cli.main(["scenes", "--json"]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == ["test-kitchen"]

    elsewhere = "http://127.0.0.1:9"  # --server overrides: nothing listens there
    assert cli.main(["headsets", "--server", elsewhere]) == 1
    assert f"not logged in to {elsewhere}" in capsys.readouterr().err
    monkeypatch.setenv("VR_SERVER_URL", elsewhere)  # so does the environment
    assert cli.main(["headsets"]) == 1
    assert f"not logged in to {elsewhere}" in capsys.readouterr().err
