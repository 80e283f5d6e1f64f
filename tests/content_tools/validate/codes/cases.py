"""Per-code cases of the glTF validator, and builders for the documents they need.

A `CodeCase` names a reference issue code, a minimal document on which the reference reports it
(`triggers`) and the same document fixed (`clean`). Each `cases_<area>.py` module beside this
one exports `CASES: list[CodeCase]`; `all_cases()` collects them, and both tiers run them:
test_codes.py against our validator, tests/e2e/validator/test_codes_reference.py against the
npm reference (which is the judge).

The documents are built with tests/support/gltf_docs.py, re-exported here.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from tests.support import gltf_docs
from tests.support.gltf_docs import *  # noqa: F403 (the document builders, re-exported)
from tests.support.gltf_docs import Doc

__all__ = [*gltf_docs.__all__, "CodeCase", "all_cases"]


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


def all_cases() -> list[tuple[str, CodeCase]]:
    """(module name, case) for every case of every `cases_*.py` module in this package."""
    found: list[tuple[str, CodeCase]] = []
    folder = Path(__file__).parent
    for module_info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if not module_info.name.startswith("cases_"):
            continue
        module = importlib.import_module(f"{__package__}.{module_info.name}")
        cases: list[CodeCase] = module.CASES
        found.extend((module_info.name, case) for case in cases)
    return found
