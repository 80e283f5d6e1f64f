"""Write the issue-code table of docs/validator.md from the validator's own sources.

    .venv/bin/python scripts/validator_doc.py            rewrite the generated section
    .venv/bin/python scripts/validator_doc.py --check    exit 1 when it is out of date

One row per code of `content_tools/validate/gltf/messages.py` (the reference's issue list,
then our own codes): its severity, the modules of content_tools/validate/ that emit it (where
the code's string appears in the code, found with `ast`), and the per-code test cases
(tests/content_tools/validate/codes/cases_*.py) that trigger it, or the reason it is not
implemented (`coverage.NOT_IMPLEMENTED`). The generated section is this script's output and
nothing else; tests/docs/test_validator_doc.py fails when it is out of date.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "scripts"):  # make the packages and generated_section importable
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from generated_section import GeneratedPage  # noqa: E402

from content_tools.validate.gltf.coverage import NOT_IMPLEMENTED  # noqa: E402
from content_tools.validate.gltf.messages import CODES, OUR_CODES  # noqa: E402
from tests.content_tools.validate.codes.cases import all_cases  # noqa: E402

DOC = ROOT / "docs" / "validator.md"
PACKAGE = ROOT / "content_tools" / "validate"
NOT_EMITTERS = {"messages.py", "coverage.py"}


def emitters() -> dict[str, list[str]]:
    """Code -> the modules (relative to content_tools/validate/) whose code names it."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in NOT_EMITTERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in CODES:
                found.setdefault(node.value, set()).add(module)
    return {code: sorted(modules) for code, modules in found.items()}


def case_modules() -> dict[str, Counter[str]]:
    """Code -> how many cases each cases_*.py module has for it."""
    found: dict[str, Counter[str]] = {}
    for module, case in all_cases():
        found.setdefault(case.code, Counter())[module] += 1
    return found


def render_table() -> str:
    where = emitters()
    cases = case_modules()
    lines = [
        "| code | severity | implemented in (`content_tools/validate/`) | test cases |",
        "|---|---|---|---|",
    ]
    for code, (severity, _) in CODES.items():
        modules = ", ".join(f"`{m}`" for m in where.get(code, [])) or "-"
        if code in NOT_IMPLEMENTED:
            tested = f"not implemented: {NOT_IMPLEMENTED[code]}"
        elif code in cases:
            tested = ", ".join(
                f"`{module}`" + (f" ({n})" if n > 1 else "")
                for module, n in sorted(cases[code].items())
            )
        elif code in OUR_CODES:
            tested = "ours (not in the reference)"
        else:
            tested = "**none**"
        lines.append(f"| `{code}` | {severity.label} | {modules} | {tested} |")
    total = len(CODES) - len(OUR_CODES)
    covered = sum(code in cases for code in CODES)
    lines += [
        "",
        f"{total} reference codes: {covered} with test cases, {len(NOT_IMPLEMENTED)} not "
        f"implemented (with the reason), {total - covered - len(NOT_IMPLEMENTED)} neither.",
    ]
    return "\n".join(lines)


PAGE = GeneratedPage(DOC, "scripts/validator_doc.py", render_table, "the code table", __doc__)

if __name__ == "__main__":
    sys.exit(PAGE.main())
