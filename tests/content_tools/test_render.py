"""Scene thumbnails rendered in software (`content_tools.render`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh
from PIL import Image

from content_tools.errors import ModelError
from content_tools.package import PackageResult
from content_tools.render import choose_camera, render_thumbnail
from tests.support.corpus import corpus_dir

CORPUS_MODELS = corpus_dir() / "models"


def red_box_scene(*, with_spawn: bool = False, grey: int | None = None) -> bytes:
    """A red 1 m box at (0, 1.5, -3): straight ahead of a visitor standing at the origin
    (`grey`: its vertex colour, COLOR_0, as baked light is)."""
    scene = trimesh.Scene()
    box = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
    box.visual = trimesh.visual.TextureVisuals(
        material=trimesh.visual.material.PBRMaterial(baseColorFactor=[220, 20, 20, 255])
    )
    if grey is not None:
        box.visual.vertex_attributes["color"] = np.tile(
            np.array([grey, grey, grey, 255], dtype=np.uint8), (len(box.vertices), 1)
        )
    box.apply_translation((0.0, 1.5, -3.0))
    scene.add_geometry(box, node_name="box", geom_name="box")
    if with_spawn:
        marker = trimesh.creation.box(extents=(0.01, 0.01, 0.01))
        scene.add_geometry(marker, node_name="spawn", geom_name="spawn")
    data: bytes = scene.export(file_type="glb")
    return data


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def test_a_box_in_front_of_the_camera_is_drawn_in_its_colour() -> None:
    png = render_thumbnail(
        red_box_scene(), width=160, height=90, eye=(0, 1.5, 0), target=(0, 1.5, -3)
    )
    image = pixels(png)
    assert image.shape == (90, 160, 3)
    r, g, b = image[45, 80]
    assert r > 100
    assert r > 2 * g
    assert r > 2 * b
    corner = image[2, 2]
    assert not (corner[0] > 100 and corner[0] > 2 * corner[1])  # background, not box
    # look the other way: no red anywhere
    away = pixels(
        render_thumbnail(red_box_scene(), width=160, height=90, eye=(0, 1.5, 0), target=(0, 1.5, 3))
    )
    assert not ((away[..., 0] > 100) & (away[..., 0] > 2 * away[..., 1])).any()


def test_the_automatic_camera_stands_at_spawn() -> None:
    _camera, based_on = choose_camera(red_box_scene(with_spawn=True))
    assert based_on == "spawn"
    image = pixels(render_thumbnail(red_box_scene(with_spawn=True), width=160, height=90))
    red = (image[..., 0] > 100) & (image[..., 0] > 2 * image[..., 1])
    assert red[30:60, 60:100].mean() > 0.5  # the box is in the middle of the picture


def test_vertex_colours_multiply_a_materials_colour() -> None:
    """Baked light (COLOR_0 beside a material, `scenes.kit.bake`) darkens what it covers."""
    view = {"width": 160, "height": 90, "eye": (0, 1.5, 0), "target": (0, 1.5, -3)}
    plain = pixels(render_thumbnail(red_box_scene(), **view))[45, 80]  # type: ignore[arg-type]
    shaded = pixels(render_thumbnail(red_box_scene(grey=128), **view))[45, 80]  # type: ignore[arg-type]
    assert shaded[0] < 0.85 * plain[0]
    assert shaded[0] > 2 * shaded[1]  # still red


def test_rendering_is_deterministic() -> None:
    glb = red_box_scene(with_spawn=True)
    assert render_thumbnail(glb, width=200, height=120) == render_thumbnail(
        glb, width=200, height=120
    )


@pytest.mark.corpus
def test_a_textured_corpus_model_renders() -> None:
    model = CORPUS_MODELS / "mikedh+trimesh" / "models" / "BoxTextured.glb"
    image = pixels(render_thumbnail(model.read_bytes(), width=160, height=90))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ModelError):
        render_thumbnail(b"not a glb at all")
    with pytest.raises(ValueError, match="size"):
        render_thumbnail(red_box_scene(), width=0)


def single_triangle(*, double_sided: bool) -> bytes:
    """One red triangle in the plane z = -2, facing +Z (towards a camera at the origin)."""
    mesh = trimesh.Trimesh(
        vertices=[(-1.0, -1.0, -2.0), (1.0, -1.0, -2.0), (0.0, 1.0, -2.0)],
        faces=[(0, 1, 2)],
        process=False,
    )
    mesh.visual = trimesh.visual.TextureVisuals(
        material=trimesh.visual.material.PBRMaterial(
            baseColorFactor=[220, 20, 20, 255], doubleSided=double_sided
        )
    )
    scene = trimesh.Scene()
    scene.add_geometry(mesh, node_name="triangle", geom_name="triangle")
    data: bytes = scene.export(file_type="glb")
    return data


def is_red(image: np.ndarray) -> np.ndarray:
    return (image[..., 0] > 100) & (image[..., 0] > 2 * image[..., 1])


def test_single_sided_faces_are_culled_from_behind() -> None:
    front: dict[str, Any] = {"width": 80, "height": 60, "eye": (0, 0, 0), "target": (0, 0, -2)}
    behind: dict[str, Any] = {"width": 80, "height": 60, "eye": (0, 0, -4), "target": (0, 0, -2)}
    assert is_red(pixels(render_thumbnail(single_triangle(double_sided=False), **front)))[30, 40]
    assert not is_red(pixels(render_thumbnail(single_triangle(double_sided=False), **behind))).any()
    assert is_red(pixels(render_thumbnail(single_triangle(double_sided=True), **behind)))[30, 40]


def test_a_camera_inside_a_room_sees_walls_all_round() -> None:
    """Walls cross the near plane around the camera: clipping must keep what is in front."""
    room = trimesh.creation.box(extents=(4.0, 3.0, 4.0))
    room.invert()  # faces point inwards
    room.visual = trimesh.visual.TextureVisuals(
        material=trimesh.visual.material.PBRMaterial(baseColorFactor=[40, 160, 40, 255])
    )
    scene = trimesh.Scene()
    scene.add_geometry(room, node_name="room", geom_name="room")
    glb: bytes = scene.export(file_type="glb")
    image = pixels(render_thumbnail(glb, width=96, height=54, eye=(0.5, 0, 1.9), target=(0, 0, 0)))
    green = (image[..., 1] > 1.3 * image[..., 0]) & (image[..., 1] > 1.3 * image[..., 2])
    assert green.all()


def test_the_thumbnail_camera_node_picks_the_shot() -> None:
    scene: Any = trimesh.load(file_obj=io.BytesIO(red_box_scene()), file_type="glb", force="scene")
    # A camera 3 m to the right of the box, turned to look at it (its -Z axis along -X).
    camera = trimesh.transformations.rotation_matrix(np.pi / 2, (0, 1, 0))
    camera[:3, 3] = (3.0, 1.5, -3.0)
    scene.graph.update(
        frame_from=scene.graph.base_frame, frame_to="thumbnail_camera", matrix=camera
    )
    glb: bytes = scene.export(file_type="glb")
    chosen, based_on = choose_camera(glb)
    assert based_on == "thumbnail_camera"
    assert np.allclose(chosen.eye, (3.0, 1.5, -3.0))
    assert np.allclose(chosen.forward, (-1.0, 0.0, 0.0), atol=1e-6)
    image = pixels(render_thumbnail(glb, width=160, height=90))
    assert is_red(image)[35:55, 65:95].all()


def test_the_automatic_framing_shows_the_whole_model() -> None:
    image = pixels(render_thumbnail(red_box_scene(), width=160, height=90))
    red = is_red(image)
    assert red.mean() > 0.1  # fills a good part of the picture
    border = np.concatenate([red[0], red[-1], red[:, 0], red[:, -1]])
    assert not border.any()  # ... and all of it


def test_the_cook_scene_renders_a_recognisable_room(cook_bundle: PackageResult) -> None:
    glb = cook_bundle.glb_path.read_bytes()  # generated and packaged once per session
    png = render_thumbnail(glb, width=320, height=180)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = pixels(png)
    assert image.shape == (180, 320, 3)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 2000


@pytest.mark.corpus
@pytest.mark.parametrize(
    "model",
    ["mikedh+trimesh/models/CesiumMilkTruck.glb", "bevyengine+bevy/assets/models/animated/Fox.glb"],
)
def test_corpus_models_render_with_their_textures(model: str) -> None:
    path = CORPUS_MODELS / model
    image = pixels(render_thumbnail(path.read_bytes(), width=200, height=120))
    background = image[0, 0]
    covered = np.any(np.abs(image - background) > 30, axis=2).mean()
    assert covered > 0.1
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 300


def test_the_cli_writes_a_png(tmp_path: Path) -> None:
    import argparse

    from content_tools.cli import thumbnail

    parser = argparse.ArgumentParser()
    thumbnail.add_parser(parser.add_subparsers(dest="command"))
    model = tmp_path / "box.glb"
    model.write_bytes(red_box_scene())
    out = tmp_path / "box.png"
    args = parser.parse_args(
        ["thumbnail", str(model), "-o", str(out), "--width", "64", "--height", "48"]
    )
    assert thumbnail.run(args) == 0
    with Image.open(out) as written:
        assert written.size == (64, 48)
    args = parser.parse_args(["thumbnail", str(tmp_path / "missing.glb"), "-o", str(out)])
    assert thumbnail.run(args) == 1
    args = parser.parse_args(["thumbnail", str(model), "-o", str(out), "--width", "0"])
    assert thumbnail.run(args) == 2
