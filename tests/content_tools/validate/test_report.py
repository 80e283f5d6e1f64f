"""The JSON report's parity with the reference's: which `info` keys it writes and when, the
`resources` it lists, how `--max-issues` truncates, and the order of messages.

tests/e2e/validator/test_report_reference.py compares the same with the npm reference itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content_tools.cli import main
from content_tools.validate.gltf import validate_gltf
from content_tools.validate.issues import Issue, IssueSink, Severity
from content_tools.validate.report import report_json
from content_tools.validate.run import FileReport
from tests.content_tools.validate.codes.cases import Builder, doc_bytes
from tests.content_tools.validate.codes.cases_semantics import png, uv


def _report(doc: dict[str, Any] | bytes) -> dict[str, Any]:
    sink = IssueSink()
    info = validate_gltf(doc_bytes(doc), uri="case.gltf", sink=sink)
    return report_json(
        FileReport(uri="case.gltf", mime_type="model/gltf+json", issues=sink, info=info)
    )


def _codes(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["code"], m.get("pointer", "")) for m in report["issues"]["messages"]]


def test_info_only_for_a_document_the_reference_reads() -> None:
    assert "info" not in _report({"asset": {"version": "1.0"}})
    assert "info" not in _report({"asset": {}})
    assert "info" not in _report(b"{not json")
    assert _report({"asset": {"version": "2.0"}})["info"]["version"] == "2.0"


def test_nothing_more_is_read_without_a_2x_version() -> None:
    for asset in ({}, {"version": "1.0"}):
        report = _report({"asset": asset, "nodes": [{}], "scene": 3})
        assert [code for code, _ in _codes(report)] in (
            ["UNDEFINED_PROPERTY"],
            ["UNKNOWN_ASSET_MAJOR_VERSION"],
        )


def test_optional_info_keys_only_when_they_have_a_value() -> None:
    info = _report({"asset": {"version": "2.0"}})["info"]
    for key in ("minVersion", "generator", "extensionsUsed", "extensionsRequired", "resources"):
        assert key not in info
    full = _report(
        {
            "asset": {"version": "2.0", "minVersion": "2.0", "generator": "g"},
            "extensionsUsed": ["KHR_materials_unlit"],
        }
    )["info"]
    assert full["minVersion"] == "2.0"
    assert full["generator"] == "g"
    assert full["extensionsUsed"] == ["KHR_materials_unlit"]
    assert "extensionsRequired" not in full


def test_resources_list_buffers_then_images_with_their_headers() -> None:
    built = Builder.triangle()
    uv(built)
    built.doc["materials"] = [{"emissiveTexture": {"index": 0}}]
    built.doc["textures"] = [{"source": 0}]
    view = built.view(png(4, 2))
    built.doc["images"] = [{"bufferView": view, "mimeType": "image/png"}]
    resources = _report(built.gltf())["info"]["resources"]
    assert resources == [
        {
            "pointer": "/buffers/0",
            "mimeType": "application/gltf-buffer",
            "storage": "data-uri",
            "byteLength": len(built.bin),
        },
        {
            "pointer": "/images/0",
            "mimeType": "image/png",
            "storage": "buffer-view",
            "image": {
                "width": 4,
                "height": 2,
                "format": "rgb",
                "primaries": "srgb",
                "transfer": "srgb",
                "bits": 8,
            },
        },
    ]


def test_a_jpeg_resource_has_no_colour_space() -> None:
    """The reference reads a JPEG up to its start of frame and never names its primaries or
    transfer function (a PNG without colour chunks is sRGB, above)."""
    frame = bytes.fromhex("ffc0 000b 08 0004 0004 01 011100")  # SOF0: 8 bits, 4x4, 1 channel
    jpeg = b"\xff\xd8" + frame + b"\xff\xd9" + bytes(8)
    built = Builder.triangle()
    built.doc["images"] = [{"bufferView": built.view(jpeg), "mimeType": "image/jpeg"}]
    image = _report(built.gltf())["info"]["resources"][1]
    assert image["image"] == {"width": 4, "height": 4, "format": "luminance", "bits": 8}


def test_figures_count_what_resolves() -> None:
    built = Builder.triangle()
    built.doc["meshes"][0]["primitives"][0]["attributes"]["NORMAL"] = 99
    built.doc["scene"] = 5
    info = _report(built.gltf())["info"]
    assert info["maxAttributes"] == 1  # the unresolved NORMAL is not counted
    assert info["hasDefaultScene"] is False  # nor the unresolved default scene
    assert info["drawCallCount"] == 1
    assert info["totalTriangleCount"] == 1


def test_unused_objects_come_before_data_and_image_messages() -> None:
    built = Builder.triangle()
    built.doc["accessors"][0]["max"] = [9.0, 9.0, 9.0]  # a data message on accessor 0
    built.doc["nodes"].append({"mesh": 0})  # not in the scene: unused
    codes = [code for code, _ in _codes(_report(built.gltf()))]
    assert codes.index("UNUSED_OBJECT") < codes.index("ACCESSOR_MAX_MISMATCH")


def _issue(code: str, severity: Severity) -> Issue:
    return Issue(code=code, severity=severity, message=code)


def test_limited_keeps_the_first_messages_and_counts_only_those() -> None:
    sink = IssueSink()
    for severity in (Severity.WARNING, Severity.ERROR, Severity.ERROR):
        sink.add(_issue("X", severity))
    limited = sink.limited(2)
    assert [m.severity for m in limited.messages] == [Severity.WARNING, Severity.ERROR]
    assert limited.truncated
    assert limited.kept[Severity.ERROR] == 1
    assert limited.has_errors
    assert sink.limited(0) is sink
    assert not sink.limited(3).truncated
    assert sink.limited(3).messages == sink.messages


def test_cli_max_issues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loop.gltf"
    loop = {"asset": {"version": "2.0"}, "nodes": [{"children": [1]}, {"children": [0]}]}
    path.write_text(json.dumps(loop))
    assert main(["validate", str(path), "--json", "--profile", "none", "--max-issues", "1"]) == 1
    [report] = json.loads(capsys.readouterr().out)
    assert report["issues"]["truncated"] is True
    assert report["issues"]["numErrors"] == 1
    assert len(report["issues"]["messages"]) == 1
    assert "info" not in report  # the reference stops before the document is read
    assert main(["validate", str(path), "--json", "--profile", "none"]) == 1
    [report] = json.loads(capsys.readouterr().out)
    assert report["issues"]["truncated"] is False
    assert report["issues"]["numErrors"] == 2
    assert main(["validate", str(path), "--max-issues", "-1"]) == 2
