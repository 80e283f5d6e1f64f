"""Kit primitives (`scenes.kit.shapes`): the gridded faces of big boxes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from scenes.kit.shapes import GRID_M, GRID_MAX, FloatArray, box


def edges(mesh: Any) -> FloatArray:
    """The three edge lengths of each triangle."""
    triangles = np.asarray(mesh.vertices)[np.asarray(mesh.faces)]
    lengths: FloatArray = np.linalg.norm(triangles - np.roll(triangles, 1, axis=1), axis=2)
    return lengths


def test_a_small_box_keeps_its_twelve_triangles() -> None:
    assert len(box((0.2, 0.1, 0.2)).faces) == 12


@pytest.mark.parametrize("size", [(4.0, 0.02, 3.0), (6.0, 2.8, 0.1), (1.0, 1.0, 1.0)])
def test_a_big_box_has_small_cells_facing_out(size: tuple[float, float, float]) -> None:
    mesh = box(size, (0.5, 0.0, -1.0))
    assert mesh.volume == pytest.approx(np.prod(size))  # closed, every face facing out
    assert np.allclose(
        mesh.bounds,
        [[0.5 - size[0] / 2, 0, -1 - size[2] / 2], [0.5 + size[0] / 2, size[1], -1 + size[2] / 2]],
    )
    sides = np.sort(edges(mesh), axis=1)[:, :2]  # the two legs of each right triangle
    assert sides.max() <= GRID_M + 1e-9


def test_a_bar_and_a_field_get_coarser_cells() -> None:
    beam = box((3.0, 0.1, 0.1))
    assert np.sort(edges(beam), axis=1)[:, :2].max() == pytest.approx(2 * GRID_M)
    field = box((40.0, 0.3, 30.0))
    assert np.sort(edges(field), axis=1)[:, :2].max() == pytest.approx(40.0 / GRID_MAX)
