"""scene.yaml loading (errors name the file and line). Running a scene's generator starts a
process: tests/e2e/scenes/test_run_generator.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from content_tools.errors import SourceError
from content_tools.format.scene import GrabPlaceAction, QuizAction, SelectAction
from content_tools.source import load_scene_source, run_generator, scene_file

MakeScene = Callable[..., Path]


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing `needle`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def write_scene(tmp_path: Path, text: str) -> Path:
    (tmp_path / "scene.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def refusal(tmp_path: Path, text: str) -> SourceError:
    """The SourceError that loading a scene folder with this scene.yaml raises."""
    with pytest.raises(SourceError) as info:
        load_scene_source(write_scene(tmp_path, text))
    return info.value


def test_mini_scene_loads(tmp_path: Path, mini_yaml: str) -> None:
    source = load_scene_source(write_scene(tmp_path, mini_yaml))
    assert source.id == "mini"
    assert source.spawn_node == "spawn"
    assert isinstance(source.script.steps[1].action, SelectAction)
    assert isinstance(source.script.steps[2].action, GrabPlaceAction)
    assert isinstance(source.script.steps[4].action, QuizAction)
    assert source.script.referenced_nodes() == {"button", "cup", "tray", "sign"}


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path, mini_yaml: str) -> None:
    text = mini_yaml.replace("riasec: [R]", "riasec: [R")
    error = refusal(tmp_path, text)
    # PyYAML notices the unclosed flow sequence at the next key.
    expected = line_of(text, "riasec: [R") + 1
    assert error.line == expected
    assert f"scene.yaml:{expected}: invalid YAML" in str(error)


def test_validation_error_names_line_of_offending_key(tmp_path: Path, mini_yaml: str) -> None:
    text = mini_yaml.replace("tolerance_m: 0.2", "tolerance_m: 5")
    error = refusal(tmp_path, text)
    line = line_of(text, "tolerance_m: 5")
    assert error.line == line
    message = str(error)
    assert f"scene.yaml:{line}: script.steps[2].action.tolerance_m:" in message
    assert "less than or equal to 2" in message


def test_validation_errors_each_get_their_own_line(tmp_path: Path, mini_yaml: str) -> None:
    text = (
        mini_yaml.replace('isco08: "5120"', "isco08: 5120")  # a number, not a string
        .replace("{kind: look_at, node: sign}", "{kind: look_at, nod: sign}")  # misspelt key
        .replace("duration_min: 4", "duration_min: 4\ncolour: red")  # unknown key
    )
    error = refusal(tmp_path, text)
    problems = {text_: line for line, text_ in error.problems}
    isco, look, colour = (line_of(text, s) for s in ("isco08: 5120", "nod: sign", "colour: red"))
    assert problems == {
        "isco08: Input should be a valid string (got 5120)": isco,
        "colour: Extra inputs are not permitted": colour,
        "script.steps[3].action.node: Field required": look,
        "script.steps[3].action.nod: Extra inputs are not permitted": look,
    }
    assert error.line == min(isco, look, colour)
    # One `file:line: problem` line per problem, sorted by line.
    lines = str(error).splitlines()
    assert [int(entry.split(":")[1]) for entry in lines] == sorted([isco, colour, look, look])


def test_missing_field_points_at_its_parent(tmp_path: Path, mini_yaml: str) -> None:
    text = mini_yaml.replace("      title: {th: กดปุ่ม, en: Press}\n", "")
    error = refusal(tmp_path, text)
    assert error.line == line_of(text, "- id: press")
    assert "script.steps[1].title: Field required" in str(error)


def test_duplicate_key_is_refused(tmp_path: Path, mini_yaml: str) -> None:
    text = mini_yaml.replace("riasec: [R]\n", "riasec: [R]\nriasec: [S]\n")
    error = refusal(tmp_path, text)
    assert error.line == line_of(text, "riasec: [S]")
    assert "appears twice" in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("- a\n- b\n", "must be a mapping"),
        ("a: !!python/object/apply:os.system [echo]\n", "could not determine a constructor"),
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{b}: &{b} [{', '.join(['*' + a] * 10)}]\n"
                for a, b in zip("abcde", "bcdef", strict=True)
            ),
            "too large",
        ),
    ],
    ids=["empty", "list", "python-tag", "alias-bomb"],
)
def test_bad_documents_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(SourceError, match=expected):
        load_scene_source(write_scene(tmp_path, text))


def test_missing_scene_yaml(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"no scene\.yaml"):
        load_scene_source(tmp_path)


def test_non_utf8_is_refused_with_line(tmp_path: Path) -> None:
    (tmp_path / "scene.yaml").write_bytes(b"id: mini\nversion: \xff\n")
    with pytest.raises(SourceError) as info:
        load_scene_source(tmp_path)
    assert info.value.line == 2


@pytest.mark.parametrize(
    "relative", ["/etc/passwd", "../x.glb", "a/../../x.glb", "C:/x.glb", "a\\b"]
)
def test_scene_file_stays_inside_the_scene(tmp_path: Path, relative: str) -> None:
    with pytest.raises(SourceError):
        scene_file(tmp_path, relative, what="model")


def test_scene_file_refuses_symlink_escape(tmp_path: Path) -> None:
    scene = tmp_path / "scene"
    scene.mkdir()
    (tmp_path / "secret.glb").write_bytes(b"x")
    (scene / "model.glb").symlink_to(tmp_path / "secret.glb")
    with pytest.raises(SourceError, match="outside"):
        scene_file(scene, "model.glb", what="model")
    assert scene_file(scene, "sub/model.glb", what="model") == scene.resolve() / "sub/model.glb"


def test_run_generator_without_generator_does_nothing(make_scene: MakeScene) -> None:
    scene = make_scene()
    assert run_generator(scene, load_scene_source(scene)) is None
