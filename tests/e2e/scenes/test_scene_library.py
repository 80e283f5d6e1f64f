"""The occupation scene library: every `scenes/*/scene.yaml`.

Each scene is generated and packaged once per test session (the `scene_library` fixture of
tests/e2e/conftest.py, shared with the simulated-headset tests); the tests here read the bundles.
"""

from __future__ import annotations

import importlib
import io
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from content_tools.bundle import iter_bundles, load_bundle
from content_tools.format.manifest import BundleManifest
from content_tools.format.scene import (
    GrabPlaceAction,
    LookAtAction,
    QuizAction,
    SceneSource,
    SelectAction,
)
from content_tools.glb import parse_glb
from content_tools.gltf import read_model
from content_tools.package import package_scene
from content_tools.source import load_scene_source
from content_tools.validate.gltf.ktx2 import KTX2_MEDIA_TYPE, read_ktx2_header
from tests.conftest import scene_dirs, scene_library_compression, scene_library_textures
from tests.content_tools.test_cook_scene import world_positions

SCENES = scene_dirs()
SCENE_IDS = [path.name for path in SCENES]
THAI = re.compile(r"[\u0E00-\u0E7F]")
MAX_GLB_BYTES = 15 * 1024 * 1024
QUEST2 = {"triangles": 300_000, "draw_calls": 150, "materials": 40, "texture_px": 1024}
DETAIL_TRIANGLES = (40_000, 120_000)  # a scene's triangles, issue 20's target
DETAIL_DRAW_CALLS = 100

pytestmark = pytest.mark.slow


class Bundle:
    """A packaged scene: its source, manifest, bundle folder and parsed GLB."""

    def __init__(self, scene_dir: Path, bundle_dir: Path, manifest: BundleManifest) -> None:
        self.scene_dir = scene_dir
        self.source: SceneSource = load_scene_source(scene_dir)
        self.bundle_dir = bundle_dir
        self.manifest = manifest
        self.glb_path = bundle_dir / manifest.glb.path
        self.glb = self.glb_path.read_bytes()
        self.document, self.binary = parse_glb(self.glb, path=self.glb_path)

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.bundle_dir.iterdir())}

    def thumbnail(self) -> bytes:
        """The packaged thumbnail."""
        assert self.manifest.thumbnail is not None
        return (self.bundle_dir / self.manifest.thumbnail.path).read_bytes()


@pytest.fixture(scope="session")
def bundles(scene_library: Path) -> dict[str, Bundle]:
    by_id = {load_bundle(b).scene_id: (b, load_bundle(b)) for b in iter_bundles(scene_library)}
    return {path.name: Bundle(path, *by_id[path.name]) for path in SCENES}


def mesh_nodes(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (node for node in document["nodes"] if "mesh" in node)


def has_mesh(document: dict[str, Any], name: str) -> bool:
    nodes = document["nodes"]
    (index,) = [i for i, node in enumerate(nodes) if node.get("name") == name]
    stack = [index]
    while stack:
        node = nodes[stack.pop()]
        if "mesh" in node:
            return True
        stack.extend(node.get("children", []))
    return False


def image_size(image: dict[str, Any], data: bytes) -> tuple[int, int]:
    """The width and height of an embedded PNG or KTX2 image."""
    if image.get("mimeType") == KTX2_MEDIA_TYPE:
        header = read_ktx2_header(data)
        return header.width, header.height
    return png_size(data)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_library_has_at_least_twelve_scenes() -> None:
    assert len(SCENES) >= 12
    assert "cook" in SCENE_IDS
    assert "kit" not in SCENE_IDS  # the builder kit is not a scene


def test_the_library_spreads_over_the_interest_types() -> None:
    """Issue 20: besides the many mainly Realistic occupations, at least one mainly
    Investigative, Artistic and Social one, so that every visitor's profile has a fit."""
    leading = {load_scene_source(path).riasec[0] for path in SCENES}
    assert {"R", "I", "A", "S"} <= leading


@pytest.mark.parametrize("scene_dir", SCENES, ids=SCENE_IDS)
def test_scene_source_metadata_and_texts(scene_dir: Path) -> None:
    source = load_scene_source(scene_dir)
    assert source.id == scene_dir.name
    assert source.generator == "generate.py"
    assert source.thumbnail == "thumbnail.png"
    assert (scene_dir / "__init__.py").is_file()
    assert source.job_search_url == "https://www.doe.go.th/jobsearch?isco={isco08}&q={query}"
    assert source.job_link("en").startswith(
        f"https://www.doe.go.th/jobsearch?isco={source.isco08}&q="
    )
    assert len(source.skills) >= 3

    texts = [source.title, source.summary, source.job_query, *source.skills]
    for step in source.script.steps:
        texts += [step.title, step.narration, *(h.text for h in step.hints)]
        if isinstance(step.action, QuizAction):
            for question in step.action.questions:
                texts += [question.prompt, *(c.text for c in question.choices)]
                texts += [question.explanation] if question.explanation else []
    for text in texts:
        assert THAI.search(text.th), text
        assert not THAI.search(text.en), text


@pytest.mark.parametrize("scene_dir", SCENES, ids=SCENE_IDS)
def test_scene_script_shape(scene_dir: Path) -> None:
    source = load_scene_source(scene_dir)
    steps = source.script.steps
    assert steps[0].action.kind == "continue", "the session opens with an introduction"
    hands_on = [
        s for s in steps if isinstance(s.action, SelectAction | GrabPlaceAction | LookAtAction)
    ]
    assert len(hands_on) >= 5
    assert len({s.action.kind for s in hands_on}) >= 2
    assert all(s.hints for s in hands_on), "every hands-on step has a hint"
    quizzes = [s.action for s in steps if isinstance(s.action, QuizAction)]
    assert sum(len(q.questions) for q in quizzes) >= 3
    for quiz in quizzes:
        for question in quiz.questions:
            assert len(question.choices) >= 3
            assert question.explanation is not None
    minutes = sum(s.expected_s for s in steps) / 60
    assert 6 <= minutes <= 10
    assert abs(source.duration_min - minutes) <= 1
    for step in steps:
        if isinstance(step.action, GrabPlaceAction):
            assert step.action.node != step.action.target


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_scene_model_has_the_script_nodes(bundles: dict[str, Bundle], scene_id: str) -> None:
    bundle = bundles[scene_id]
    document = bundle.document
    names = [node["name"] for node in document["nodes"] if "name" in node]
    assert len(names) == len(set(names)), "node names are unique"
    script = bundle.source.script
    assert script.referenced_nodes() | {bundle.source.spawn_node} <= set(names)
    for step in script.steps:
        action = step.action
        if isinstance(action, SelectAction | GrabPlaceAction):
            assert has_mesh(document, action.node), (step.id, action.node)
        if isinstance(action, LookAtAction):
            assert has_mesh(document, action.node), (step.id, action.node)

    position = world_positions(document)
    spawn = position[bundle.source.spawn_node]
    assert abs(spawn[1]) < 1e-6, "the spawn point is on the floor"
    assert not has_mesh(document, bundle.source.spawn_node)
    for name in script.referenced_nodes():
        offset = position[name] - spawn
        assert np.hypot(offset[0], offset[2]) < 5.0, f"{name} is within a few steps of spawn"
        assert -0.05 <= position[name][1] <= 2.8, f"{name} is within reach (a ladder at most)"


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_scene_model_fits_the_quest2_budget(bundles: dict[str, Bundle], scene_id: str) -> None:
    bundle = bundles[scene_id]
    document = bundle.document
    assert len(bundle.glb) < MAX_GLB_BYTES
    primitives = [
        primitive
        for node in mesh_nodes(document)
        for primitive in document["meshes"][node["mesh"]]["primitives"]
    ]
    triangles = sum(document["accessors"][p["indices"]]["count"] // 3 for p in primitives)
    # Issue 20: detail where the visitor looks, within the quest2 budget with headroom.
    assert DETAIL_TRIANGLES[0] <= triangles <= DETAIL_TRIANGLES[1] <= QUEST2["triangles"]
    assert len(primitives) < DETAIL_DRAW_CALLS <= QUEST2["draw_calls"]
    assert 5 <= len(document["materials"]) <= QUEST2["materials"]
    lights = document.get("extensions", {}).get("KHR_lights_punctual", {}).get("lights", [])
    assert len(lights) <= 2
    views = document["bufferViews"]
    assert bundle.binary is not None
    for image in document.get("images", []):
        view = views[image["bufferView"]]
        start = view.get("byteOffset", 0)
        data = bundle.binary[start : start + view["byteLength"]]
        assert max(image_size(image, data)) <= QUEST2["texture_px"]
    assert document.get("textures"), "the scene uses procedural textures"
    model = read_model(bundle.glb_path)
    assert model.is_self_contained()
    for mesh in document["meshes"]:
        for primitive in mesh["primitives"]:
            assert {"POSITION", "NORMAL"} <= set(primitive["attributes"])


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_scene_thumbnail_is_a_rendering(bundles: dict[str, Bundle], scene_id: str) -> None:
    bundle = bundles[scene_id]
    data = bundle.thumbnail()
    assert png_size(data) == (640, 360)
    assert (bundle.scene_dir / "thumbnail.png").read_bytes() == data
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).reshape(-1, 3)
    colours = len(np.unique(pixels, axis=0))
    assert colours >= 2000, f"only {colours} colours: not a rendered room"
    spread = pixels.astype(float).std(axis=0).mean()
    assert spread > 20, "a varied picture, not one flat colour"


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_scene_packaging_is_deterministic(
    bundles: dict[str, Bundle], scene_id: str, tmp_path: Path, ktx2_cache: Path
) -> None:
    """Packaging again gives identical bytes (GLB, manifest, thumbnail), and the generator
    builds an identical GLB again (in process, without rendering the thumbnail again). The
    textures come from the run's KTX2 cache, which the library filled (the encoder's own
    determinism is tests/e2e/cli/test_ktx2_textures.py's)."""
    bundle = bundles[scene_id]
    copy = tmp_path / scene_id
    copy.mkdir()
    for name in ("scene.glb", "thumbnail.png"):
        shutil.copy2(bundle.scene_dir / name, copy / name)
    if (bundle.scene_dir / "sounds").is_dir():
        shutil.copytree(bundle.scene_dir / "sounds", copy / "sounds")
    text = (bundle.scene_dir / "scene.yaml").read_text(encoding="utf-8")
    # The generated files are already there: package them without running the generator.
    text, replaced = re.subn(r"(?m)^generator: generate\.py\n", "", text)
    assert replaced == 1
    (copy / "scene.yaml").write_text(text, encoding="utf-8")
    packaging = bundle.manifest.packaging
    assert packaging is not None
    assert packaging.compression == scene_library_compression()
    again = package_scene(
        copy,
        tmp_path / "dist",
        compress=packaging.compression,
        textures=scene_library_textures(),
        ktx2_cache=ktx2_cache,
    )
    assert again.bundle_dir.name == bundle.bundle_dir.name
    files = {p.name: p.read_bytes() for p in sorted(again.bundle_dir.iterdir())}
    assert files == bundle.files()

    generator = importlib.import_module(f"scenes.{scene_id}.generate")
    export: Any = importlib.import_module("scenes.kit.export")
    assert (
        export.export_glb(generator.build(), generator.NODES)
        == (bundle.scene_dir / "scene.glb").read_bytes()
    )
    # and the same sound files, byte for byte (scenes/kit/sound.py fixes Ogg's random serial)
    sound: Any = importlib.import_module("scenes.kit.sound")
    made = {f"sounds/{n}.ogg": sound.encode_ogg(c) for n, c in generator.sounds().items()}
    packaged = {cue.file: files[packaged] for cue, packaged in _sound_files(bundle)}
    assert made == packaged


def _sound_files(bundle: Bundle) -> list[tuple[Any, str]]:
    """Each sound cue of the scene's source with the bundle file it became."""
    renamed = {cue.id: cue.file for cue in bundle.manifest.script.sounds}
    return [(cue, renamed[cue.id]) for cue in bundle.source.script.sounds]


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_scene_has_ambience_and_action_sounds(bundles: dict[str, Bundle], scene_id: str) -> None:
    """Issue 20: every scene sounds like its workplace: a looping ambience from the start and
    sounds on at least three of the script's actions, each file an Ogg within the limits."""
    bundle = bundles[scene_id]
    cues = bundle.source.script.sounds
    ambience = [c for c in cues if c.loop and any(t.event == "session_start" for t in c.start)]
    assert ambience, "a looping ambience that starts with the session"
    actions = {(t.event, t.step) for c in cues for t in c.start if t.step is not None}
    assert len(actions) >= 3, "sounds on at least three script events"
    assert sum(s.size for s in bundle.manifest.sounds) <= 512 * 1024, "a small download"
    for asset in bundle.manifest.sounds:
        assert asset.media_type == "audio/ogg"
        assert (bundle.bundle_dir / asset.path).read_bytes().startswith(b"OggS")


@pytest.mark.parametrize("scene_dir", SCENES, ids=SCENE_IDS)
def test_vr_content_validate_quest2_is_clean(bundles: dict[str, Bundle], scene_dir: Path) -> None:
    """`vr-content validate --profile quest2` on the scene folder and on its bundle: no error
    (so no budget overrun) and no warning, in scene.yaml or in the model."""
    from content_tools.validate.budget import load_profile
    from content_tools.validate.run import validate_bundle, validate_scene_dir

    quest2 = load_profile("quest2")
    for reports in (
        validate_scene_dir(scene_dir, profile=quest2),
        validate_bundle(bundles[scene_dir.name].bundle_dir, profile=quest2),
    ):
        assert len(reports) == 2
        found = [
            (Path(r.uri).name, i.code, i.message)
            for r in reports
            for i in r.issues.messages
            if i.severity <= 1
        ]
        assert found == []


def test_every_packaged_scene_passes_the_reference_validator(bundles: dict[str, Bundle]) -> None:
    """The Khronos glTF-Validator (npm) finds no error in any packaged scene (one Node run)."""
    from tests.support.reference_validator import reference_reports

    paths = [bundle.glb_path for bundle in bundles.values()]
    reports = reference_reports(paths)
    assert len(reports) == len(paths) >= 8
    errors = {
        Path(r["uri"]).name: [m["code"] for m in r["issues"]["messages"] if m["severity"] == 0]
        for r in reports
    }
    assert all(codes == [] for codes in errors.values()), errors
