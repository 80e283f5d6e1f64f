"""KTX2 images: reading the header, what KHR_texture_basisu forbids, GPU memory on a Quest,
and the validator and budget on a model that uses them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from content_tools.glb import build_glb
from content_tools.validate.budget import BudgetProfile, load_profile
from content_tools.validate.gltf.ktx2 import (
    basisu_image_header,
    gpu_bytes,
    problems,
    read_ktx2_header,
)
from content_tools.validate.issues import Severity
from content_tools.validate.run import FileReport, validate_model_file
from tests.support.ktx2_files import make_ktx2, png, textured_quad

NODES = ("quad",)


def test_header_of_an_etc1s_and_a_uastc_file() -> None:
    etc1s = read_ktx2_header(make_ktx2(256, 128, codec="etc1s", levels=9))
    assert (etc1s.width, etc1s.height, etc1s.levels) == (256, 128, 9)
    assert (etc1s.codec, etc1s.supercompression, etc1s.transfer) == ("etc1s", "basislz", "srgb")
    assert not etc1s.has_alpha
    assert etc1s.full_mip_chain
    assert etc1s.error is None
    uastc = read_ktx2_header(make_ktx2(64, 64, codec="uastc", srgb=False, alpha=True))
    assert (uastc.codec, uastc.supercompression, uastc.transfer) == ("uastc", "zstd", "linear")
    assert uastc.has_alpha
    assert not uastc.full_mip_chain
    assert read_ktx2_header(make_ktx2(8, 8, codec="etc1s", alpha=True)).has_alpha


@pytest.mark.parametrize(
    ("codec", "alpha", "levels", "expected"),
    [
        # 0.5 byte a pixel: ETC1 blocks of 8 bytes; mips 256, 128, ..., 1 (levels below 4 px
        # still take one whole block)
        ("etc1s", False, 1, 256 * 256 // 2),
        ("etc1s", False, 9, (256 * 256 + 128 * 128 + 64 * 64 + 32 * 32 + 16 * 16 + 64) // 2 + 24),
        ("etc1s", True, 1, 256 * 256),  # ETC2 RGBA: 1 byte a pixel
        ("uastc", False, 1, 256 * 256),  # ASTC 4x4: 1 byte a pixel
    ],
)
def test_gpu_bytes_are_the_transcoded_blocks(
    codec: str, alpha: bool, levels: int, expected: int
) -> None:
    header = read_ktx2_header(make_ktx2(256, 256, codec=codec, alpha=alpha, levels=levels))
    assert gpu_bytes(header) == expected
    rgba8_with_mips = 256 * 256 * 4 * 4 // 3
    assert gpu_bytes(header) <= rgba8_with_mips // 5


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"vk_format": 37}, "vkFormat is 37"),
        ({"faces": 6}, "not a 2D image"),
        ({"depth": 4}, "not a 2D image"),
        ({"codec": "other"}, "neither ETC1S nor UASTC"),
        ({"codec": "etc1s", "supercompression": "zstd"}, "not BasisLZ"),
        ({"codec": "uastc", "supercompression": "zlib"}, "UASTC data with zlib"),
        ({"width": 30}, "not a multiple of 4"),
    ],
)
def test_what_the_extension_forbids(kwargs: dict[str, object], problem: str) -> None:
    size = {"width": kwargs.pop("width", 32), "height": 32}
    header = read_ktx2_header(make_ktx2(size["width"], size["height"], **kwargs))  # type: ignore[arg-type]
    found = problems(header)
    assert any(problem in sentence for sentence in found), found


def test_hostile_bytes_never_raise() -> None:
    good = make_ktx2(64, 64, codec="etc1s", levels=7)
    for end in range(len(good)):
        header = read_ktx2_header(good[:end])
        assert header.error is not None, end
        assert gpu_bytes(header) == 0
    # a level index pointing far past the data
    bad = bytearray(good)
    bad[80:88] = (1 << 62).to_bytes(8, "little")
    assert "past the end" in (read_ktx2_header(bytes(bad)).error or "")
    assert basisu_image_header(b"\x89PNG\r\n\x1a\n" + bytes(40)) is None


def _validate(
    tmp_path: Path, document: dict[str, Any], binary: bytes, profile: BudgetProfile
) -> FileReport:
    path = tmp_path / "model.glb"
    path.write_bytes(build_glb(document, binary))
    return validate_model_file(path, root=None, profile=profile)


def _basisu(document: dict[str, Any]) -> dict[str, Any]:
    """Point every texture at its image through KHR_texture_basisu (no fallback)."""
    textures: list[dict[str, Any]] = document["textures"]
    for texture in textures:
        texture["extensions"] = {"KHR_texture_basisu": {"source": texture.pop("source")}}
    document["extensionsUsed"] = ["KHR_texture_basisu"]
    document["extensionsRequired"] = ["KHR_texture_basisu"]
    return document


def test_validator_accepts_basisu_images_and_counts_their_gpu_memory(tmp_path: Path) -> None:
    colour = make_ktx2(1024, 1024, codec="etc1s", levels=11)
    data = make_ktx2(512, 512, codec="uastc", srgb=False, levels=10)
    document, binary = textured_quad(NODES, [(colour, "image/ktx2"), (data, "image/ktx2")])
    report = _validate(tmp_path, _basisu(document), binary, load_profile("quest2"))
    assert [i.code for i in report.issues.messages if i.severity <= Severity.INFO] == []
    assert report.info is not None
    expected = gpu_bytes(read_ktx2_header(colour)) + gpu_bytes(read_ktx2_header(data))
    assert report.info.texture_gpu_bytes == expected
    assert expected < (1024 * 1024 + 512 * 512) * 4 * 4 // 3 // 5  # a fifth of RGBA8 + mips
    assert report.info.max_texture_size == 1024


def test_the_budget_counts_ktx2_memory_not_rgba8(tmp_path: Path) -> None:
    """4096x4096 ETC1S takes 10.7 MB with mips; as RGBA8 it would be 85 MB, over a 16 MB
    budget."""
    big = make_ktx2(4096, 4096, codec="etc1s", levels=13)
    document, binary = textured_quad(NODES, [(big, "image/ktx2")])
    profile = BudgetProfile(name="tight", max_texture_gpu_mb=16)
    report = _validate(tmp_path, _basisu(document), binary, profile)
    assert "BUDGET_TEXTURE_MEMORY" not in report.issues.codes()
    # a quarter of the pixels as PNG: 2048x2048 RGBA8 with mips is 22.4 MB
    out = io.BytesIO()
    Image.new("RGB", (2048, 2048), (200, 120, 40)).save(out, format="PNG")
    as_png_document, as_png_binary = textured_quad(NODES, [(out.getvalue(), "image/png")])
    report = _validate(tmp_path, as_png_document, as_png_binary, profile)
    assert "BUDGET_TEXTURE_MEMORY" in report.issues.codes()


def test_without_the_extension_a_ktx2_image_is_unrecognised_as_by_the_reference(
    tmp_path: Path,
) -> None:
    """A KTX2 image a core texture uses (no extension): the reference's findings."""
    document, binary = textured_quad(NODES, [(make_ktx2(64, 64), "image/ktx2")])
    report = _validate(tmp_path, document, binary, load_profile("quest2"))
    codes = report.issues.codes(Severity.WARNING)
    assert {"VALUE_NOT_IN_LIST", "IMAGE_UNRECOGNIZED_FORMAT"} <= codes


def test_a_basisu_source_must_be_ktx2_and_valid(tmp_path: Path) -> None:
    document, binary = textured_quad(
        NODES,
        [(png((64, 64)), "image/png"), (make_ktx2(30, 32, codec="uastc"), "image/ktx2")],
    )
    report = _validate(tmp_path, _basisu(document), binary, load_profile("quest2"))
    by_code = {issue.code: issue for issue in report.issues.messages}
    mime = by_code["TEXTURE_INVALID_IMAGE_MIME_TYPE"]
    assert mime.pointer == "/textures/0/extensions/KHR_texture_basisu/source"
    assert mime.severity == Severity.ERROR
    invalid = by_code["IMAGE_DATA_INVALID"]
    assert invalid.pointer == "/images/1"
    assert "not a multiple of 4" in invalid.message
