"""`vr-content validate` on a scene's and a bundle's sounds: every cue's node and file exist,
every file is a sound the headset plays, within the size limits, and named by a cue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from content_tools.format.sounds import MAX_SOUND_BYTES, MAX_SOUNDS_BYTES
from content_tools.glb import build_glb
from content_tools.package import package_scene
from content_tools.validate.issues import Severity
from content_tools.validate.run import validate_bundle, validate_scene_dir
from tests.content_tools.conftest import MINI_NODES, MINI_SCENE_YAML, MakeScene, tiny_gltf

OGG = b"OggS\x00\x02" + bytes(40)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(30)
SOUNDS_YAML = """\
  sounds:
    - id: room
      file: sounds/room.ogg
      node: sign
      loop: true
      volume: 0.5
      start: [{event: session_start}]
    - id: ding
      file: sounds/ding.wav
      node: tray
      start: [{event: place, step: move}]
"""


def every_node_a_mesh() -> bytes:
    document, binary = tiny_gltf(MINI_NODES)
    document["bufferViews"][0]["target"] = 34962
    for node in document["nodes"]:
        node["mesh"] = 0
    return build_glb(document, binary)


def sound_scene(
    make_scene: MakeScene, sounds_yaml: str = SOUNDS_YAML, files: dict[str, bytes] | None = None
) -> Path:
    scene = make_scene(yaml_text=MINI_SCENE_YAML + sounds_yaml, model=every_node_a_mesh())
    (scene / "sounds").mkdir()
    for name, data in {"room.ogg": OGG, "ding.wav": WAV, **(files or {})}.items():
        (scene / "sounds" / name).write_bytes(data)
    return scene


def yaml_issues(scene: Path) -> list[tuple[str, Severity, int | None, str]]:
    report = validate_scene_dir(scene)[0]
    return [(i.code, i.severity, i.line, i.message) for i in report.issues.messages]


def line(scene: Path, needle: str) -> int:
    lines = (scene / "scene.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, start=1) if needle in text)


def test_a_scene_with_good_sounds_has_no_issue(make_scene: MakeScene) -> None:
    assert yaml_issues(sound_scene(make_scene)) == []


def test_a_sound_at_a_missing_node_points_at_its_line(make_scene: MakeScene) -> None:
    scene = sound_scene(make_scene, SOUNDS_YAML.replace("node: tray", "node: trey"))
    [(code, severity, at, message)] = yaml_issues(scene)
    assert (code, severity, at) == ("SCRIPT_NODE_MISSING", Severity.ERROR, line(scene, "trey"))
    assert "sound 'ding': node 'trey'" in message
    assert "did you mean 'tray'" in message


def test_a_missing_sound_file_is_an_error(make_scene: MakeScene) -> None:
    scene = sound_scene(make_scene, SOUNDS_YAML.replace("ding.wav", "dong.wav"))
    issues = yaml_issues(scene)
    assert [(c, s, at) for c, s, at, _ in issues] == [
        ("SOUND_FILE_MISSING", Severity.ERROR, line(scene, "dong.wav")),
        ("SOUND_UNREFERENCED", Severity.WARNING, line(scene, "  sounds:")),
    ]
    assert "sound 'ding': sounds/dong.wav does not exist" in issues[0][3]
    assert "sounds/ding.wav is not named" in issues[1][3]


def test_a_sound_file_outside_the_folder_is_refused(make_scene: MakeScene) -> None:
    scene = sound_scene(make_scene, SOUNDS_YAML.replace("sounds/ding.wav", "sounds/../../x.wav"))
    codes = [(c, m) for c, _, _, m in yaml_issues(scene) if c == "SOUND_FILE_MISSING"]
    assert len(codes) == 1
    assert "must not contain '..'" in codes[0][1]


def test_a_file_that_is_not_a_sound_is_an_error(make_scene: MakeScene) -> None:
    scene = sound_scene(make_scene, files={"ding.wav": b"\x89PNG\r\n\x1a\n" + bytes(20)})
    [(code, _, at, message)] = yaml_issues(scene)
    assert (code, at) == ("SOUND_FORMAT", line(scene, "ding.wav"))
    assert "audio/mpeg, audio/ogg, audio/wav" in message


def test_an_oversize_sound_file_is_an_error(make_scene: MakeScene) -> None:
    scene = sound_scene(make_scene, files={"room.ogg": OGG + bytes(MAX_SOUND_BYTES)})
    [(code, _, at, message)] = yaml_issues(scene)
    assert (code, at) == ("SOUND_TOO_LARGE", line(scene, "room.ogg"))
    assert f"a sound file may have {MAX_SOUND_BYTES}" in message


def test_sound_files_over_the_scene_total_are_an_error(make_scene: MakeScene) -> None:
    big = OGG + bytes(MAX_SOUND_BYTES - len(OGG))
    start = "start: [{event: session_start}]"
    cues = "".join(
        f"    - {{id: s{i}, file: sounds/s{i}.ogg, node: sign, {start}}}\n" for i in range(5)
    )
    scene = sound_scene(make_scene, "  sounds:\n" + cues, {f"s{i}.ogg": big for i in range(5)})
    issues = [(c, m) for c, _, _, m in yaml_issues(scene) if c.startswith("SOUND_")]
    totals = [m for c, m in issues if c == "SOUND_TOO_LARGE"]
    assert len(totals) == 1
    assert f"a scene's may have {MAX_SOUNDS_BYTES}" in totals[0]


def test_a_trigger_on_an_unknown_step_is_a_format_error(make_scene: MakeScene) -> None:
    scene = sound_scene(make_scene, SOUNDS_YAML.replace("step: move", "step: mvoe"))
    [(code, _, _, message)] = yaml_issues(scene)
    assert code == "SCENE_FORMAT"
    assert "place names step 'mvoe', which is not a step of the script" in message


# ------------------------------------------------------------------ packaged bundles


@pytest.fixture
def bundle(make_scene: MakeScene, tmp_path: Path) -> Path:
    return package_scene(sound_scene(make_scene), tmp_path / "dist").bundle_dir


def test_packaging_names_sounds_by_sha256_and_renames_the_cues(bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    sounds = {s["media_type"]: s for s in manifest["sounds"]}
    assert sorted(sounds) == ["audio/ogg", "audio/wav"]
    ogg = sounds["audio/ogg"]
    assert ogg["path"] == ogg["sha256"] + ".ogg"
    assert (bundle / ogg["path"]).read_bytes() == OGG
    cues = {c["id"]: c["file"] for c in manifest["script"]["sounds"]}
    assert cues == {"room": ogg["path"], "ding": sounds["audio/wav"]["path"]}
    reports = validate_bundle(bundle)
    assert [r.issues.messages for r in reports] == [[], []]


def _rewrite(bundle: Path, change: object) -> None:
    path = bundle / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)  # type: ignore[operator]
    path.write_text(json.dumps(manifest), encoding="utf-8")


def bundle_codes(bundle: Path) -> list[tuple[str, str]]:
    return [(i.code, i.message) for i in validate_bundle(bundle)[0].issues.messages]


def test_a_bundle_sound_no_cue_names_is_an_error(bundle: Path) -> None:
    _rewrite(bundle, lambda m: m["script"]["sounds"].pop())
    [(code, message)] = bundle_codes(bundle)
    assert code == "SOUND_UNREFERENCED"
    assert "is not named by any sound of the script" in message


def test_a_cue_naming_no_bundle_sound_is_an_error(bundle: Path) -> None:
    _rewrite(bundle, lambda m: m["script"]["sounds"][0].update(file="elsewhere.ogg"))
    codes = [code for code, _ in bundle_codes(bundle)]
    assert codes == ["SOUND_FILE_MISSING", "SOUND_UNREFERENCED"]


def test_a_sound_whose_bytes_are_not_its_media_type_is_an_error(bundle: Path) -> None:
    def swap(manifest: dict[str, list[dict[str, str]]]) -> None:
        for sound in manifest["sounds"]:
            sound["media_type"] = "audio/mpeg"

    _rewrite(bundle, swap)
    codes = bundle_codes(bundle)
    assert [c for c, _ in codes] == ["SOUND_FORMAT", "SOUND_FORMAT"]
    assert "the manifest says audio/mpeg" in codes[0][1]


def test_packaging_refuses_an_oversize_sound(make_scene: MakeScene, tmp_path: Path) -> None:
    from content_tools.errors import SourceError

    scene = sound_scene(make_scene, files={"room.ogg": OGG + bytes(MAX_SOUND_BYTES)})
    with pytest.raises(SourceError, match="sound file"):
        package_scene(scene, tmp_path / "dist")
    assert not (tmp_path / "dist" / "mini-0.1.0").exists()
