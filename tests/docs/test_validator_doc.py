"""docs/validator.md cannot drift from the validator: its code table is what
scripts/validator_doc.py writes today (every code of messages.CODES, where it is emitted, its
test cases or why it is not implemented)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from content_tools.validate.gltf.messages import CODES
from tests.support.repo_scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "validator.md"


def _script() -> ModuleType:
    return load_script("validator_doc")


SCRIPT = _script()
TABLE: str = SCRIPT.render_table()  # once: it parses every module of content_tools/validate


def test_the_code_table_is_up_to_date() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert SCRIPT.PAGE.updated(doc, TABLE) == doc, (
        "docs/validator.md is out of date: run .venv/bin/python scripts/validator_doc.py"
    )


def test_the_table_has_a_row_per_code_with_its_module() -> None:
    for code, (severity, _) in CODES.items():
        assert f"| `{code}` | {severity.label}" in TABLE
    assert "| `INVALID_JSON` | error | `gltf/__init__.py` |" in TABLE
