"""The generated section of a doc page: replaced between two markers, and the `--check` mode
that CI uses to catch a stale page (scripts/protocol_doc.py, scripts/validator_doc.py)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class GeneratedPage:
    """One doc page whose section between the markers is `render()`'s output, written by
    `script` (its path relative to the repository, which names the begin marker)."""

    doc: Path
    script: str
    render: Callable[[], str]
    what: str
    usage: str | None = None
    """The script's docstring: its first paragraph is the `--help` description."""

    @property
    def begin(self) -> str:
        return begin_marker(self.script)

    def updated(self, doc: str, section: str | None = None) -> str:
        """`doc` with the generated section replaced by `section` (default: a fresh render)."""
        return with_section(doc, self.render() if section is None else section, self.begin)

    def main(self, argv: list[str] | None = None) -> int:
        """Rewrite the page's section (or, with --check, exit 1 when it is stale)."""
        description = self.usage.split("\n\n")[0] if self.usage else None
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--check", action="store_true", help="exit 1 when the doc is stale")
        args = parser.parse_args(argv)
        doc = self.doc.read_text(encoding="utf-8")
        updated = self.updated(doc)
        if args.check:
            if updated != doc:
                print(f"{os.path.relpath(self.doc)} is out of date: run {self.script}")
                return 1
            return 0
        if updated != doc:
            self.doc.write_text(updated, encoding="utf-8")
            print(f"rewrote {self.what} in {os.path.relpath(self.doc)}")
        return 0
