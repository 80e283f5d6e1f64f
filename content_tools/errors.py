"""Errors of the content tools.

Everything a content author can cause raises a subclass of `ContentError`; the CLI prints its
message (never a traceback) and exits with status 1. Messages name the file, and the line when
there is one, in the `path:line: message` form editors understand.

    ContentError
    ├── SourceError        scene.yaml is missing, is not valid YAML or does not fit the schema
    ├── GeneratorError     the scene's generator script failed, timed out or wrote no model
    ├── ModelError         the glTF model is unreadable, unsafe (e.g. `../` URIs) or too big
    │   └── MissingNodesError   the script names nodes the model does not have
    └── BundleError        a packaged bundle is unreadable or its files do not match the manifest
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "BundleError",
    "ContentError",
    "GeneratorError",
    "MissingNodesError",
    "ModelError",
    "SourceError",
    "validation_problems",
]


class ContentError(Exception):
    """A problem with content (scene sources, models, bundles) that its author can fix."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        return self._where(self.line) + self.message

    def _where(self, line: int | None) -> str:
        if self.path is None:
            return "" if line is None else f"line {line}: "
        return f"{self.path}: " if line is None else f"{self.path}:{line}: "


class SourceError(ContentError):
    """scene.yaml cannot be read, is not valid YAML, or does not fit the scene schema.

    `line` is the (1-based) line of the first problem; `problems` lists every problem as
    (line or None, message).
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        problems: Sequence[tuple[int | None, str]] = (),
    ) -> None:
        self.problems = list(problems)
        super().__init__(message, path=path, line=line)

    def _format(self) -> str:
        if not self.problems:
            return super()._format()
        # One `path:line: problem` line each, the form editors and CI annotations understand.
        return "\n".join(self._where(line) + text for line, text in self.problems)


class GeneratorError(ContentError):
    """The scene's generator script failed, timed out or did not write the model."""


class ModelError(ContentError):
    """The model file is missing, malformed, unsafe or not self-containable."""


class MissingNodesError(ModelError):
    """The session script (or `spawn_node`) names nodes that the model does not contain."""

    def __init__(self, missing: Sequence[str], *, path: Path | None = None) -> None:
        self.missing = sorted(missing)
        names = ", ".join(self.missing)
        super().__init__(
            f"the scene script refers to {len(self.missing)} node(s) missing from the model: "
            f"{names}",
            path=path,
        )


class BundleError(ContentError):
    """A bundle's manifest is unreadable, or an asset is missing or does not match it."""


def validation_problems(exc: ValidationError, limit: int = 5) -> str:
    """The first `limit` problems of a pydantic error, `location: message` joined by "; "."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}"
        for error in exc.errors(include_url=False)[:limit]
    )
