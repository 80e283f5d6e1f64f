"""Whole-report parity with the npm reference on the link-level cases (cases_semantics*.py):
on both documents of every case, the same messages in the same order (code, severity, pointer,
message text) and the same `info` (every key the reference writes, with its value). All files
go through ONE Node process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from content_tools.validate.gltf import validate_gltf
from content_tools.validate.issues import IssueSink
from content_tools.validate.report import report_json
from content_tools.validate.run import FileReport
from tests.content_tools.validate.codes.cases import all_cases, case_file_name, doc_bytes
from tests.support.reference_validator import reference_reports

DOCS = [
    (f"{case.code}-{n}-{kind}", doc)
    for n, (module, case) in enumerate(all_cases())
    if module.startswith("cases_semantics")
    for kind, doc in (("triggers", case.triggers), ("clean", case.clean))
]


def ours(path: Path) -> dict[str, Any]:
    sink = IssueSink()
    info = validate_gltf(
        path.read_bytes(), uri=path.name, base_dir=path.parent, root=path.parent, sink=sink
    )
    return report_json(FileReport(uri=path.name, mime_type="", issues=sink, info=info))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Document id -> (its file, the reference's report on it)."""
    folder = tmp_path_factory.mktemp("semantics")
    paths: list[Path] = []
    for doc_id, doc in DOCS:
        (folder / doc_id).mkdir()
        path = folder / doc_id / case_file_name(doc, "case")
        path.write_bytes(doc_bytes(doc))
        paths.append(path)
    found = reference_reports(paths, timeout_s=600)
    pairs = zip(DOCS, paths, found, strict=True)
    return {doc_id: (path, report) for (doc_id, _), path, report in pairs}


def test_there_are_documents() -> None:
    assert len(DOCS) >= 100


@pytest.mark.parametrize("doc_id", [doc_id for doc_id, _ in DOCS])
def test_same_report(doc_id: str, files: dict[str, tuple[Path, dict[str, Any]]]) -> None:
    path, theirs = files[doc_id]
    mine = ours(path)

    def messages(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        # An IO_ERROR's text is the platform's (the reference quotes Node's exception).
        return [
            (m["code"], m["severity"], m.get("pointer"), m["code"] != "IO_ERROR" and m["message"])
            for m in report["issues"]["messages"]
        ]

    assert messages(mine) == messages(theirs)
    assert ("info" in mine) == ("info" in theirs)
    if "info" in theirs:
        assert {key: mine["info"].get(key) for key in theirs["info"]} == theirs["info"]
