"""A generator builds again only when what its outputs are made from changed
(`scenes.kit.inputs`, used by `scenes.kit.export.main`)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from scenes import kit
from scenes.kit import inputs
from scenes.kit.inputs import Record, record_path


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    """A scene folder with its source files and the outputs a generator wrote."""
    folder = tmp_path / "mini"
    (folder / "sounds").mkdir(parents=True)
    (folder / "generate.py").write_text("# builds the scene\n")
    (folder / "scene.yaml").write_text("id: mini\n")
    (folder / "scene.glb").write_bytes(b"glTF model")
    (folder / "thumbnail.png").write_bytes(b"PNG picture")
    (folder / "sounds" / "hum.ogg").write_bytes(b"OggS hum")
    return folder


def recorded(scene: Path) -> Record:
    record = Record(scene, scene / "scene.glb")
    record.write()
    return record


def test_nothing_changed_is_up_to_date(scene: Path) -> None:
    record = recorded(scene)
    assert record.path == record_path(scene / "scene.glb") == scene / ".scene.glb.inputs.json"
    assert record.up_to_date()
    assert Record(scene, scene / "scene.glb").up_to_date()


def test_no_record_is_not_up_to_date(scene: Path) -> None:
    assert not Record(scene, scene / "scene.glb").up_to_date()
    recorded(scene).path.write_text("{not json")
    assert not Record(scene, scene / "scene.glb").up_to_date()


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("scene.yaml", "id: other\n"),  # a source file edited
        ("notes.txt", "new\n"),  # a file added to the scene folder
        ("scene.glb", "edited by hand"),  # an output that is not what was written
        ("sounds/hum.ogg", "OggS other"),
        ("sounds/new.ogg", "OggS new"),  # an output more than was written
    ],
)
def test_a_changed_file_is_not_up_to_date(scene: Path, path: str, change: str) -> None:
    record = recorded(scene)
    (scene / path).write_text(change)
    assert not record.up_to_date()


@pytest.mark.parametrize("path", ["generate.py", "thumbnail.png", "sounds/hum.ogg"])
def test_a_removed_file_is_not_up_to_date(scene: Path, path: str) -> None:
    record = recorded(scene)
    (scene / path).unlink()
    assert not record.up_to_date()


def test_a_changed_module_of_the_repository_is_not_up_to_date(
    scene: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every module of the repository the run imported is an input (a kit module here)."""
    monkeypatch.setattr(inputs, "ROOT", tmp_path)
    module_file = tmp_path / "kit_module.py"
    module_file.write_text("SIZE = 1\n")
    module = types.ModuleType("kit_module")
    module.__file__ = str(module_file)
    monkeypatch.setitem(sys.modules, "kit_module", module)
    record = recorded(scene)
    assert record.up_to_date()
    module_file.write_text("SIZE = 2\n")
    assert not record.up_to_date()
    module_file.unlink()
    assert not record.up_to_date()


def test_another_hash_seed_or_package_version_is_not_up_to_date(
    scene: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    record = recorded(scene)
    assert record.up_to_date()
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    assert not record.up_to_date()
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    real_version = inputs._version
    monkeypatch.setattr(
        inputs, "_version", lambda name: "0.0-other" if name == "numpy" else real_version(name)
    )
    assert not record.up_to_date()


def test_main_builds_only_when_an_input_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    here = tmp_path / "mini"
    here.mkdir()
    (here / "scene.yaml").write_text("id: mini\n")
    builds = []

    def build() -> kit.SceneBuilder:
        builds.append(1)
        builder = kit.SceneBuilder({"floor": kit.plain("floor", (180, 180, 180))})
        builder.add("floor", kit.box((2.0, 0.02, 2.0), (0, -0.02, 0)), "floor")
        builder.marker("spawn", kit.translate(0, 0, 0.5))
        return builder

    assert kit.main([], build, here=here, required=("spawn",)) == 0
    model = (here / "scene.glb").read_bytes()
    assert len(builds) == 1
    assert kit.main([], build, here=here, required=("spawn",)) == 0
    assert len(builds) == 1, "nothing changed: nothing built"
    assert "up to date" in capsys.readouterr().out
    assert (here / "scene.glb").read_bytes() == model
    (here / "scene.yaml").write_text("id: mini\n# edited\n")
    assert kit.main([], build, here=here, required=("spawn",)) == 0
    assert len(builds) == 2
    assert (here / "scene.glb").read_bytes() == model
