"""Every code of the reference's issue list is in messages.CODES with the reference's severity
and message text, and has a per-code case (cases_*.py) or a reason in coverage.NOT_IMPLEMENTED,
and not both. The list is ISSUES.md of the installed npm `gltf-validator`, the judge: the shared
corpus's copy is from a later version (NODE_SKINNED_MESH_NON_ROOT is an info there, and
NODE_SKINNED_MESH_PARENT_TRANSFORMS exists)."""

from __future__ import annotations

import re

import pytest

from content_tools.validate.gltf.coverage import NOT_IMPLEMENTED
from content_tools.validate.gltf.messages import CODES, OUR_CODES
from content_tools.validate.issues import Severity
from tests.content_tools.validate.codes.cases import all_cases
from tests.support.reference_validator import REPO

pytestmark = pytest.mark.corpus

SEVERITIES = {
    "Error": Severity.ERROR,
    "Warning": Severity.WARNING,
    "Information": Severity.INFO,
    "Hint": Severity.HINT,
}
_ROW = re.compile(r"^\|([A-Z0-9_]+)\|(.*)\|(\w+)\|$")
_LIST = re.compile(r"\('`%[a-z1-9]`'(?:, '`%[a-z1-9]`')+\)")
_ARG = re.compile(r"'?[A-Z_]*`%(\d)`'?")
_QUOTED = re.compile(r"'(\{\d\})'")


def issue_list() -> dict[str, tuple[Severity, str]]:
    """Code -> (severity, message as ISSUES.md words it) from ISSUES.md."""
    text = (REPO / "node_modules" / "gltf-validator" / "ISSUES.md").read_text(encoding="utf-8")
    found: dict[str, tuple[Severity, str]] = {}
    for line in text.splitlines():
        match = _ROW.match(line.strip())
        if match:
            code, message, severity = match.groups()
            found[code] = (SEVERITIES[severity], message)
    return found


def template(message: str) -> str:
    """ISSUES.md's wording as a `{n}` template: a list of values ('`%a`', '`%b`', ...) is the
    one argument whose number the message does not show, '`%1`' (with any quotes and literal
    prefix, which our argument formatting adds) is `{0}`."""
    shown = {int(n) for n in re.findall(r"%(\d)", _LIST.sub("", message))}
    spare = min(set(range(1, len(shown) + 2)) - shown)
    message = _LIST.sub(lambda _: f"{{{spare - 1}}}", message)
    message = _ARG.sub(lambda m: f"{{{int(m.group(1)) - 1}}}", message)
    return normal(message)


def normal(text: str) -> str:
    """Whitespace and quotes around an argument are not compared (our arguments carry their
    quotes, `schema.fmt`)."""
    return " ".join(_QUOTED.sub(r"\1", text).split())


ISSUES = issue_list()
CASE_CODES = {case.code for _, case in all_cases()}


def test_the_issue_list_is_read() -> None:
    assert len(ISSUES) >= 160


@pytest.mark.parametrize("code", sorted(ISSUES))
def test_code_is_known_with_the_reference_severity_and_text(code: str) -> None:
    assert code in CODES, f"{code} is missing from messages.CODES"
    severity, message = ISSUES[code]
    ours_severity, ours_template = CODES[code]
    assert ours_severity == severity
    assert normal(ours_template) == template(message)


@pytest.mark.parametrize("code", sorted(ISSUES))
def test_code_has_a_case_or_a_reason(code: str) -> None:
    has_case, has_reason = code in CASE_CODES, code in NOT_IMPLEMENTED
    assert has_case or has_reason, f"{code}: no CodeCase and no NOT_IMPLEMENTED reason"
    assert not (has_case and has_reason), f"{code} has a case yet is listed as not implemented"


def test_not_implemented_names_reference_codes_with_a_reason() -> None:
    for code, reason in NOT_IMPLEMENTED.items():
        assert code in ISSUES, f"{code} is not a code of the reference's issue list"
        assert len(reason) > 10, f"{code}: say why it is not implemented"


def test_our_codes_are_apart_from_the_reference() -> None:
    """Every code of messages.CODES is the reference's or marked ours (OUR_CODES), never both:
    the parity comparisons never meet ours, and a later reference cannot take their names."""
    assert not OUR_CODES & set(ISSUES), "a code of ours has a name of the reference's"
    assert set(CODES) - set(ISSUES) == OUR_CODES
    assert {code for code in OUR_CODES if code.startswith("VR_")} >= {
        "VR_KTX2_MIPMAPS_MISSING",
        "VR_KTX2_COLOR_SPACE_MISMATCH",
    }
