"""The saved CLI credentials (vr_server/credentials.py) are private; they keep tokens per
server and the server of the last login; an older version's file (tokens only) is read as
before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.files import mode
from vr_server import credentials
from vr_server.credentials import (
    credentials_path,
    current_server,
    load_credentials,
    save_credentials,
    server_key,
)


def test_a_new_credentials_folder_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = credentials.save_credentials({"http://a": "t"})
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert credentials.load_credentials() == {"http://a": "t"}


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def test_server_keys_are_normalised(config_home: Path) -> None:
    assert server_key(" http://10.0.0.2:8000/ ") == "http://10.0.0.2:8000"
    assert server_key("10.0.0.2:8000") == "http://10.0.0.2:8000"
    assert server_key("https://venue.example") == "https://venue.example"


def test_nothing_saved_yet(config_home: Path) -> None:
    assert load_credentials() == {}
    assert current_server() is None


def test_an_older_file_of_tokens_only_is_read(config_home: Path) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"http://old:8000/": "tok"}))
    assert load_credentials() == {"http://old:8000": "tok"}
    assert current_server() is None


def test_the_current_server_is_kept_until_another_login(config_home: Path) -> None:
    save_credentials({"http://a:8000": "ta"}, current="http://a:8000/")
    assert current_server() == "http://a:8000"
    save_credentials({"http://a:8000": "ta", "http://b:8000": "tb"})  # e.g. `token revoke`
    assert current_server() == "http://a:8000"
    save_credentials({"http://b:8000": "tb"}, current="http://b:8000")
    assert (current_server(), load_credentials()) == ("http://b:8000", {"http://b:8000": "tb"})


def test_a_damaged_file_reads_as_empty(config_home: Path) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True)
    for text in ("not json", "[1, 2]", '{"servers": 3, "current": 4}'):
        path.write_text(text)
        assert load_credentials() == {}
        assert current_server() is None
