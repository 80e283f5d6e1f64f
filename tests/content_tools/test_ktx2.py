"""content_tools.ktx2 and its hook in the packager, with the encoder process replaced by one
that writes KTX2 files made here (the real encoder, a Node.js process, is tested in
tests/e2e/cli/test_ktx2_textures.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from content_tools import ktx2
from content_tools.errors import ContentError, ModelError
from content_tools.glb import build_glb, parse_glb
from content_tools.glb_parts import GlbParts, split_glb
from content_tools.ktx2 import BASISU, encode_textures, image_roles
from content_tools.package import package_scene
from content_tools.validate.issues import Severity
from content_tools.validate.run import validate_model_file
from tests.content_tools.conftest import MINI_NODES
from tests.support.ktx2_files import make_ktx2, png, textured_quad

MakeScene = Callable[..., Path]
Calls = list[list[tuple[str, bool, tuple[int, int]]]]


@pytest.fixture
def fake_encoder(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Replace the encoder process: each job gets a KTX2 file of its codec, size and colour
    space, with a full mip chain; records (codec, srgb, size) of every job of every call."""
    calls: Calls = []

    def run(jobs: list[Any], parts: GlbParts, timeout_s: float) -> list[bytes]:
        calls.append([(job.codec, job.srgb, job.size) for job in jobs])
        return [
            make_ktx2(
                job.size[0],
                job.size[1],
                codec=job.codec,
                srgb=job.srgb,
                levels=max(job.size).bit_length(),
            )
            for job in jobs
        ]

    monkeypatch.setattr(ktx2, "_run_encoder", run)
    return calls


def _parts(images: list[tuple[bytes, str]]) -> GlbParts:
    document, binary = textured_quad(MINI_NODES, images)
    return split_glb(build_glb(document, binary), path=Path("model.glb"))


def test_roles_come_from_the_material_slots() -> None:
    document, _ = textured_quad(MINI_NODES, [(b"", "image/png"), (b"", "image/png")])
    assert image_roles(document) == {0: {"srgb"}, 1: {"linear"}}
    document["materials"].append(
        {"emissiveTexture": {"index": 1}, "occlusionTexture": {"index": 0}}
    )
    assert image_roles(document) == {0: {"srgb", "linear"}, 1: {"linear", "srgb"}}
    document["materials"] = [
        {"extensions": {"KHR_materials_sheen": {"sheenColorTexture": {"index": 0}}}},
        {"extensions": {"KHR_materials_clearcoat": {"clearcoatNormalTexture": {"index": 1}}}},
    ]
    assert image_roles(document) == {0: {"srgb"}, 1: {"linear"}}


def test_keep_changes_nothing(fake_encoder: Calls) -> None:
    parts = _parts([(png((16, 16)), "image/png")])
    before = json.dumps(parts.document)
    report = encode_textures(parts, "keep")
    assert (report.mode, report.encoded, report.kept) == ("keep", [], [])
    assert json.dumps(parts.document) == before
    assert fake_encoder == []


def test_colour_to_etc1s_srgb_and_data_to_uastc_linear(fake_encoder: Calls) -> None:
    parts = _parts([(png((16, 8)), "image/png"), (png((8, 8), seed=1), "image/png")])
    report = encode_textures(parts, "ktx2")
    assert fake_encoder == [[("etc1s", True, (16, 8)), ("uastc", False, (8, 8))]]
    document = parts.document
    assert [image["mimeType"] for image in document["images"]] == ["image/ktx2"] * 2
    assert document["textures"] == [
        {"sampler": 0, "extensions": {BASISU: {"source": 0}}},
        {"sampler": 0, "extensions": {BASISU: {"source": 1}}},
    ]
    assert document["extensionsUsed"] == [BASISU]
    assert document["extensionsRequired"] == [BASISU]  # no PNG fallback is kept
    for image in document["images"]:
        assert parts.views[image["bufferView"]][:12] == b"\xabKTX 20\xbb\r\n\x1a\n"
    [colour, data] = report.encoded
    assert (colour.codec, colour.srgb, data.codec, data.srgb) == ("etc1s", True, "uastc", False)
    assert colour.gpu_bytes_before == 16 * 8 * 4 * 4 // 3
    assert colour.gpu_bytes_after == 8 * 8 + 8 * 2 + 8 * 3  # 16x8, 8x4, then one block each
    assert data.gpu_bytes_after == 16 * 4 + 16 * 3  # 8x8, 4x4, 2x2, 1x1 in 4x4 blocks


def test_uastc_mode_encodes_colour_as_uastc_too(fake_encoder: Calls) -> None:
    parts = _parts([(png((16, 16)), "image/png")])
    encode_textures(parts, "uastc")
    assert fake_encoder == [[("uastc", True, (16, 16))]]


def test_images_that_cannot_be_encoded_are_kept(fake_encoder: Calls) -> None:
    odd = png((10, 8))
    parts = _parts([(odd, "image/png"), (png((8, 8)), "image/png")])
    parts.document["materials"][0]["emissiveTexture"] = {"index": 1}  # colour and data
    report = encode_textures(parts, "ktx2")
    assert fake_encoder == []
    assert report.encoded == []
    assert report.kept == [
        "images[0]: 10x8 is not a multiple of 4 on each side",
        "images[1]: used both as colour and as data",
    ]
    assert parts.document["images"][0]["mimeType"] == "image/png"
    assert "extensionsUsed" not in parts.document


def test_images_over_the_encoders_limit_are_kept(
    fake_encoder: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(4096x4096 is over the real limit, 12 megapixels: a smaller one stands in for it.)"""
    monkeypatch.setattr(ktx2, "MAX_ENCODER_PIXELS", 16 * 16 - 1)
    parts = _parts([(png((16, 16)), "image/png"), (png((8, 8)), "image/png")])
    report = encode_textures(parts, "ktx2")
    assert report.kept == ["images[0]: 16x16 is over the encoder's 12 megapixels"]
    assert fake_encoder == [[("uastc", False, (8, 8))]]


def test_a_missing_node_or_encoder_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _parts([(png((8, 8)), "image/png")])
    monkeypatch.setattr("content_tools.ktx2.shutil.which", lambda name: None)
    with pytest.raises(ContentError, match=r"Node\.js"):
        encode_textures(parts, "ktx2")
    monkeypatch.setattr("content_tools.ktx2.shutil.which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(ktx2, "_NODE_MODULES", Path("/nonexistent"))
    with pytest.raises(ContentError, match=r"ktx2-encoder.*--textures keep"):
        encode_textures(parts, "ktx2")


def test_a_bad_image_from_the_encoder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the encoder writes is checked as the validator would before it is packaged."""

    def broken(jobs: list[Any], parts: GlbParts, timeout_s: float) -> list[bytes]:
        return [make_ktx2(6, 6, codec="uastc") for _ in jobs]

    monkeypatch.setattr(ktx2, "_run_encoder", broken)
    parts = _parts([(png((8, 8)), "image/png")])
    with pytest.raises(ModelError, match=r"bad image.*not a multiple of 4"):
        encode_textures(parts, "ktx2")


def test_package_hook_writes_a_model_the_validator_accepts(
    make_scene: MakeScene, tmp_path: Path, fake_encoder: Calls
) -> None:
    document, binary = textured_quad(
        MINI_NODES, [(png((64, 32)), "image/png"), (png((32, 32), seed=2), "image/png")]
    )
    scene = make_scene(model=build_glb(document, binary))
    result = package_scene(scene, tmp_path / "dist", textures="ktx2")
    assert fake_encoder == [[("etc1s", True, (64, 32)), ("uastc", False, (32, 32))]]
    assert result.processing is not None
    assert [image.codec for image in result.processing.ktx2.encoded] == ["etc1s", "uastc"]
    packaged, _ = parse_glb(result.glb_path.read_bytes(), path=result.glb_path)
    assert packaged["extensionsRequired"] == [BASISU]
    report = validate_model_file(result.glb_path, root=None)
    assert [i.code for i in report.issues.messages if i.severity <= Severity.WARNING] == []
    assert report.info is not None
    assert report.info.texture_gpu_bytes == sum(
        image.gpu_bytes_after for image in result.processing.ktx2.encoded
    )
    # the library's default keeps PNG (the command line follows the profile: ktx2 for quest)
    kept = package_scene(scene, tmp_path / "kept")
    assert kept.processing is not None
    assert kept.processing.ktx2.mode == "keep"
    assert len(fake_encoder) == 1


def test_a_cache_folder_encodes_each_image_once(fake_encoder: Calls, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    images = [(png((16, 8)), "image/png"), (png((8, 8), seed=1), "image/png")]
    first = _parts(images)
    encode_textures(first, "ktx2", cache_dir=cache)
    assert len(fake_encoder) == 1
    assert len(list(cache.glob("*.ktx2"))) == 2
    again = _parts(images)
    report = encode_textures(again, "ktx2", cache_dir=cache)
    assert len(fake_encoder) == 1  # nothing left to encode
    assert again.views == first.views
    assert again.document == first.document
    assert [e.codec for e in report.encoded] == ["etc1s", "uastc"]
    # other pixels, or the same pixels in another codec, are encoded
    encode_textures(_parts([(png((16, 8), seed=5), "image/png")]), "ktx2", cache_dir=cache)
    encode_textures(_parts([(png((16, 8)), "image/png")]), "uastc", cache_dir=cache)
    assert fake_encoder[1:] == [[("etc1s", True, (16, 8))], [("uastc", True, (16, 8))]]


def test_a_damaged_cache_entry_is_encoded_again(fake_encoder: Calls, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    images = [(png((16, 8)), "image/png")]
    first = _parts(images)
    encode_textures(first, "ktx2", cache_dir=cache)
    (entry,) = cache.glob("*.ktx2")
    entry.write_bytes(entry.read_bytes()[:-7])  # cut short, as by a full disk
    again = _parts(images)
    encode_textures(again, "ktx2", cache_dir=cache)
    assert len(fake_encoder) == 2
    assert again.views == first.views
    encode_textures(_parts(images), "ktx2", cache_dir=cache)  # rewritten whole
    assert len(fake_encoder) == 2


def test_a_bad_image_from_the_encoder_is_not_cached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(jobs: list[Any], parts: GlbParts, timeout_s: float) -> list[bytes]:
        return [make_ktx2(6, 6, codec="uastc") for _ in jobs]

    monkeypatch.setattr(ktx2, "_run_encoder", broken)
    with pytest.raises(ModelError, match="bad image"):
        encode_textures(_parts([(png((8, 8)), "image/png")]), "ktx2", cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
