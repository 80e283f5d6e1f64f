"""Whole-report comparison of our glTF validator with the npm reference (gltf-validator).

A report is compared as the multiset of (code, severity, where) over ALL its messages, `where`
being the JSON pointer or, for a byte offset (GLB, binary data), "@offset". `compare(paths)`
validates every file with the reference in ONE Node process per batch of files and with ours in
this process, and returns a `Comparison` per file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content_tools.validate.run import validate_model_file
from tests.support.gltf_fuzz import FuzzCase
from tests.support.reference_bugs import known_bug
from tests.support.reference_validator import reference_reports

__all__ = [
    "BATCH",
    "Comparison",
    "Key",
    "compare",
    "describe",
    "differing_codes",
    "ours_messages",
    "report_keys",
    "write_cases",
]

Key = tuple[str, int, str]
BATCH = 500
"""Files per Node process: its report list stays small, a hang costs one batch."""


@dataclass(frozen=True)
class Comparison:
    path: Path
    ours: Counter[Key]
    reference: Counter[Key]
    reference_error: str | None = None
    """The reference threw instead of reporting (its own bug): not an agreement either way."""
    same_order_and_text: bool = False
    """Beyond `agrees`: the same messages in the same order with the same message text."""
    reference_bug: str | None = None
    """A known bug of the reference explains every difference (reference_bugs.py)."""

    @property
    def agrees(self) -> bool:
        return self.reference_error is None and self.ours == self.reference

    @property
    def only_ours(self) -> Counter[Key]:
        return self.ours - self.reference

    @property
    def only_reference(self) -> Counter[Key]:
        return self.reference - self.ours


def report_keys(messages: Iterable[dict[str, Any]]) -> Counter[Key]:
    """The multiset of (code, severity, where) of a report's messages."""
    return Counter(
        (
            m["code"],
            int(m["severity"]),
            str(m["pointer"]) if m.get("pointer") is not None else f"@{m.get('offset')}",
        )
        for m in messages
    )


def _in_order(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (m["code"], int(m["severity"]), m.get("pointer"), m.get("offset"), m.get("message"))
        for m in messages
    ]


def ours_messages(path: Path) -> list[dict[str, Any]]:
    """Our messages on a file, in the reference's JSON shape (code, severity, pointer/offset).
    Should ours raise (a bug: it must report, never raise), the one message says so."""
    try:
        report = validate_model_file(path, root=path.parent)
    except Exception as exc:  # ours must never raise: show it as a message no one else has
        return [{"code": f"CRASH {type(exc).__name__}: {exc}", "severity": 0, "pointer": ""}]
    return [
        {
            "code": issue.code,
            "severity": int(issue.severity),
            "pointer": issue.pointer,
            "offset": issue.offset,
            "message": issue.message,
        }
        for issue in report.issues.messages
    ]


def compare(paths: list[Path], *, batch: int = BATCH) -> list[Comparison]:
    """Our report and the reference's on every file, in order."""
    found: list[Comparison] = []
    for start in range(0, len(paths), batch):
        part = paths[start : start + batch]
        theirs = _reference(part)
        for path, reference in zip(part, theirs, strict=True):
            mine = ours_messages(path)
            ours = report_keys(mine)
            if "error" in reference:
                found.append(Comparison(path, ours, Counter(), str(reference["error"])))
            else:
                messages = reference["issues"]["messages"]
                keys = report_keys(messages)
                strict = _in_order(mine) == _in_order(messages)
                bug = None if ours == keys else known_bug(path, ours - keys, keys - ours)
                found.append(Comparison(path, ours, keys, None, strict, bug))
    return found


def _reference(paths: list[Path]) -> list[dict[str, Any]]:
    """The reference's reports; when its Node process dies on some file (the npm build can
    fail with an unhandled "Bad state: Future already completed"), the batch is split until
    that file is alone, and it gets an error instead of a report."""
    try:
        return reference_reports(paths, timeout_s=600, allow_errors=True)
    except RuntimeError as exc:
        if len(paths) == 1:
            lines = str(exc).strip().splitlines()
            reason = next((line for line in lines if "Bad state" in line), lines[-1])
            return [{"uri": str(paths[0]), "error": "Node process died: " + reason.strip()[:300]}]
        half = len(paths) // 2
        return _reference(paths[:half]) + _reference(paths[half:])


def differing_codes(comparison: Comparison) -> set[str]:
    """The codes whose (severity, where) multisets differ between the two reports."""
    return {key[0] for key in (comparison.only_ours + comparison.only_reference)}


def write_cases(cases: list[FuzzCase], folder: Path) -> list[Path]:
    """Each case as `case-NNNNNN.gltf|.glb` in `folder` (created), in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, case in enumerate(cases):
        path = folder / f"case-{number:06d}{case.suffix}"
        path.write_bytes(case.data)
        paths.append(path)
    return paths


def describe(comparison: Comparison, mutation: str) -> dict[str, Any]:
    """A disagreeing case as saved beside its file (`<case>.json`) and printed."""

    def listed(keys: Counter[Key]) -> list[str]:
        return [
            f"{code} sev {sev} at {where}" + (f" x{n}" if n > 1 else "")
            for (code, sev, where), n in sorted(keys.items())
        ]

    return {
        "case": comparison.path.name,
        "mutation": mutation,
        "reference_error": comparison.reference_error,
        "reference_bug": comparison.reference_bug,
        "only_ours": listed(comparison.only_ours),
        "only_reference": listed(comparison.only_reference),
    }
