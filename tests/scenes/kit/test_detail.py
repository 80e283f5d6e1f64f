"""Detailed shapes (`scenes.kit.detail`): closed, facing out, as many triangles as designed,
within their bounds, with outward normals and finite texture coordinates once the builder has
shaded them, and the same every time."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from scenes.kit import detail
from scenes.kit.builder import SceneBuilder
from scenes.kit.materials import textured, wood_grain
from scenes.kit.shapes import crease_shaded

# name: (make the shape, expected triangles, expected bounds [[min], [max]])
SHAPES: dict[str, tuple[Callable[[], Any], int, list[list[float]]]] = {
    "rounded_box": (
        # cells along x, y, z: 6 + 2, 6 + 1, 6 + 1 (rounded ends + flat middle)
        lambda: detail.rounded_box((0.3, 0.1, 0.2), 0.02),
        2 * (8 * 7 + 7 * 7 + 7 * 8) * 2,
        [[-0.15, 0, -0.1], [0.15, 0.1, 0.1]],
    ),
    "rounded_box_moved": (
        lambda: detail.rounded_box((0.1, 0.04, 0.1), 0.02, (1.0, 0.5, -2.0), segments=2),
        2 * (5 * 4 + 4 * 5 + 5 * 5) * 2,  # y has no flat middle: the radius is half of it
        [[0.95, 0.5, -2.05], [1.05, 0.54, -1.95]],
    ),
    "bevelled_box": (
        lambda: detail.rounded_box((0.2, 0.2, 0.2), 0.01, segments=1),
        2 * 3 * 3 * 3 * 2,
        [[-0.1, 0, -0.1], [0.1, 0.2, 0.1]],
    ),
    "revolve": (
        lambda: detail.revolve([(0, 0), (0.1, 0), (0.1, 0.2), (0, 0.2)], sections=8),
        8 * (2 * 3 - 2),
        [[-0.1, 0, -0.1], [0.1, 0.2, 0.1]],
    ),
    "revolve_reversed": (
        lambda: detail.revolve([(0, 0.2), (0.1, 0.2), (0.1, 0), (0, 0)], sections=8),
        8 * (2 * 3 - 2),
        [[-0.1, 0, -0.1], [0.1, 0.2, 0.1]],
    ),
    "chamfered_cylinder": (
        lambda: detail.chamfered_cylinder(0.05, 0.03, 0.005, base_y=0.1),
        40 * (2 * (2 * 1 + 3) - 2),
        [[-0.05, 0.1, -0.05], [0.05, 0.13, 0.05]],
    ),
    "knob": (
        lambda: detail.knob(0.02, 0.02, ridges=0),
        54 * (2 * (2 * 3 + 3) - 2),
        [[-0.02, 0, -0.02], [0.02, 0.02, 0.02]],
    ),
    "cup": (
        lambda: detail.cup(0.03, 0.04, 0.09, wall=0.006),
        48 * (2 * (4 + 6) - 2),
        [[-0.04, 0, -0.04], [0.04, 0.09, 0.04]],
    ),
    "bottle": (
        lambda: detail.bottle(0.035, 0.26, neck=0.014, neck_height=0.06, shoulder=0.05),
        40 * (2 * 13 - 2),
        [[-0.035, 0, -0.035], [0.035, 0.26, 0.035]],
    ),
    "tube": (
        lambda: detail.tube([(0, 0, 0), (0.1, 0, 0), (0.2, 0.05, 0)], 0.01, sections=12),
        2 * 12 * (2 + 2 * 3) + 2 * 12,
        [[-0.01, -0.01, -0.01], [0.21, 0.06, 0.01]],
    ),
    "tube_flat_ends": (
        lambda: detail.tube([(0, 0, 0), (0, 0.1, 0)], 0.01, sections=12, round_ends=False),
        2 * 12 * 1 + 2 * 12,
        [[-0.01, 0, -0.01], [0.01, 0.1, 0.01]],
    ),
    "capsule": (
        lambda: detail.capsule(0.01, 0.15, sections=12),
        2 * 12 * (1 + 2 * 3) + 2 * 12,
        [[-0.01, 0, -0.01], [0.01, 0.15, 0.01]],
    ),
}


def welded(mesh: Any) -> Any:
    copy = mesh.copy()
    copy.merge_vertices()
    return copy


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_shape_is_closed_faces_out_and_has_its_triangles(name: str) -> None:
    make, triangles, bounds = SHAPES[name]
    mesh = make()
    assert len(mesh.faces) == triangles
    closed = welded(mesh)
    assert closed.is_watertight
    assert closed.is_winding_consistent
    assert closed.volume > 0  # counter-clockwise seen from outside: the faces point out
    assert np.allclose(mesh.bounds, bounds, atol=2e-4), mesh.bounds


def test_the_rounded_box_hugs_its_box() -> None:
    size, radius = (0.3, 0.1, 0.2), 0.02
    mesh = detail.rounded_box(size, radius)
    box_volume = math.prod(size)
    # the box minus what rounding takes off its 12 edges and 8 corners
    edges = (4 - math.pi) * radius**2 * sum(size) - 12 * (4 - math.pi) * radius**3
    corners = (8 - 4 / 3 * math.pi) * radius**3
    assert welded(mesh).volume == pytest.approx(box_volume - edges - corners, rel=0.01)
    with pytest.raises(ValueError, match="half the smallest side"):
        detail.rounded_box(size, 0.06)


def test_a_big_rounded_box_keeps_cells_for_the_baked_light() -> None:
    mesh = detail.rounded_box((2.0, 0.9, 0.6), 0.02)
    triangles = np.asarray(mesh.vertices)[np.asarray(mesh.faces)]
    longest = np.linalg.norm(triangles - np.roll(triangles, 1, axis=1), axis=2).max()
    assert longest < 0.25 * math.sqrt(2) + 1e-6


def test_ridges_push_out_only_the_full_radius() -> None:
    plain_knob = detail.knob(0.02, 0.02, ridges=0)
    ridged = detail.knob(0.02, 0.02, ridges=12)
    assert len(ridged.faces) == len(plain_knob.faces)
    radius = np.hypot(ridged.vertices[:, 0], ridged.vertices[:, 2])
    assert radius.max() == pytest.approx(0.02 * 1.06, rel=1e-3)
    assert welded(ridged).is_watertight
    assert welded(ridged).volume > welded(plain_knob).volume


def test_a_profile_must_close_on_the_axis() -> None:
    with pytest.raises(ValueError, match="on the axis"):
        detail.revolve([(0.05, 0), (0.1, 0), (0, 0.2)])
    with pytest.raises(ValueError, match="two points"):
        detail.tube([(0, 0, 0)], 0.01)


def test_a_pull_handle_stands_on_its_feet_and_bends_round() -> None:
    mesh = detail.pull_handle(0.12, 0.04, 0.006)
    assert welded(mesh).is_watertight
    assert welded(mesh).volume > 0
    low, high = mesh.bounds
    assert low[0] == pytest.approx(-0.066, abs=3e-4)
    assert high[0] == pytest.approx(0.066, abs=3e-4)
    assert high[1] == pytest.approx(0.046, abs=1e-3)
    # the tube keeps its radius round the bends: every vertex is 6 mm from the centre line
    assert low[2] == pytest.approx(-0.006)
    assert high[2] == pytest.approx(0.006)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shaded_normals_point_out_and_uvs_are_finite(name: str) -> None:
    """What the builder does with a shape: crease shading and box-projected texture
    coordinates. On these convex-ish shapes the normals point away from the centre line."""
    mesh = SHAPES[name][0]()
    builder = SceneBuilder(
        {
            "wood": textured(
                "wood", wood_grain((180, 130, 80), (130, 90, 50), size=32, seed=1), tile_m=0.5
            )
        }
    )
    builder.add("thing", mesh, "wood")
    shaded = builder.scene.geometry["thing"]
    normals = np.asarray(shaded.vertex_normals)
    assert np.allclose(np.linalg.norm(normals, axis=1), 1, atol=1e-4)
    uv = np.asarray(shaded.visual.uv)
    assert uv.shape == (len(shaded.vertices), 2)
    assert np.isfinite(uv).all()
    if name.startswith(("rounded", "bevelled", "chamfered", "knob", "capsule", "revolve")):
        center = np.asarray(shaded.vertices).mean(axis=0)
        outward = np.einsum("ij,ij->i", normals, np.asarray(shaded.vertices) - center)
        assert (outward > -1e-9).all()


def test_shapes_are_deterministic() -> None:
    for make, _, _ in SHAPES.values():
        first, second = make(), make()
        assert np.array_equal(first.vertices, second.vertices)
        assert np.array_equal(first.faces, second.faces)


def test_curved_shapes_shade_smooth() -> None:
    """Rounded edges turn by less than the crease angle per step, so they shade smooth: the
    crease-shaded capsule keeps one vertex per position."""
    mesh = detail.capsule(0.01, 0.1)
    shaded = crease_shaded(mesh)
    assert len(shaded.vertices) == len(welded(mesh).vertices)


def test_a_tap_stands_on_its_foot_and_reaches_forward() -> None:
    tap = detail.tap(0.32, 0.16)
    low, high = tap.bounds
    assert low[1] == pytest.approx(0.0)
    assert high[1] == pytest.approx(0.32 + 0.012, abs=1e-3)  # the neck's top, radius included
    assert high[2] == pytest.approx(0.16 + 0.012, abs=1e-3)  # the spout, over the basin
    pieces = tap.split(only_watertight=False)
    assert len(pieces) == 4  # foot, neck, hub, lever: each closed
    assert all(welded(piece).is_watertight for piece in pieces)


def test_a_glove_lies_flat_fingers_forward() -> None:
    glove = detail.glove(cuff=0.1)
    low, high = glove.bounds
    assert high[1] - low[1] < 0.05  # flat on the table
    assert low[2] < -0.14  # fingers towards -Z
    assert high[2] == pytest.approx(0.04 + 0.1, abs=2e-3)  # the cuff's open end


def test_a_mug_has_its_handle_on_the_side() -> None:
    mug = detail.mug(0.035, 0.045, 0.075, handle=0.035)
    low, high = mug.bounds
    assert low[0] == pytest.approx(-0.045)
    assert high[0] > 0.05  # the handle stands out on +X
    assert high[1] == pytest.approx(0.075)
    assert len(mug.faces) == len(detail.cup(0.035, 0.045, 0.075).faces) + len(
        detail.pull_handle(0.035, 0.016, 0.0056, bend=0.007).faces
    )


@pytest.mark.parametrize(
    ("size", "radius"), [((0.054, 0.002, 0.086), 0.00099), ((0.2, 0.004, 0.08), 0.0019)]
)
def test_thin_rounded_boxes_keep_steps_the_packer_can_hold(
    size: tuple[float, float, float], radius: float
) -> None:
    """No two corners of a triangle fall on one point of the packer's position grid (2**-10
    m): a card or a blade is rounded fully rather than given sub-millimetre bends."""
    mesh = detail.rounded_box(size, radius, segments=3)
    grid = np.round(np.asarray(mesh.vertices) / detail.MIN_STEP_M).astype(np.int64)
    corners = grid[np.asarray(mesh.faces)]
    collapsed = (
        np.all(corners[:, 0] == corners[:, 1], axis=1)
        | np.all(corners[:, 1] == corners[:, 2], axis=1)
        | np.all(corners[:, 0] == corners[:, 2], axis=1)
    )
    assert not collapsed.any()
    assert welded(mesh).is_watertight
