"""docs/validator.md cannot drift from the validator: its code table is what
scripts/validator_doc.py writes today (every code of messages.CODES, where it is emitted, its
test cases or why it is not implemented)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from content_tools.validate.gltf.messages import CODES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "validator.md"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "validator_doc", ROOT / "scripts/validator_doc.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
TABLE: str = SCRIPT.render_table()  # once: it parses every module of content_tools/validate


def test_the_code_table_is_up_to_date() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert SCRIPT.with_table(doc, TABLE) == doc, (
        "docs/validator.md is out of date: run .venv/bin/python scripts/validator_doc.py"
    )


def test_the_table_has_a_row_per_code_with_its_module() -> None:
    for code, (severity, _) in CODES.items():
        assert f"| `{code}` | {severity.label}" in TABLE
    assert "| `INVALID_JSON` | error | `gltf/__init__.py` |" in TABLE


def test_check_mode_reports_a_stale_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()
    monkeypatch.setattr(script, "render_table", lambda: TABLE)
    doc = DOC.read_text(encoding="utf-8")
    stale = tmp_path / "validator.md"
    stale.write_text(doc.replace("| `IO_ERROR` | error |", "| `IO_ERROR` | warning |"), "utf-8")
    monkeypatch.setattr(script, "DOC", stale)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    assert script.main(["--check"]) == 1
    assert script.main([]) == 0
    assert stale.read_text(encoding="utf-8") == doc
    assert script.main(["--check"]) == 0
