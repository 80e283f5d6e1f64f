"""KTX2 textures with the real encoder (npm ktx2-encoder, a Node.js process): the package hook
on a tiny scene, `vr-content package` following the quest profile, deterministic output, and
the cook scene packaged with KTX2 clean for the Khronos reference validator and ours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content_tools import ktx2
from content_tools.cli import main
from content_tools.glb import build_glb, parse_glb
from content_tools.ktx2 import BASISU
from content_tools.package import PackageResult, package_scene
from content_tools.validate.gltf.ktx2 import read_ktx2_header
from content_tools.validate.issues import Severity
from content_tools.validate.run import validate_model_file
from tests.conftest import SCENES_DIR
from tests.content_tools.conftest import MINI_NODES, MINI_SCENE_YAML
from tests.support.generated import generated_copy
from tests.support.ktx2_files import png, textured_quad
from tests.support.reference_validator import reference_reports


def _tiny_scene(folder: Path) -> Path:
    folder.mkdir()
    (folder / "scene.yaml").write_text(MINI_SCENE_YAML, encoding="utf-8")
    document, binary = textured_quad(
        MINI_NODES, [(png((32, 16)), "image/png"), (png((16, 16), seed=3), "image/png")]
    )
    (folder / "scene.glb").write_bytes(build_glb(document, binary))
    return folder


def test_the_hook_encodes_a_tiny_scene_deterministically(tmp_path: Path) -> None:
    scene = _tiny_scene(tmp_path / "mini")
    first = package_scene(scene, tmp_path / "a", textures="ktx2")
    again = package_scene(scene, tmp_path / "b", textures="ktx2")
    assert first.glb_path.read_bytes() == again.glb_path.read_bytes()
    assert first.processing is not None
    encoded = first.processing.ktx2.encoded
    assert [(i.codec, i.srgb, i.size) for i in encoded] == [
        ("etc1s", True, (32, 16)),
        ("uastc", False, (16, 16)),
    ]
    assert first.processing.ktx2.encoder == "ktx2-encoder 0.6.0"
    document, binary = parse_glb(first.glb_path.read_bytes(), path=first.glb_path)
    assert binary is not None
    headers = []
    for image in document["images"]:
        view = document["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        headers.append(read_ktx2_header(binary[start : start + view["byteLength"]]))
    assert [(h.codec, h.transfer, h.levels, h.error) for h in headers] == [
        ("etc1s", "srgb", 6, None),  # a full mip chain: 32x16 .. 1x1
        ("uastc", "linear", 5, None),
    ]
    report = validate_model_file(first.glb_path, root=None)
    assert [i.code for i in report.issues.messages if i.severity <= Severity.WARNING] == []


def test_the_command_line_follows_the_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = _tiny_scene(tmp_path / "mini")
    assert main(["package", str(scene), "-o", str(tmp_path / "q"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["profile"], report["textures"]) == ("quest2", "ktx2")
    ktx2 = report["results"][0]["processing"]["ktx2"]
    assert [image["codec"] for image in ktx2["encoded"]] == ["etc1s", "uastc"]
    assert sum(i["gpu_bytes_after"] for i in ktx2["encoded"]) < sum(
        i["gpu_bytes_before"] for i in ktx2["encoded"]
    )
    assert main(["package", str(scene), "-o", str(tmp_path / "k"), "--textures", "keep"]) == 0
    assert "textures:" not in capsys.readouterr().out


def test_the_command_line_keeps_encodings_in_a_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--ktx2-cache DIR` (default VR_KTX2_CACHE): the real encoder's output, kept and given
    back byte for byte; without it nothing is kept."""
    scene = _tiny_scene(tmp_path / "mini")
    cache = tmp_path / "cache"
    assert main(["package", str(scene), "-o", str(tmp_path / "a"), "--ktx2-cache", str(cache)]) == 0
    assert len(list(cache.glob("*.ktx2"))) == 2
    monkeypatch.setattr(ktx2, "_run_encoder", None)  # a second encoding would fail
    monkeypatch.setenv("VR_KTX2_CACHE", str(cache))
    assert main(["package", str(scene), "-o", str(tmp_path / "b")]) == 0
    assert _glbs(tmp_path / "a") == _glbs(tmp_path / "b")
    monkeypatch.undo()
    assert main(["package", str(scene), "-o", str(tmp_path / "c")]) == 0  # encodes again
    assert _glbs(tmp_path / "c") == _glbs(tmp_path / "a")
    assert len(list(cache.glob("*.ktx2"))) == 2


def _glbs(dist: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(dist.glob("*/*.glb"))]


@pytest.fixture(scope="module")
def cook_packaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackageResult]:
    scene = generated_copy(SCENES_DIR / "cook", tmp_path_factory.mktemp("cook"))
    return {
        mode: package_scene(scene, tmp_path_factory.mktemp(mode), textures=mode)
        for mode in ("keep", "ktx2")
    }


def _findings(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m["code"], m.get("pointer", "")) for m in report["issues"]["messages"]}


def test_cook_with_ktx2_is_clean_for_both_validators(
    cook_packaged: dict[str, PackageResult],
) -> None:
    """The reference (gltf-validator 2.0.0-dev.3.10) does not know KHR_texture_basisu: beyond
    what it says of the PNG package it reports the extension as unsupported (info), the
    image/ktx2 type and format as unknown (warnings) and, not following the extension's
    `source`, the images as unused (info); never an error. Ours knows the extension and
    reports none of these."""
    keep, ktx2 = cook_packaged["keep"], cook_packaged["ktx2"]
    assert ktx2.processing is not None
    images = len(ktx2.processing.ktx2.encoded)
    png_document, _ = parse_glb(keep.glb_path.read_bytes(), path=keep.glb_path)
    assert images == len(png_document["images"]) == 6  # five textures and the sign atlas
    png_report, ktx2_report = reference_reports([keep.glb_path, ktx2.glb_path])
    assert ktx2_report["issues"]["numErrors"] == 0
    extra = _findings(ktx2_report) - _findings(png_report)
    expected = {("UNSUPPORTED_EXTENSION", "/extensionsUsed/0")}
    for index in range(images):
        expected |= {
            ("VALUE_NOT_IN_LIST", f"/images/{index}/mimeType"),
            ("IMAGE_UNRECOGNIZED_FORMAT", f"/images/{index}"),
            ("UNUSED_OBJECT", f"/images/{index}"),
        }
    assert extra == expected
    ours = validate_model_file(ktx2.glb_path, root=None)
    ours_png = validate_model_file(keep.glb_path, root=None)
    assert {(i.code, i.pointer) for i in ours.issues.messages} == {
        (i.code, i.pointer) for i in ours_png.issues.messages
    }
    assert ours.info is not None
    assert ours_png.info is not None
    assert ours.info.texture_gpu_bytes == sum(
        image.gpu_bytes_after for image in ktx2.processing.ktx2.encoded
    )
    # ETC1 with mips: 0.67 byte a pixel, RGBA8 with mips 5.33: a factor of 8 (less the
    # smallest levels, one whole 4x4 block each)
    assert ours.info.texture_gpu_bytes * 7 < ours_png.info.texture_gpu_bytes
    document, _ = parse_glb(ktx2.glb_path.read_bytes(), path=ktx2.glb_path)
    assert document["extensionsRequired"] == [BASISU]
