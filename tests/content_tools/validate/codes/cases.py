"""Per-code cases of the glTF validator (minimal interface; the shared framework replaces this
module): a `CodeCase` names a reference issue code, a minimal document on which the reference
reports it (`triggers`) and the same document fixed (`clean`). Each `cases_<area>.py` module
beside this one exports `CASES: list[CodeCase]`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CodeCase", "Doc"]

Doc = dict[str, Any] | bytes
"""A glTF JSON document, or raw bytes (GLB / broken JSON)."""


@dataclass(frozen=True)
class CodeCase:
    code: str
    """Reference code, e.g. "ACCESSOR_MIN_MISMATCH"."""
    triggers: Doc
    """A minimal document on which the code is reported."""
    clean: Doc
    """The same document fixed: the code is not reported."""
    pointer: str | None = None
    """Expected JSON pointer on `triggers`, when it matters."""
