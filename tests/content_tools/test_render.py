"""Scene thumbnails rendered in software (`content_tools.render`)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

from content_tools.errors import ModelError
from content_tools.render import choose_camera, render_thumbnail

CORPUS_MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "gltf-corpus" / "models"


def red_box_scene(*, with_spawn: bool = False) -> bytes:
    """A red 1 m box at (0, 1.5, -3): straight ahead of a visitor standing at the origin."""
    scene = trimesh.Scene()
    box = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
    box.visual = trimesh.visual.TextureVisuals(
        material=trimesh.visual.material.PBRMaterial(baseColorFactor=[220, 20, 20, 255])
    )
    box.apply_translation((0.0, 1.5, -3.0))
    scene.add_geometry(box, node_name="box", geom_name="box")
    if with_spawn:
        marker = trimesh.creation.box(extents=(0.01, 0.01, 0.01))
        scene.add_geometry(marker, node_name="spawn", geom_name="spawn")
    data: bytes = scene.export(file_type="glb")
    return data


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


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


def test_rendering_is_deterministic() -> None:
    glb = red_box_scene(with_spawn=True)
    assert render_thumbnail(glb, width=200, height=120) == render_thumbnail(
        glb, width=200, height=120
    )


def test_a_textured_corpus_model_renders() -> None:
    model = CORPUS_MODELS / "mikedh+trimesh" / "models" / "BoxTextured.glb"
    image = pixels(render_thumbnail(model.read_bytes(), width=160, height=90))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ModelError):
        render_thumbnail(b"not a glb at all")
    with pytest.raises(ValueError, match="size"):
        render_thumbnail(red_box_scene(), width=0)
