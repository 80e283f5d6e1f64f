"""Validation issues: what every check reports, in the Khronos glTF-Validator's terms.

An issue has a code (the reference validator's code where one exists, e.g.
`ACCESSOR_INDEX_OOB`; ours for budgets and scripts, e.g. `BUDGET_TRIANGLES`), a severity, a
message and a location: a JSON pointer into the glTF document (`/meshes/0/primitives/1`) or,
for scene.yaml, a file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = ["MAX_ISSUES", "Issue", "IssueSink", "Severity"]

MAX_ISSUES = 1024
"""Messages kept per file; the rest are counted and the report says it was truncated."""


class Severity(IntEnum):
    """The reference validator's severities (lower is worse)."""

    ERROR = 0
    WARNING = 1
    INFO = 2
    HINT = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    message: str
    pointer: str | None = None
    """JSON pointer into the glTF document, or None."""
    offset: int | None = None
    """Byte offset into the file (GLB container and binary data issues)."""
    file: str | None = None
    """For issues in another file than the one validated (scene.yaml for script issues)."""
    line: int | None = None
    """1-based line in `file` (scene.yaml issues)."""


class IssueSink:
    """Collects issues for one file, keeping at most `max_messages` but counting all.

    `counts` counts every issue (what `has_errors` judges); `kept` only the messages kept,
    which is what the reference's report counts (`numErrors`...): it stops at its
    `maxIssues` and says `truncated`."""

    def __init__(self, max_messages: int = MAX_ISSUES) -> None:
        self.max_messages = max_messages
        self.messages: list[Issue] = []
        self.counts = dict.fromkeys(Severity, 0)
        self.kept = dict.fromkeys(Severity, 0)
        self.truncated = False

    def add(self, issue: Issue) -> None:
        self.counts[issue.severity] += 1
        if len(self.messages) < self.max_messages:
            self.messages.append(issue)
            self.kept[issue.severity] += 1
        else:
            self.truncated = True

    def limited(self, max_messages: int) -> IssueSink:
        """The same issues as a sink keeping only the first `max_messages` (0: no limit)."""
        if max_messages <= 0 or max_messages >= self.max_messages:
            return self
        out = IssueSink(max_messages)
        out.extend(self.messages)
        out.counts = dict(self.counts)
        out.truncated = out.truncated or self.truncated
        return out

    def extend(self, issues: list[Issue]) -> None:
        for issue in issues:
            self.add(issue)

    @property
    def has_errors(self) -> bool:
        return self.counts[Severity.ERROR] > 0

    def codes(self, severity: Severity = Severity.ERROR) -> set[str]:
        return {issue.code for issue in self.messages if issue.severity == severity}
