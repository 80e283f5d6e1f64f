"""The generated section of a doc page: replaced between two markers, and the `--check` mode
that CI uses to catch a stale page (scripts/protocol_doc.py, scripts/validator_doc.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

GENERATED_END = "<!-- generated:end -->"


def begin_marker(script: str) -> str:
    return f"<!-- generated:begin ({script}; do not edit by hand) -->"


def with_section(doc: str, section: str, begin: str) -> str:
    """`doc` with the text between `begin` and GENERATED_END replaced by `section`."""
    if begin not in doc or GENERATED_END not in doc:
        raise ValueError(f"the doc lacks the markers {begin!r} / {GENERATED_END!r}")
    start = doc.index(begin) + len(begin)
    end = doc.index(GENERATED_END, start)
    return doc[:start] + "\n\n" + section + "\n" + doc[end:]


def run(
    argv: list[str] | None,
    *,
    description: str | None,
    doc_path: Path,
    root: Path,
    script: str,
    render: Callable[[], str],
    what: str,
) -> int:
    """Rewrite the page's section (or, with --check, exit 1 when it is stale)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="exit 1 when the doc is stale")
    args = parser.parse_args(argv)
    doc = doc_path.read_text(encoding="utf-8")
    updated = with_section(doc, render(), begin_marker(script))
    if args.check:
        if updated != doc:
            print(f"{doc_path.relative_to(root)} is out of date: run {script}")
            return 1
        return 0
    if updated != doc:
        doc_path.write_text(updated, encoding="utf-8")
        print(f"rewrote {what} in {doc_path.relative_to(root)}")
    return 0
