"""The GPU memory `info` estimates for PNG/JPEG textures (content_tools/validate/info.py): RGBA8,
with the mip chain the loader makes only when some texture samples the image with mipmaps.
KTX2 images count the levels they store (tests/content_tools/validate/gltf/test_ktx2.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from content_tools.glb import build_glb
from content_tools.validate.budget import BudgetProfile
from content_tools.validate.run import FileReport, validate_model_file
from tests.support.ktx2_files import png, textured_quad

SIDE = 1024
RGBA8 = SIDE * SIDE * 4


def _report(tmp_path: Path, document: dict[str, Any], binary: bytes) -> FileReport:
    path = tmp_path / "model.glb"
    path.write_bytes(build_glb(document, binary))
    profile = BudgetProfile(name="tight", max_texture_gpu_mb=5)
    return validate_model_file(path, root=None, profile=profile)


@cache
def _png() -> bytes:
    return png((SIDE, SIDE))


def _quad(samplers: list[dict[str, Any]] | None) -> tuple[dict[str, Any], bytes]:
    """One PNG (image 0) used by the base colour texture; `samplers` (None: no sampler)."""
    document, binary = textured_quad(("quad",), [(_png(), "image/png")])
    if samplers is None:
        del document["samplers"]
        del document["textures"][0]["sampler"]
    else:
        document["samplers"] = samplers
    return document, binary


@pytest.mark.parametrize(
    ("samplers", "mips"),
    [
        (None, True),  # no sampler: the loader's default filter uses mipmaps
        ([{}], True),  # a sampler without minFilter: the same
        ([{"minFilter": 9987}], True),
        ([{"minFilter": 9984}], True),
        ([{"minFilter": 9729}], False),  # LINEAR: no mips made
        ([{"minFilter": 9728}], False),  # NEAREST
    ],
)
def test_a_png_counts_its_mips_only_when_sampled_with_them(
    tmp_path: Path, samplers: list[dict[str, Any]] | None, mips: bool
) -> None:
    report = _report(tmp_path, *_quad(samplers))
    assert report.info is not None
    assert report.info.texture_gpu_bytes == (RGBA8 * 4 // 3 if mips else RGBA8)
    # 4 MB fit a 5 MB budget; 5.3 MB with mips do not
    assert ("BUDGET_TEXTURE_MEMORY" in report.issues.codes()) is mips


def test_an_image_any_of_whose_textures_uses_mipmaps_counts_them(tmp_path: Path) -> None:
    document, binary = _quad([{"minFilter": 9729}, {"minFilter": 9986}])
    document["textures"].append({"sampler": 1, "source": 0})
    document["materials"][0]["emissiveTexture"] = {"index": 1}
    report = _report(tmp_path, document, binary)
    assert report.info is not None
    assert report.info.texture_gpu_bytes == RGBA8 * 4 // 3
    document["samplers"][1] = {"minFilter": 9728}
    report = _report(tmp_path, document, binary)
    assert report.info is not None
    assert report.info.texture_gpu_bytes == RGBA8
