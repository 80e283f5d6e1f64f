"""The server finds the headset app as a folder (no import of `headset_client`), and the
protocol's JSON Schema is published where the web layer says, byte for byte as rendered."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vr_server.api.web import PROTOCOL_SCHEMA_FILE, WEB_DIR
from vr_server.protocol.schema import render_schema

CHECKOUT = Path(__file__).resolve().parents[3]


def test_headset_app_folder_defaults_to_the_checkout_layout() -> None:
    assert WEB_DIR == CHECKOUT / "headset_client" / "web"
    assert (WEB_DIR / "index.html").is_file()
    assert PROTOCOL_SCHEMA_FILE == WEB_DIR / "protocol.schema.json"


def test_the_server_app_does_not_import_the_headset_client_package() -> None:
    code = (
        "import sys; import vr_server.app, vr_server.api.web, vr_server.protocol.schema; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'headset_client'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=CHECKOUT
    )
    assert out.stdout.strip() == "[]"


def test_headset_web_dir_setting_moves_the_folder_and_the_schema(tmp_path: Path) -> None:
    code = "from vr_server.api.web import PROTOCOL_SCHEMA_FILE as f; print(f)"
    env = {**os.environ, "VR_HEADSET_WEB_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert Path(out.stdout.strip()) == tmp_path / "protocol.schema.json"


def test_schema_command_writes_the_rendered_schema(tmp_path: Path) -> None:
    target = tmp_path / "out" / "protocol.schema.json"
    subprocess.run(
        [sys.executable, "-m", "vr_server", "schema", "-o", str(target)],
        capture_output=True,
        check=True,
        cwd=CHECKOUT,
    )
    assert target.read_bytes() == render_schema().encode("utf-8")
