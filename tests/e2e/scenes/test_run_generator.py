"""`run_generator`: a scene's generator script runs as a process of this interpreter, in the
scene folder, and its failures, silence and overruns become GeneratorError. (Without a
generator nothing runs: tests/content_tools/test_source.py.)"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from content_tools.errors import ContentError, GeneratorError
from content_tools.glb import build_glb
from content_tools.source import load_scene_source, run_generator
from tests.content_tools.conftest import MINI_NODES, MINI_SCENE_YAML, tiny_gltf

MakeScene = Callable[..., Path]


@pytest.fixture
def make_scene(tmp_path: Path) -> MakeScene:
    """A `mini` scene folder with `yaml_text` and the tiny GLB as scene.glb."""

    def make(*, yaml_text: str) -> Path:
        scene = tmp_path / "mini"
        scene.mkdir()
        (scene / "scene.yaml").write_text(yaml_text, encoding="utf-8")
        (scene / "scene.glb").write_bytes(build_glb(*tiny_gltf(MINI_NODES)))
        return scene

    return make


@pytest.fixture
def generator_yaml() -> str:
    return MINI_SCENE_YAML.replace("model: scene.glb", "model: out.glb\ngenerator: gen.py")


def test_run_generator_writes_the_model(make_scene: MakeScene, generator_yaml: str) -> None:
    scene = make_scene(yaml_text=generator_yaml)
    (scene / "gen.py").write_text(
        "import os, sys, pathlib\n"
        "assert pathlib.Path.cwd().name == 'mini'\n"
        "assert os.environ['PYTHONHASHSEED'] == '0'\n"
        "pathlib.Path(sys.argv[1]).write_bytes(pathlib.Path('scene.glb').read_bytes())\n"
    )
    source = load_scene_source(scene)
    model = run_generator(scene, source)
    assert model == scene.resolve() / "out.glb"
    assert model.read_bytes() == (scene / "scene.glb").read_bytes()


def test_failing_generator_reports_stderr(make_scene: MakeScene, generator_yaml: str) -> None:
    scene = make_scene(yaml_text=generator_yaml)
    (scene / "gen.py").write_text(
        "import sys\nprint('no trimesh here', file=sys.stderr)\nsys.exit(3)\n"
    )
    with pytest.raises(GeneratorError) as info:
        run_generator(scene, load_scene_source(scene))
    message = str(info.value)
    assert "gen.py" in message
    assert "exit status 3" in message
    assert "no trimesh here" in message
    assert isinstance(info.value, ContentError)


def test_generator_that_writes_nothing(make_scene: MakeScene, generator_yaml: str) -> None:
    scene = make_scene(yaml_text=generator_yaml)
    (scene / "gen.py").write_text("print('hello')\n")
    with pytest.raises(GeneratorError, match=r"did not write the model 'out\.glb'"):
        run_generator(scene, load_scene_source(scene))


def test_generator_timeout(make_scene: MakeScene, generator_yaml: str) -> None:
    scene = make_scene(yaml_text=generator_yaml)
    (scene / "gen.py").write_text("import time\ntime.sleep(30)\n")
    with pytest.raises(GeneratorError, match=r"did not finish within 0\.5 s"):
        run_generator(scene, load_scene_source(scene), timeout_s=0.5)


def test_generator_runs_with_this_interpreter(make_scene: MakeScene, generator_yaml: str) -> None:
    scene = make_scene(yaml_text=generator_yaml)
    (scene / "gen.py").write_text(
        "import sys, pathlib\npathlib.Path(sys.argv[1]).write_text(sys.executable)\n"
    )
    model = run_generator(scene, load_scene_source(scene))
    assert model is not None
    assert Path(model.read_text()).resolve() == Path(sys.executable).resolve()
