"""The server finds the headset app as a folder, and the protocol's JSON Schema is published
where the web layer says, byte for byte as rendered. (That the server imports no
`headset_client` module, and that `VR_HEADSET_WEB_DIR` moves the folder, need a fresh Python
process each: tests/e2e/cli/test_web_paths.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from vr_server.api.web import PROTOCOL_SCHEMA_FILE, WEB_DIR
from vr_server.cli import main
from vr_server.protocol.schema import render_schema

CHECKOUT = Path(__file__).resolve().parents[3]


def test_headset_app_folder_defaults_to_the_checkout_layout() -> None:
    assert WEB_DIR == CHECKOUT / "headset_client" / "web"
    assert (WEB_DIR / "index.html").is_file()
    assert PROTOCOL_SCHEMA_FILE == WEB_DIR / "protocol.schema.json"


def test_schema_command_writes_the_rendered_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "protocol.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_bytes() == render_schema().encode("utf-8")
    assert capsys.readouterr().out == f"wrote {target}\n"
