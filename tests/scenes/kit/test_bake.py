"""Light baked into vertex colours (`scenes.kit.bake`): darker where a real room is darker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from content_tools.glb_parts import accessor_values, split_glb
from scenes import kit
from scenes.kit.bake import ambient_light, occupancy
from scenes.kit.export import export_glb
from scenes.kit.shapes import FloatArray

_UNSIGNED_BYTE = 5121


def triangles(*meshes: Any) -> FloatArray:
    return np.concatenate([np.asarray(m.vertices)[np.asarray(m.faces)] for m in meshes])


UP = np.array([0.0, 1.0, 0.0])
FLOOR = kit.box((6.0, 0.02, 6.0), (0, -0.02, 0))
CRATE = kit.box((0.6, 0.6, 0.6))  # on the floor at the origin


@pytest.fixture(scope="module")
def crate_on_floor() -> Any:
    return occupancy(triangles(FLOOR, CRATE))


def light(grid: Any, points: list[list[float]], normal: FloatArray = UP) -> FloatArray:
    return ambient_light(grid, np.asarray(points, dtype=float), np.tile(normal, (len(points), 1)))


def test_the_floor_darkens_next_to_a_box_and_not_far_away(crate_on_floor: Any) -> None:
    near, middle, far = light(crate_on_floor, [[0.35, 0, 0], [0.8, 0, 0], [2.5, 0, 2.5]])
    assert far == pytest.approx(1.0)  # open floor: nothing in reach
    assert near < middle < far
    assert near < 0.8  # a visible contact shadow


def test_the_box_sides_darken_where_they_meet_the_floor(crate_on_floor: Any) -> None:
    side = np.array([1.0, 0.0, 0.0])
    bottom, top = light(crate_on_floor, [[0.3, 0.0, 0.0], [0.3, 0.6, 0.0]], side)
    assert bottom < top
    # a face lying on another is half in the open, not inside it (no black contact edges)
    assert bottom > 0.5
    assert light(crate_on_floor, [[0.0, 0.6, 0.0]])[0] == pytest.approx(1.0)  # the open top


def test_the_floor_under_a_table_is_darker_than_its_top() -> None:
    top = kit.box((1.2, 0.04, 0.8), (0, 0.72, 0))
    grid = occupancy(triangles(FLOOR, top))
    under, beside, on_top = light(grid, [[0, 0, 0], [1.5, 0, 0], [0, 0.76, 0]])
    assert under < beside
    assert under < 0.85
    assert on_top == pytest.approx(1.0)
    (underside,) = light(grid, [[0, 0.72, 0]], -UP)  # the table's underside, facing the floor
    assert underside < on_top


def test_a_corner_is_darker_than_the_middle_of_a_wall() -> None:
    room = kit.Room(4.0, 4.0, 2.8)
    builder = kit.SceneBuilder(
        kit.room_materials(
            floor=kit.plain("f", (200, 200, 200)), wall=kit.plain("w", (230, 230, 230))
        )
    )
    room.build(builder)
    scene = builder.finish()
    meshes = [
        scene.geometry[name].copy().apply_transform(scene.graph[name][0])
        for name in ("floor", "ceiling", "wall_back", "wall_left", "wall_right", "wall_front")
    ]
    grid = occupancy(triangles(*meshes))
    toward_room = np.array([0.0, 0.0, 1.0])  # the back wall's face
    corner, middle = light(grid, [[-1.98, 0.02, -2.0], [0.0, 1.4, -2.0]], toward_room)
    edge = light(grid, [[0.0, 0.02, -2.0]], toward_room)[0]  # where the wall meets the floor
    assert corner < edge < middle
    assert middle > 0.95


def baked_scene() -> kit.SceneBuilder:
    materials = {
        "floor": kit.plain("floor", (180, 180, 180)),
        "wood": kit.textured(
            "wood", kit.wood_grain((170, 120, 80), (120, 80, 50), size=32, seed=1), tile_m=1.0
        ),
    }
    builder = kit.SceneBuilder(materials)
    builder.add("floor", kit.box((4.0, 0.02, 4.0), (0, -0.02, 0)), "floor")
    crate = kit.box((0.5, 0.5, 0.5))
    builder.add("crate", crate, "wood", kit.translate(0.5, 0, 0), mesh_name="crate")
    builder.add("crate_2", crate, "wood", kit.translate(-1.0, 0, 0.5), mesh_name="crate")
    builder.static(kit.box((0.3, 0.2, 0.3)), "wood", kit.translate(1.5, 0, 1.5))
    builder.marker("spawn", kit.translate(0, 0, 1.5))
    return builder


def colours(glb: bytes) -> dict[str, FloatArray]:
    parts = split_glb(glb, path=Path("scene.glb"))
    document = parts.document
    out = {}
    for mesh in document["meshes"]:
        (primitive,) = mesh["primitives"]
        attributes = primitive["attributes"]
        accessor = document["accessors"][attributes["COLOR_0"]]
        assert accessor["componentType"] == _UNSIGNED_BYTE
        assert accessor["normalized"] is True
        assert accessor["type"] == "VEC4"
        assert accessor["count"] == document["accessors"][attributes["POSITION"]]["count"]
        out[mesh["name"]] = accessor_values(parts, attributes["COLOR_0"]).astype(float)
    return out


def test_every_mesh_gets_grey_colour_0_and_the_floor_is_shaded() -> None:
    baked = colours(export_glb(baked_scene()))
    assert set(baked) == {"floor", "crate_wood", "static_wood"}
    for values in baked.values():
        assert (values[:, 0] == values[:, 1]).all()
        assert (values[:, 1] == values[:, 2]).all()
        assert (values[:, 3] == 255).all()
    floor = baked["floor"][:, 0]
    assert floor.max() == 255  # open floor stays white
    assert floor.min() < 200  # beside the crates


def test_the_bake_is_deterministic() -> None:
    assert export_glb(baked_scene()) == export_glb(baked_scene())
