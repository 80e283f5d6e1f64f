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


# --- our own warnings on how KTX2 textures are used (ktx2_use.py), and the budget's levels ---

MIPS = "VR_KTX2_MIPMAPS_MISSING"
SPACE = "VR_KTX2_COLOR_SPACE_MISMATCH"


def _ours(report: FileReport) -> list[tuple[str, str | None]]:
    return [(i.code, i.pointer) for i in report.issues.messages if i.code.startswith("VR_")]


def _quad(
    tmp_path: Path,
    colour: bytes,
    data: bytes | None = None,
    sampler: dict[str, Any] | None = None,
    profile: BudgetProfile | None = None,
) -> FileReport:
    images = [(colour, "image/ktx2")] + ([(data, "image/ktx2")] if data is not None else [])
    document, binary = textured_quad(NODES, images)
    if sampler is None:
        del document["samplers"]
        for texture in document["textures"]:
            del texture["sampler"]
    else:
        document["samplers"] = [sampler]
    return _validate(tmp_path, _basisu(document), binary, profile or load_profile("quest2"))


FULL_COLOUR = make_ktx2(64, 32, codec="etc1s", levels=7)  # 64x32 .. 1x1
FULL_DATA = make_ktx2(64, 64, codec="uastc", srgb=False, levels=7)


def test_full_chains_in_the_right_colour_spaces_are_clean(tmp_path: Path) -> None:
    for sampler in (None, {"minFilter": 9987}, {"minFilter": 9729}):
        assert _ours(_quad(tmp_path, FULL_COLOUR, FULL_DATA, sampler)) == [], sampler


@pytest.mark.parametrize(
    "sampler", [None, {"magFilter": 9729}, *({"minFilter": f} for f in (9984, 9985, 9986, 9987))]
)
@pytest.mark.parametrize("levels", [0, 1, 6])
def test_mipmapped_sampling_without_the_full_chain_is_warned(
    tmp_path: Path, sampler: dict[str, Any] | None, levels: int
) -> None:
    partial = make_ktx2(64, 32, codec="etc1s", levels=levels)
    report = _quad(tmp_path, partial, FULL_DATA, sampler)
    assert _ours(report) == [(MIPS, "/textures/0")]
    (issue,) = [i for i in report.issues.messages if i.code == MIPS]
    assert issue.severity == Severity.WARNING
    assert f"holds {max(levels, 1)} of the 7 mip levels" in issue.message


@pytest.mark.parametrize("min_filter", [9728, 9729])
def test_no_mipmap_filter_needs_no_mips(tmp_path: Path, min_filter: int) -> None:
    one_level = make_ktx2(64, 32, codec="etc1s", levels=1)
    assert _ours(_quad(tmp_path, one_level, None, {"minFilter": min_filter})) == []


def test_a_one_pixel_image_is_its_own_chain(tmp_path: Path) -> None:
    """levelCount 0 stores one level; for a 4x4 image the chain is 3 levels, for 1... (the
    extension's smallest legal image is 4x4)."""
    assert _ours(_quad(tmp_path, make_ktx2(4, 4, codec="etc1s", levels=3))) == []
    assert _ours(_quad(tmp_path, make_ktx2(4, 4, codec="etc1s", levels=0))) == [
        (MIPS, "/textures/0")
    ]


def test_colour_slot_with_a_linear_image_is_warned(tmp_path: Path) -> None:
    linear_colour = make_ktx2(64, 32, codec="etc1s", srgb=False, levels=7)
    report = _quad(tmp_path, linear_colour, FULL_DATA)
    assert _ours(report) == [(SPACE, "/materials/0/pbrMetallicRoughness/baseColorTexture")]
    (issue,) = [i for i in report.issues.messages if i.code == SPACE]
    assert issue.severity == Severity.WARNING
    assert "'baseColorTexture' holds colour (sRGB)" in issue.message
    assert "the 'linear' transfer function" in issue.message


def test_data_slot_with_an_srgb_image_is_warned(tmp_path: Path) -> None:
    srgb_normals = make_ktx2(64, 64, codec="uastc", srgb=True, levels=7)
    report = _quad(tmp_path, FULL_COLOUR, srgb_normals)
    assert _ours(report) == [(SPACE, "/materials/0/normalTexture")]
    assert "holds data (linear)" in report.issues.messages[-1].message


@pytest.mark.parametrize(
    ("slot", "srgb", "warned"),
    [
        ("emissiveTexture", False, True),
        ("emissiveTexture", True, False),
        ("occlusionTexture", True, True),
        ("occlusionTexture", False, False),
    ],
)
def test_other_core_slots(tmp_path: Path, slot: str, srgb: bool, warned: bool) -> None:
    document, binary = textured_quad(
        NODES,
        [(FULL_COLOUR, "image/ktx2"), (make_ktx2(64, 64, srgb=srgb, levels=7), "image/ktx2")],
    )
    material = document["materials"][0]
    material[slot] = material.pop("normalTexture")
    report = _validate(tmp_path, _basisu(document), binary, load_profile("quest2"))
    expected = [(SPACE, f"/materials/0/{slot}")] if warned else []
    assert _ours(report) == expected


def test_metallic_roughness_in_an_srgb_image_is_warned(tmp_path: Path) -> None:
    document, binary = textured_quad(
        NODES, [(FULL_COLOUR, "image/ktx2"), (make_ktx2(64, 64, levels=7), "image/ktx2")]
    )
    material = document["materials"][0]
    material["pbrMetallicRoughness"]["metallicRoughnessTexture"] = material.pop("normalTexture")
    report = _validate(tmp_path, _basisu(document), binary, load_profile("quest2"))
    pointer = "/materials/0/pbrMetallicRoughness/metallicRoughnessTexture"
    assert _ours(report) == [(SPACE, pointer)]


def test_png_textures_and_ktx2_without_the_extension_get_no_ktx2_warning(
    tmp_path: Path,
) -> None:
    document, binary = textured_quad(NODES, [(png((64, 64)), "image/png")])
    assert _ours(_validate(tmp_path, document, binary, load_profile("quest2"))) == []
    one_level = make_ktx2(64, 64, srgb=False)
    document, binary = textured_quad(NODES, [(one_level, "image/ktx2")])
    assert _ours(_validate(tmp_path, document, binary, load_profile("quest2"))) == []


def test_budget_counts_the_levels_as_stored(tmp_path: Path) -> None:
    """GPU memory is the levels the file holds: a full chain adds about a third, a file
    without mips is sampled (and counted) without them, a partial chain counts its levels."""
    side = 2048  # ETC1S opaque: 0.5 byte a pixel, 2 MiB for the top level
    top = side * side // 2
    figures = {}
    for levels in (1, 3, 12):
        report = _quad(tmp_path, make_ktx2(side, side, codec="etc1s", levels=levels))
        assert report.info is not None
        figures[levels] = report.info.texture_gpu_bytes
    assert figures[1] == top
    assert figures[3] == top + top // 4 + top // 16
    assert figures[12] == sum(
        max(1, (side >> n) // 4) ** 2 * 8 for n in range(12)
    )  # 4x4 blocks of 8 bytes, at least one block a level
    assert top * 4 // 3 <= figures[12] <= top * 4 // 3 + 64
    # the budget judges that figure: 2.67 MiB with mips is over 2.5, 2 MiB without is not
    tight = BudgetProfile(name="tight", max_texture_gpu_mb=2.5)
    with_mips = _quad(tmp_path, make_ktx2(side, side, codec="etc1s", levels=12), profile=tight)
    one_level = make_ktx2(side, side, codec="etc1s", levels=1)
    without = _quad(tmp_path, one_level, sampler={"minFilter": 9729}, profile=tight)
    assert "BUDGET_TEXTURE_MEMORY" in with_mips.issues.codes()
    assert "BUDGET_TEXTURE_MEMORY" not in without.issues.codes()
