"""The staff pages' words: every page's JSON catalog (`vr_server/web/<page>/strings.json`) has
Thai and English for each key, and every key a page names (`data-i18n*="key"` in its HTML,
`t('key')` in its scripts) is in its catalog or in the shared strings (`shared/i18n.js`), so
no page shows a bare key. Keys built at run time (t(`state_${s}`)) are not checked here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "vr_server" / "web"
PAGES = sorted(p.name for p in WEB.iterdir() if (p / "page.html").is_file())

_SHARED_ENTRY = re.compile(r"^  (\w+): \{ th: '(?:[^'\\]|\\.)+', en: '(?:[^'\\]|\\.)+' \},$", re.M)
_HTML_KEY = re.compile(r'data-(?:i18n|i18n-placeholder|i18n-title|i18n-aria|i18n-doc|bi)="(\w+)"')
_JS_KEY = re.compile(r"\bt\(\s*'(\w+)'")


def _shared_keys() -> set[str]:
    source = (WEB / "shared" / "i18n.js").read_text(encoding="utf-8")
    table = source[source.index("const STRINGS = {") : source.index("\n};\n")]
    return set(_SHARED_ENTRY.findall(table))


def _catalog(page: str) -> dict[str, dict[str, str]]:
    path = WEB / page / "strings.json"
    if not path.is_file():
        return {}
    loaded: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _keys_named(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        found |= set((_HTML_KEY if path.suffix == ".html" else _JS_KEY).findall(text))
    return found


def test_the_pages_are_found() -> None:
    assert {"admin", "dashboard", "login", "results"} <= set(PAGES)
    assert len(_shared_keys()) > 40


@pytest.mark.parametrize("page", PAGES)
def test_a_page_catalog_has_both_languages(page: str) -> None:
    for key, entry in _catalog(page).items():
        assert set(entry) == {"th", "en"}, (page, key)
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), (page, key)


def test_the_shared_modules_name_only_shared_keys() -> None:
    missing = _keys_named(sorted((WEB / "shared").glob("*.js"))) - _shared_keys()
    assert not missing


@pytest.mark.parametrize("page", PAGES)
def test_every_key_a_page_names_has_words(page: str) -> None:
    files = [*sorted((WEB / page).glob("*.js")), WEB / page / "page.html"]
    missing = _keys_named(files) - _shared_keys() - set(_catalog(page))
    assert not missing, f"{page}: no words for {sorted(missing)}"
