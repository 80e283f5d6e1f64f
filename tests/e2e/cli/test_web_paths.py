"""What only a fresh Python process shows about the web layer's paths: importing the server
app loads no `headset_client` module, and `VR_HEADSET_WEB_DIR` (read at import) moves the
headset app's folder and the published schema with it. The in-process half is
tests/vr_server/api/test_web_paths.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[3]


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
