"""Signs, labels and screens (`scenes.kit.text`): Thai shaped correctly, the same bytes for the
same table, cells packed without overlap, and quads whose texture reads the right way up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from content_tools.glb_parts import accessor_values, split_glb
from scenes import kit
from scenes.kit import text
from scenes.kit.export import export_glb
from scenes.kit.materials import png_bytes

INFO = text.STYLES["info"]


def ink_rows(image: Image.Image) -> tuple[int, int]:
    """The first and last pixel rows that differ from the sign's background (its centre)."""
    pixels = np.asarray(image).astype(int)
    inner = pixels[12:-12, 12:-12]
    ink = np.abs(inner - np.asarray(INFO.background)).sum(axis=2) > 60
    rows = np.flatnonzero(ink.any(axis=1))
    return int(rows[0]), int(rows[-1])


def test_thai_marks_stack_above_the_vowel() -> None:
    # Shaped (raqm), the tone mark on a consonant with an upper vowel sits above the vowel;
    # without shaping it would be drawn at the same height as on the bare consonant.
    with_vowel = ink_rows(text.render_sign(["ปี่"], (256, 128), INFO))
    tone_only = ink_rows(text.render_sign(["ป่"], (256, 128), INFO))
    assert with_vowel[0] < tone_only[0] - 3
    # A vowel below goes under the consonant: the ink reaches lower than the bare consonant's.
    below = ink_rows(text.render_sign(["ปุ"], (256, 128), INFO))
    bare = ink_rows(text.render_sign(["ป"], (256, 128), INFO))
    assert below[1] > bare[1] + 3


def test_thai_and_latin_on_one_line_use_both_font_files() -> None:
    assert text._runs("ทางออก EXIT 2") == [("thai", "ทางออก "), ("latin", "EXIT 2")]
    image = text.render_sign(["ทางออก EXIT"], (512, 128), INFO)
    assert ink_rows(image)[1] > ink_rows(image)[0]
    with pytest.raises(ValueError, match="no glyph"):
        text.render_sign(["漢字"], (256, 128), INFO)


def test_the_same_sign_gives_the_same_png_bytes() -> None:
    lines = ("ห้ามสูบบุหรี่", "NO SMOKING")
    first = png_bytes(text.render_sign(lines, (512, 256), text.STYLES["prohibition"]))
    again = png_bytes(text.render_sign(lines, (512, 256), text.STYLES["prohibition"]))
    other = png_bytes(text.render_sign(lines, (512, 256), text.STYLES["exit"]))
    assert first == again != other


def test_a_sign_must_be_a_power_of_two_and_hold_its_text() -> None:
    with pytest.raises(ValueError, match="power of two"):
        text.render_sign(["ทางออก"], (500, 250), INFO)
    with pytest.raises(ValueError, match="does not fit"):
        text.render_sign(["ทางออก"] * 12, (64, 32), INFO)


@pytest.fixture
def no_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(text, "FONT_DIR", tmp_path)
    text._font.cache_clear()
    text._tofu.cache_clear()
    yield
    text._font.cache_clear()
    text._tofu.cache_clear()


@pytest.mark.usefixtures("no_font")
def test_a_missing_font_names_the_setup_script() -> None:
    with pytest.raises(text.FontMissingError, match=r"bash scripts/setup\.sh"):
        text.render_sign(["ทางออก"], (256, 128), INFO)


def test_cells_are_packed_apart_at_multiples_of_their_size() -> None:
    rng = np.random.default_rng(4)
    sizes = [(int(2 ** rng.integers(6, 10)), int(2 ** rng.integers(5, 9))) for _ in range(14)]
    corners, (width, height) = text.pack(sizes)
    assert text._ceil_pow2(width) == width
    assert text._ceil_pow2(height) == height
    taken = np.zeros((height, width), dtype=int)
    for (x, y), (w, h) in zip(corners, sizes, strict=True):
        assert x % w == 0
        assert y % h == 0
        assert x + w <= width
        assert y + h <= height
        taken[y : y + h, x : x + w] += 1
    assert taken.max() == 1
    assert width * height <= 2 * _ceil_area(sum(w * h for w, h in sizes))
    with pytest.raises(ValueError, match="do not fit"):
        text.pack([(1024, 1024), (1024, 1024)])


def _ceil_area(area: int) -> int:
    return 1 << (area - 1).bit_length()


def document_and_parts(table: list[kit.Sign]) -> tuple[dict[str, Any], Any]:
    def things(k: kit.SceneBuilder) -> None:
        k.add("bottle", kit.box((0.06, 0.12, 0.06)), "white_plastic", kit.translate(1, 0.9, 0))
        k.marker("spawn")

    builder = kit.assemble(kit.standard_materials(), things, kit.signs(table))
    parts = split_glb(export_glb(builder), path=Path("scene.glb"))
    return parts.document, parts


TABLE = [
    kit.Sign(("ทางออก", "EXIT"), (0.0, 2.0, -2.0), 0.6, "exit"),
    kit.Sign(("ห้องครัว", "KITCHEN"), (0.0, 1.5, -2.0), 0.5, "info"),
    kit.Sign(("โซน A",), (-2.0, 1.5, 0.0), 0.4, "zone", px=(256, 128), yaw=90, two_sided=True),
    kit.Sign(("ยา",), (0.0, 0.06, 0.031), 0.05, "label", px=(128, 64), parent="bottle"),
]


def sign_mesh(document: dict[str, Any]) -> Any:
    node = next(node for node in document["nodes"] if node["name"] == "signs")
    return document["meshes"][node["mesh"]]


def test_signs_are_one_node_per_material_with_the_atlas() -> None:
    document, _ = document_and_parts(TABLE)
    nodes = {node["name"]: node for node in document["nodes"]}
    materials = {m["name"]: m for m in document["materials"]}
    assert "baseColorTexture" in materials["signs"]["pbrMetallicRoughness"]
    screens = materials["sign_screens"]  # the exit sign glows: its atlas is the emission
    assert "emissiveTexture" in screens
    assert screens["emissiveFactor"] == [1.0, 1.0, 1.0]
    assert {"signs", "sign_screens", "bottle_sign"} <= set(nodes)
    bottle_children = [document["nodes"][i]["name"] for i in nodes["bottle"].get("children", [])]
    assert "bottle_sign" in bottle_children
    assert len(document["images"]) == 2  # one atlas per material, not one image per sign


def test_the_text_reads_the_right_way_up() -> None:
    document, parts = document_and_parts(TABLE[1:2])
    mesh = sign_mesh(document)
    attributes = mesh["primitives"][0]["attributes"]
    position = accessor_values(parts, attributes["POSITION"])
    uv = accessor_values(parts, attributes["TEXCOORD_0"])
    normal = accessor_values(parts, attributes["NORMAL"])
    assert np.allclose(normal, [0, 0, 1], atol=1e-4)  # it faces the visitor (+Z)
    # glTF texture coordinates start at the image's top left: the sign's top left corner
    # (least x, greatest y) has the least u and v, its bottom right the greatest.
    top_left = np.lexsort((-position[:, 1], position[:, 0]))[0]
    bottom_right = np.lexsort((position[:, 1], -position[:, 0]))[0]
    assert uv[top_left][0] < 0.01
    assert uv[top_left][1] < 0.01
    assert uv[bottom_right][0] > 0.99
    assert uv[bottom_right][1] > 0.99


def test_a_turned_two_sided_sign_faces_both_ways() -> None:
    document, parts = document_and_parts(TABLE[2:3])
    mesh = sign_mesh(document)
    normal = accessor_values(parts, mesh["primitives"][0]["attributes"]["NORMAL"])
    assert sorted({tuple(np.round(n).astype(int)) for n in normal}) == [(-1, 0, 0), (1, 0, 0)]


def test_a_bottle_label_wraps_around_the_bottle() -> None:
    sign = kit.Sign(("น้ำปลา",), (0.0, 0.1, 0.035), 0.08, "label", px=(128, 64), wrap_r=0.035)
    vertices, normals, uv, faces = text._quad(sign, (0, 0), (128, 64))
    axis_distance = np.hypot(vertices[:, 0], vertices[:, 2] + 0.035)
    assert np.allclose(axis_distance, 0.035)
    assert np.allclose(np.linalg.norm(normals, axis=1), 1.0)
    assert np.all(np.diff(vertices[: len(vertices) // 2, 0]) > 0)  # left to right along +X
    assert np.all(np.diff(uv[: len(uv) // 2, 0]) > 0)
    corners = vertices[faces]  # every triangle faces outwards
    facing = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    assert np.all(np.einsum("ij,ij->i", facing, normals[faces[:, 0]]) > 0)


def placed_quad(sign: kit.Sign) -> tuple[Any, Any]:
    """The sign's quad (vertices, normals) in its parent's frame."""
    vertices, normals, _, _ = text._quad(sign, (0, 0), sign.px)
    transform = sign.transform()
    placed = vertices @ transform[:3, :3].T + transform[:3, 3]
    return placed, normals @ transform[:3, :3].T


def test_a_wrapped_label_lies_on_its_cylinder() -> None:
    sign = kit.wrapped_label(
        ("CO2",), "gas_cylinder", radius=0.116, y=0.95, width_m=0.14, px=(256, 128)
    )
    vertices, normals = placed_quad(sign)
    assert sign.parent == "gas_cylinder"
    assert np.allclose(np.hypot(vertices[:, 0], vertices[:, 2]), 0.116)  # around the node's axis
    assert np.all(vertices[:, 2] > 0)  # on its +Z side
    assert np.isclose((vertices[:, 1].min() + vertices[:, 1].max()) / 2, 0.95)
    assert np.all(np.einsum("ij,ij->i", normals, vertices * [1, 0, 1]) > 0)  # facing out


def test_a_clipboard_sheet_lies_face_up_on_the_paper_below_the_clip() -> None:
    parts = dict(kit.clipboard())
    paper, clip = parts["paper"].bounds, parts["chrome"].bounds
    for yaw in (0.0, 180.0):
        sign = kit.clipboard_sheet(("JOB CARD",), "job_card", yaw=yaw)
        vertices, normals = placed_quad(sign)
        assert sign.parent == "job_card"
        assert np.allclose(normals, [0, 1, 0])  # face up
        assert np.all(vertices[:, 1] > paper[1][1])  # above the paper, not inside it
        assert np.all(vertices[:, [0, 2]] >= paper[0][[0, 2]])  # within the paper's edges
        assert np.all(vertices[:, [0, 2]] <= paper[1][[0, 2]])
        assert np.all(vertices[:, 2] > clip[1][2])  # clear of the clip
