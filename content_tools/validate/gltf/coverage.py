"""Reference issue codes that the validator deliberately does not implement, with the reason.

Every code of the reference's issue list (ISSUES.md of KhronosGroup/glTF-Validator) is either
reported by this package, with a per-code test case (tests/content_tools/validate/codes/), or
listed here. tests/content_tools/validate/codes/test_coverage.py fails when a code is neither,
and docs/validator.md (scripts/validator_doc.py) shows this table.
"""

from __future__ import annotations

__all__ = ["NOT_IMPLEMENTED"]

NOT_IMPLEMENTED: dict[str, str] = {}
"""Code -> why it is not reported (e.g. the reference itself never emits it in the npm version
the project compares with)."""
