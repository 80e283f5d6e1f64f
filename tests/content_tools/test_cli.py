"""`vr-content`: exit codes, --json output, error messages and the schema command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from content_tools import __version__
from content_tools.bundle import load_bundle
from content_tools.cli import main, scene_json_schema
from content_tools.format.scene import SceneSource

MakeScene = Callable[..., Path]


def test_package_json_success(
    make_scene: MakeScene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = make_scene()
    dist = tmp_path / "dist"
    assert main(["package", str(scene), "-o", str(dist), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("\n") == 1, "exactly one JSON object, on one line"
    report = json.loads(out)
    assert report["ok"] is True
    assert report["tool_version"] == __version__
    [entry] = report["results"]
    manifest = load_bundle(dist / "mini-0.1.0")
    assert entry == {
        "ok": True,
        "scene_dir": str(scene),
        "scene_id": "mini",
        "version": "0.1.0",
        "bundle_dir": str(dist / "mini-0.1.0"),
        "manifest": str(dist / "mini-0.1.0" / "manifest.json"),
        "glb": manifest.glb.model_dump(mode="json"),
        "thumbnail": None,
        "processing": {  # nothing to do: a self-contained GLB without textures, no compression
            "size_before": manifest.glb.size,
            "size_after": manifest.glb.size,
            "compression": {
                "method": "none",
                "encoder": None,
                "compressed": 0,
                "left_uncompressed": 0,
                "packing": None,
            },
            "textures": {"max_size": 2048, "images": 0, "resized": [], "oversized_kept": []},
            "ktx2": {"mode": "ktx2", "encoder": None, "encoded": [], "kept": []},
        },
    }


def test_package_human_output(
    make_scene: MakeScene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = make_scene()
    assert main(["package", str(scene), "-o", str(tmp_path / "dist")]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"mini 0.1.0 -> {tmp_path / 'dist' / 'mini-0.1.0'} (model ")


def test_package_failure_exits_1_with_a_clear_message(
    make_scene: MakeScene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_scene("good")
    bad = make_scene("bad", nodes=["spawn", "button"])
    dist = tmp_path / "dist"
    assert main(["package", str(good), str(bad), "-o", str(dist), "--json"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["ok"] is False
    ok, failed = report["results"]
    assert ok["ok"] is True
    assert ok["scene_id"] == "mini"
    assert failed["ok"] is False
    assert failed["error"]["type"] == "MissingNodesError"
    assert failed["error"]["path"] == str(bad / "scene.glb")
    assert "sign, tray" in failed["error"]["message"]
    assert f"error: cannot package {bad}" in err
    assert "sign, tray" in err
    assert "Traceback" not in err


def test_yaml_error_is_reported_with_its_line(
    make_scene: MakeScene, mini_yaml: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = make_scene(yaml_text=mini_yaml.replace("duration_min: 4", "duration_min: -2"))
    line = mini_yaml.splitlines().index("duration_min: 4") + 1
    assert main(["package", str(scene), "-o", str(tmp_path / "dist")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{scene / 'scene.yaml'}:{line}: duration_min: Input should be greater than 0" in err
    assert "Traceback" not in err


def test_unwritable_output_exits_1(
    make_scene: MakeScene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = make_scene()
    (tmp_path / "dist").write_text("a file where the output folder should be")
    assert main(["package", str(scene), "-o", str(tmp_path / "dist"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["results"][0]["error"]["type"] == "FileExistsError"


@pytest.mark.parametrize(
    "argv",
    [[], ["bogus"], ["package"], ["package", "scenes/cook"], ["package", "-o", "dist"]],
    ids=["nothing", "unknown-command", "no-args", "no-out", "no-scene"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: vr-content" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "package" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"vr-content {__version__}"


def test_schema_to_file(tmp_path: Path) -> None:
    out = tmp_path / "scene.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema == scene_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {k: v for k, v in schema.items() if k != "$schema"} == SceneSource.model_json_schema()
    assert {"id", "version", "script"} <= set(schema["required"])


def test_schema_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == scene_json_schema()


def test_schema_unwritable_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "-o", str(tmp_path / "missing" / "schema.json")]) == 1
    assert "error: cannot write" in capsys.readouterr().err


def test_a_command_loads_only_its_own_module() -> None:
    """`vr-content validate` must not import the packager's and renderer's libraries (they
    were most of its start-up time): the parser of one command holds only its module's."""
    from content_tools.cli import _command_module, _parser

    assert _command_module(["--json", "versions", "x"]) == "publish"
    assert _command_module(["validate", "a.glb"]) == "validate"
    assert _command_module(["bogus"]) is None
    assert _command_module(["--help"]) is None
    subparsers = next(a for a in _parser("validate")._actions if a.dest == "command")
    assert set(subparsers.choices or ()) == {"validate"}
    every = next(a for a in _parser()._actions if a.dest == "command")
    assert list(every.choices or ()) == [
        "package",
        "validate",
        "publish",
        "rollback",
        "versions",
        "thumbnail",
        "schema",
    ]
