"""`vr-content validate` on scene folders: the script against the model (with YAML lines),
budget profiles, the JSON report and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from content_tools.cli import main
from content_tools.glb import build_glb
from content_tools.validate.budget import BudgetProfile, check_budget, load_profile
from content_tools.validate.info import GltfInfo, ImageInfo
from content_tools.validate.issues import Severity
from content_tools.validate.run import validate_scene_dir

MakeScene = Callable[..., Path]
Parts = Callable[[Sequence[str]], tuple[dict[str, Any], bytes]]


def line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def glb_with_meshes(parts: Parts, names: Sequence[str], meshless: Sequence[str] = ()) -> bytes:
    """A valid GLB whose nodes (all roots) each show the one triangle, except `meshless`."""
    document, binary = parts(names)
    document["bufferViews"][0]["target"] = 34962  # vertex data (else a hint, as the reference)
    for node in document["nodes"]:
        if node["name"] in meshless:
            node.pop("mesh", None)
        else:
            node["mesh"] = 0
    return build_glb(document, binary)


def scene_issues(scene_dir: Path) -> list[tuple[str, int | None]]:
    reports = validate_scene_dir(scene_dir)
    assert reports[0].uri.endswith("scene.yaml")
    return [(issue.code, issue.line) for issue in reports[0].issues.messages]


def test_a_matching_scene_has_no_issue(make_scene: MakeScene, gltf_parts: Parts) -> None:
    names = ("spawn", "button", "cup", "tray", "sign")
    scene_dir = make_scene(model=glb_with_meshes(gltf_parts, names))
    reports = validate_scene_dir(scene_dir)
    assert [r.issues.messages for r in reports] == [[], []]
    assert reports[1].info is not None
    assert reports[1].info.drawn_triangles == len(names)


def test_missing_nodes_point_at_their_yaml_lines(
    make_scene: MakeScene, gltf_parts: Parts, mini_yaml: str
) -> None:
    scene_dir = make_scene(model=glb_with_meshes(gltf_parts, ("spawn", "button", "cup", "sign")))
    assert scene_issues(scene_dir) == [("SCRIPT_NODE_MISSING", line_of(mini_yaml, "target: tray"))]


def test_interactable_nodes_need_a_mesh(make_scene: MakeScene, gltf_parts: Parts) -> None:
    names = ("spawn", "button", "cup", "tray", "sign")
    # tray (a placement target) and sign (looked at) may be empty; button (selected) may not
    model = glb_with_meshes(gltf_parts, names, meshless=("button", "tray", "sign"))
    issues = scene_issues(make_scene(model=model))
    assert [code for code, _ in issues] == ["SCRIPT_NODE_NOT_MESH"]


def test_a_name_shared_by_two_nodes_is_ambiguous(make_scene: MakeScene, gltf_parts: Parts) -> None:
    names = ("spawn", "button", "cup", "tray", "sign", "cup")
    issues = scene_issues(make_scene(model=glb_with_meshes(gltf_parts, names)))
    assert [code for code, _ in issues] == ["SCRIPT_NODE_AMBIGUOUS"]


def test_format_problems_become_issues_with_lines(
    make_scene: MakeScene, gltf_parts: Parts, mini_yaml: str
) -> None:
    broken = mini_yaml.replace("answer: a", "answer: z").replace("en: Press\n", "\n")
    broken = broken.replace("title: {th: กดปุ่ม, en: Press}", "title: {th: กดปุ่ม}")
    scene_dir = make_scene(yaml_text=broken)
    reports = validate_scene_dir(scene_dir)
    assert len(reports) == 1  # no model report: the script cannot be read
    issues = [(i.code, i.line) for i in reports[0].issues.messages]
    assert ("SCENE_FORMAT", line_of(broken, "title: {th: กดปุ่ม}")) in issues
    assert any(
        code == "SCENE_FORMAT" and "answer 'z'" in i.message
        for i in reports[0].issues.messages
        for code in [i.code]
    )


def test_language_mixups_are_warnings(
    make_scene: MakeScene, gltf_parts: Parts, mini_yaml: str
) -> None:
    text = mini_yaml.replace("en: Put the cup on the tray", "en: วางแก้วบนถาด")
    text = text.replace("{th: มองป้าย, en: Look at the sign}", "{th: Look at it now, en: Look}")
    names = ("spawn", "button", "cup", "tray", "sign")
    reports = validate_scene_dir(
        make_scene(yaml_text=text, model=glb_with_meshes(gltf_parts, names))
    )
    found = {(i.code, i.line, i.severity.label) for i in reports[0].issues.messages}
    assert found == {
        ("TEXT_NOT_ENGLISH", line_of(text, "en: วางแก้วบนถาด"), "warning"),
        ("TEXT_NOT_THAI", line_of(text, "th: Look at it now"), "warning"),
    }
    assert not reports[0].has_errors


def test_cli_json_report_and_exit_codes(
    make_scene: MakeScene, gltf_parts: Parts, mini_yaml: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_scene(
        "good", model=glb_with_meshes(gltf_parts, ("spawn", "button", "cup", "tray", "sign"))
    )
    bad = make_scene("bad", model=glb_with_meshes(gltf_parts, ("spawn", "cup", "tray", "sign")))
    assert main(["validate", str(good)]) == 0
    capsys.readouterr()
    assert main(["validate", str(good), str(bad), "--format", "json"]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [Path(r["uri"]).name for r in reports] == ["scene.yaml", "scene.glb"] * 2
    bad_yaml = reports[2]
    assert bad_yaml["issues"]["numErrors"] == 1
    (message,) = bad_yaml["issues"]["messages"]
    assert message["code"] == "SCRIPT_NODE_MISSING"
    assert message["severity"] == 0
    assert message["line"] == line_of(mini_yaml, "node: button")
    assert message["file"].endswith("bad/scene.yaml")
    model = reports[1]
    assert model["mimeType"] == "model/gltf-binary"
    assert model["info"]["totalTriangleCount"] == 1  # the reference's figure: each mesh once
    assert model["info"]["drawnTriangleCount"] == 5  # what is drawn: five nodes show it
    assert model["info"]["drawnDrawCalls"] == 5
    assert model["budget"]["profile"] == "quest2"


def test_cli_text_report_names_file_and_line(
    make_scene: MakeScene, gltf_parts: Parts, mini_yaml: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = make_scene(model=glb_with_meshes(gltf_parts, ("spawn", "button", "cup", "sign")))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"scene.yaml:{line_of(mini_yaml, 'target: tray')}: step 'move': target 'tray'" in out
    assert "FAILED" in out


def test_budget_overruns_give_measured_and_allowed(tmp_path: Path) -> None:
    info = GltfInfo(total_triangle_count=400_000, draw_call_count=10, file_size=20 * 1048576)
    info.images.append(
        ImageInfo(mime_type="image/png", storage="buffer-view", width=4096, height=1024)
    )
    issues = {i.code: i.message for i in check_budget(info, load_profile("quest2"))}
    assert set(issues) == {"BUDGET_TRIANGLES", "BUDGET_TEXTURE_SIZE", "BUDGET_FILE_SIZE"}
    assert issues["BUDGET_TRIANGLES"] == "triangles: 400,000 is over the quest2 budget of 300,000"
    assert "4,096 px" in issues["BUDGET_TEXTURE_SIZE"]
    assert "2,048 px" in issues["BUDGET_TEXTURE_SIZE"]
    assert not check_budget(info, load_profile("quest3"))[1:]  # only the file size (40 MB) is fine


def test_profile_files_can_be_changed(
    make_scene: MakeScene, gltf_parts: Parts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene_dir = make_scene(
        model=glb_with_meshes(gltf_parts, ("spawn", "button", "cup", "tray", "sign"))
    )
    strict = tmp_path / "tiny-headset.json"
    strict.write_text(
        BudgetProfile(name="tiny", max_triangles=2, max_draw_calls=3).model_dump_json()
    )
    assert main(["validate", str(scene_dir), "--profile", str(strict), "--format", "json"]) == 1
    model = json.loads(capsys.readouterr().out)[1]
    codes = {m["code"]: m["message"] for m in model["issues"]["messages"]}
    assert codes == {
        "BUDGET_TRIANGLES": "triangles: 5 is over the tiny budget of 2",
        "BUDGET_DRAW_CALLS": "draw calls: 5 is over the tiny budget of 3",
    }
    assert main(["validate", str(scene_dir), "--profile", "none"]) == 0
    assert main(["validate", str(scene_dir), "--profile", "quest9"]) == 2
    assert "no budget profile 'quest9'" in capsys.readouterr().err
    strict.write_text('{"name": "x", "max_triangles": -1}')
    assert main(["validate", str(scene_dir), "--profile", str(strict)]) == 2


def test_missing_path_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.glb")]) == 1
    assert "IO_ERROR" in capsys.readouterr().out


def test_the_cook_scene_validates_for_quest2(cook_static: Path) -> None:
    # the model built in process (tests/support/generated.py): the generator starts no process
    reports = validate_scene_dir(cook_static, generate=False)
    assert [r.issues.codes() for r in reports] == [set(), set()]
    assert [r.issues.codes(Severity.WARNING) for r in reports] == [set(), set()]
    model = reports[1].info
    assert model is not None
    assert model.total_triangle_count > 1000


def test_a_script_much_longer_than_its_duration_is_a_warning(
    make_scene: MakeScene, gltf_parts: Parts, mini_yaml: str
) -> None:
    text = mini_yaml.replace("duration_min: 4", "duration_min: 2")
    names = ("spawn", "button", "cup", "tray", "sign")
    reports = validate_scene_dir(
        make_scene(yaml_text=text, model=glb_with_meshes(gltf_parts, names))
    )
    (issue,) = reports[0].issues.messages
    assert (issue.code, issue.line) == ("SCRIPT_DURATION_MISMATCH", line_of(text, "duration_min"))
    assert "3.8 minutes" in issue.message


def test_budgets_count_every_node_that_shows_a_mesh(
    make_scene: MakeScene, gltf_parts: Parts, tmp_path: Path
) -> None:
    """Ten nodes showing the same mesh draw it ten times: the budget counts ten."""
    names = ("spawn", "button", "cup", "tray", "sign", *[f"copy{i}" for i in range(5)])
    scene_dir = make_scene(model=glb_with_meshes(gltf_parts, names))
    profile = tmp_path / "p.json"
    profile.write_text('{"name": "p", "max_triangles": 9, "max_draw_calls": 9}')
    (_, model) = validate_scene_dir(scene_dir, profile=load_profile(profile))
    assert model.info is not None
    assert (model.info.total_triangle_count, model.info.drawn_triangles) == (1, 10)
    assert model.issues.codes() == {"BUDGET_TRIANGLES", "BUDGET_DRAW_CALLS"}
