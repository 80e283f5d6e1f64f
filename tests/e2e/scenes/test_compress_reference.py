"""The packager's output, compressed each way, passes the Khronos glTF-Validator (npm, one Node
process per check: so e2e). The models are those of tests/content_tools/test_compress.py, which
checks the same bundles by decoding them in process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from content_tools.compress import Compression, compress_parts
from content_tools.glb import build_glb
from content_tools.glb_parts import split_glb, write_glb
from content_tools.package import PackageResult, package_scene
from tests.content_tools.conftest import COOK_DIR
from tests.content_tools.meshpack.test_pack import KEEP, animated_scene, small_scene
from tests.content_tools.test_compress import (
    METHODS,
    USED,
    packaged_every_way,
    textured_model,
    write_textured_scene,
)
from tests.support.generated import generated_copy
from tests.support.reference_validator import error_messages, reference_reports


def test_reference_validator_reports_errors_in_a_broken_model(tmp_path: Path) -> None:
    """The zero-error checks below mean something: the validator does find errors."""
    document, binary = textured_model()
    document["accessors"][0]["max"] = [5, 5, 5]  # ACCESSOR_MAX_MISMATCH
    document["images"] = []
    document["textures"] = []
    document["materials"] = []
    for mesh in document["meshes"]:
        del mesh["primitives"][0]["material"]
    del document["buffers"][0]["uri"]
    broken = tmp_path / "broken.glb"
    broken.write_bytes(build_glb(document, binary))
    [report] = reference_reports([broken])
    assert report["issues"]["numErrors"] >= 1
    assert any("ACCESSOR_MAX_MISMATCH" in message for message in error_messages(report))


@pytest.fixture(scope="module")
def cook_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The reference validator's report of the cook GLB packaged each way (one Node process)."""
    cook = generated_copy(COOK_DIR, tmp_path_factory.mktemp("cook-static"))
    packaged = packaged_every_way(cook, tmp_path_factory, "cook")
    reports = reference_reports([packaged[m].glb_path for m in METHODS])
    return dict(zip(METHODS, reports, strict=True))


@pytest.mark.parametrize("method", METHODS)
def test_cook_packaged_is_valid_for_the_reference_validator(
    method: Compression, cook_reports: dict[str, dict[str, Any]]
) -> None:
    report = cook_reports[method]
    assert error_messages(report) == []
    assert report["issues"]["numErrors"] == 0
    if method != "none":
        assert report["info"]["extensionsUsed"] == USED[method]


def test_packed_cook_and_warehouse_are_valid_for_the_reference_validator(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`--compress meshopt` on two real scenes (quantized, filtered, static meshes merged): no
    error and no warning from the Khronos validator, which decodes EXT_meshopt_compression
    and checks the KHR_mesh_quantization types."""
    paths = []
    for scene in (COOK_DIR, COOK_DIR.parent / "warehouse"):
        copy = generated_copy(scene, tmp_path_factory.mktemp(f"{scene.name}-static"))
        packed = package_scene(copy, tmp_path_factory.mktemp(scene.name), compress="meshopt")
        paths.append(packed.glb_path)
    for path, report in zip(paths, reference_reports(paths), strict=True):
        assert report["issues"]["numErrors"] == 0, (path, error_messages(report))
        assert report["issues"]["numWarnings"] == 0, (path, report["issues"]["messages"])
        assert "KHR_mesh_quantization" in report["info"]["extensionsRequired"]


def test_textured_models_are_valid_for_the_reference_validator(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    scene = write_textured_scene(tmp_path_factory.mktemp("textured"))
    packaged: dict[str, PackageResult] = packaged_every_way(scene, tmp_path_factory, "tex")
    reports = reference_reports([packaged[m].glb_path for m in METHODS])
    for method, report in zip(METHODS, reports, strict=True):
        assert error_messages(report) == [], method
        assert report["info"]["resources"]  # the validator did see the images


def test_packed_small_scenes_are_valid_for_the_reference_validator(tmp_path: Path) -> None:
    """The small scenes of tests/content_tools/meshpack/test_pack.py (mirrored and rotated
    statics, COLOR_0, TEXCOORD_1, an animation with quaternion and exponential filters)."""
    paths = []
    for name, glb in (("small", small_scene()), ("animated", animated_scene())):
        parts = split_glb(glb, path=tmp_path / f"{name}.glb")
        compress_parts(parts, "meshopt", KEEP)
        path = tmp_path / f"{name}-packed.glb"
        path.write_bytes(write_glb(parts.document, parts.views))
        paths.append(path)
    for path, report in zip(paths, reference_reports(paths), strict=True):
        assert error_messages(report) == [], path
        assert report["issues"]["numWarnings"] == 0, (path, report["issues"]["messages"])
