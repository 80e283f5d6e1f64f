"""The doc generators' shared part: a page's section between its markers is replaced, and
`--check` exits 1 on a stale page without writing it (CI's guard against hand edits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.repo_scripts import load_script

SECTION = load_script("generated_section")


def _page(doc: Path, section: str) -> object:
    return SECTION.GeneratedPage(
        doc=doc, script="scripts/example.py", render=lambda: section, what="the example"
    )


def _doc(section: str) -> str:
    begin = SECTION.begin_marker("scripts/example.py")
    return f"# Title\n\nhand-written\n\n{begin}\n\n{section}\n{SECTION.GENERATED_END}\n\nafter\n"


def test_check_mode_reports_a_stale_page_and_a_rewrite_fixes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(_doc("| a | old |"), encoding="utf-8")
    page = _page(doc, "| a | new |")
    assert page.main(["--check"]) == 1  # type: ignore[attr-defined]
    assert "is out of date: run scripts/example.py" in capsys.readouterr().out
    assert doc.read_text(encoding="utf-8") == _doc("| a | old |"), "--check must not write"
    assert page.main([]) == 0  # type: ignore[attr-defined]
    assert doc.read_text(encoding="utf-8") == _doc("| a | new |")
    assert page.main(["--check"]) == 0  # type: ignore[attr-defined]


def test_a_page_without_the_markers_is_an_error(tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text("# Title\n\nno markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks the markers"):
        _page(doc, "x").main(["--check"])  # type: ignore[attr-defined]


def test_only_the_section_between_the_markers_changes() -> None:
    page = _page(Path("unused.md"), "new")
    assert page.updated(_doc("old")) == _doc("new")  # type: ignore[attr-defined]
