"""Rooms: floor, four walls (with window openings), doors, ceiling and ceiling lights.

The room is a box `width` x `depth` x `height` whose floor is centred on (`center_x`, 0,
`center_z`). The floor, ceiling and each wall are named nodes (`floor`, `ceiling`,
`wall_back`, `wall_front`, `wall_left`, `wall_right`); windows, doors, skirting and lights are
static scenery. Positions along a wall are world coordinates: x for the back (-Z) and front
(+Z) walls, z for the left (-X) and right (+X) walls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from scenes.kit.builder import SceneBuilder
from scenes.kit.materials import Material, concrete, plain, textured, wood_grain
from scenes.kit.shapes import FloatArray, box, frame, merge, rod, rotate_y, translate

__all__ = [
    "ROOM_MATERIALS",
    "Door",
    "Room",
    "Window",
    "ceiling_lights",
    "room_materials",
]

WallName = Literal["back", "front", "left", "right"]
WALL_THICKNESS = 0.1

# The material names `Room` uses: give them in the builder's materials (see room_materials).
ROOM_MATERIALS = ("floor", "wall", "ceiling", "window_frame", "glass", "door", "handle", "lamp")


def room_materials(
    *,
    floor: Material,
    wall: Material,
    ceiling: Material | None = None,
    door: Material | None = None,
) -> dict[str, Material]:
    """The materials a Room needs, with sensible defaults for the ceiling, windows and doors."""
    return {
        "floor": floor,
        "wall": wall,
        "ceiling": ceiling
        or textured(
            "ceiling", concrete((238, 238, 234), size=64, seed=90), tile_m=2.0, roughness=0.95
        ),
        "window_frame": plain("window_frame", (235, 236, 238), metallic=0.3, roughness=0.4),
        "glass": plain(
            "glass", (110, 150, 190), roughness=0.1, metallic=0.1, emissive=(40, 78, 128)
        ),
        "door": door
        or textured(
            "door",
            wood_grain((176, 128, 84), (120, 80, 48), size=128, seed=91),
            tile_m=1.0,
            roughness=0.6,
        ),
        "handle": plain("handle", (190, 192, 196), metallic=0.9, roughness=0.3),
        "lamp": plain("lamp", (255, 252, 240), roughness=0.5, emissive=(255, 246, 222)),
    }


@dataclass(frozen=True)
class Window:
    wall: WallName
    center: float  # along the wall (world x or z)
    width: float = 1.2
    height: float = 1.1
    bottom: float = 0.95
    glass: bool = True  # False: an open bay (a framed opening with nothing in it)


@dataclass(frozen=True)
class Door:
    wall: WallName
    center: float
    width: float = 0.9
    height: float = 2.05


@dataclass(frozen=True)
class Room:
    width: float
    depth: float
    height: float = 2.8
    center_x: float = 0.0
    center_z: float = 0.0
    windows: Sequence[Window] = ()
    doors: Sequence[Door] = ()
    skirting: str | None = None  # a material for 8 cm skirting boards, or none
    front_wall: bool = True

    @property
    def back(self) -> float:
        return self.center_z - self.depth / 2

    @property
    def front(self) -> float:
        return self.center_z + self.depth / 2

    @property
    def left(self) -> float:
        return self.center_x - self.width / 2

    @property
    def right(self) -> float:
        return self.center_x + self.width / 2

    def build(self, b: SceneBuilder) -> None:
        t = WALL_THICKNESS
        b.add(
            "floor",
            box((self.width + 2 * t, 0.02, self.depth + 2 * t), (0, -0.02, 0)),
            "floor",
            translate(self.center_x, 0, self.center_z),
        )
        b.add(
            "ceiling",
            box((self.width, 0.05, self.depth)),
            "ceiling",
            translate(self.center_x, self.height, self.center_z),
        )
        walls: list[WallName] = ["back", "left", "right"]
        if self.front_wall:
            walls.append("front")
        for wall in walls:
            length = self.width if wall in ("back", "front") else self.depth
            windows = [w for w in self.windows if w.wall == wall]
            openings = [(self._local(wall, w.center), w.bottom, w.width, w.height) for w in windows]
            b.add(
                f"wall_{wall}",
                _wall_mesh(
                    length + (2 * t if wall in ("back", "front") else 0), self.height, openings
                ),
                "wall",
                self._placement(wall),
            )
            place = self._placement(wall)
            for window, (center, bottom, width, height) in zip(windows, openings, strict=True):
                outer = frame(
                    width + 0.08, height + 0.08, 0.06, t + 0.02, (center, bottom - 0.04, 0)
                )
                b.static(outer, "window_frame", place)
                if not window.glass:
                    continue
                b.static(
                    frame(width, height, 0.03, 0.04, (center, bottom, 0)), "window_frame", place
                )
                pane = box((width - 0.06, height - 0.06, 0.01), (center, bottom + 0.03, 0))
                b.static(pane, "glass", place)
                sill = box((width + 0.1, 0.03, 0.12), (center, bottom - 0.03, 0.06))
                b.static(sill, "window_frame", place)
            if self.skirting:
                b.static(box((length, 0.08, 0.012), (0, 0, t / 2 + 0.006)), self.skirting, place)
        for door in self.doors:
            place = self._placement(door.wall)
            center = self._local(door.wall, door.center)
            b.static(
                box((door.width - 0.02, door.height - 0.01, 0.04), (center, 0.0, t / 2 + 0.02)),
                "door",
                place,
            )
            b.static(
                frame(
                    door.width + 0.14, door.height + 0.07, 0.07, 0.03, (center, 0.0, t / 2 + 0.015)
                ),
                "window_frame",
                place,
            )
            x = center + door.width / 2 - 0.1
            b.static(
                merge(
                    rod((x, 1.0, t / 2 + 0.04), (x, 1.0, t / 2 + 0.1), 0.012),
                    rod((x, 1.0, t / 2 + 0.1), (x - 0.12, 1.0, t / 2 + 0.1), 0.011),
                ),
                "handle",
                place,
            )

    def _local(self, wall: WallName, along: float) -> float:
        """A world position along `wall` in the wall's own x coordinate."""
        if wall == "back":
            return along - self.center_x
        if wall == "front":
            return self.center_x - along
        if wall == "left":
            return self.center_z - along
        return along - self.center_z

    def _placement(self, wall: WallName) -> FloatArray:
        """Wall coordinates (x along the wall, +z into the room) to world coordinates."""
        t = WALL_THICKNESS
        if wall == "back":
            return translate(self.center_x, 0, self.back - t / 2)
        if wall == "front":
            return translate(self.center_x, 0, self.front + t / 2) @ rotate_y(180)
        if wall == "left":
            return translate(self.left - t / 2, 0, self.center_z) @ rotate_y(90)
        return translate(self.right + t / 2, 0, self.center_z) @ rotate_y(-90)


def _wall_mesh(
    length: float, height: float, openings: Sequence[tuple[float, float, float, float]]
) -> Any:
    """A wall along X centred on x = 0 with rectangular holes (center, bottom, width, height)."""
    t = WALL_THICKNESS
    parts = []
    x = -length / 2
    for center, bottom, width, h in sorted(openings):
        left, right = center - width / 2, center + width / 2
        if left > x:
            parts.append(box((left - x, height, t), ((x + left) / 2, 0, 0)))
        parts.append(box((width, bottom, t), (center, 0, 0)))
        parts.append(box((width, height - bottom - h, t), (center, bottom + h, 0)))
        x = right
    if length / 2 > x:
        parts.append(box((length / 2 - x, height, t), ((x + length / 2) / 2, 0, 0)))
    return merge(*parts)


def ceiling_lights(
    b: SceneBuilder,
    positions: Sequence[tuple[float, float]],
    height: float,
    *,
    size: tuple[float, float] = (1.2, 0.3),
    material: str = "lamp",
    housing: str = "window_frame",
) -> None:
    """Flat LED panels (x, z) under a ceiling at `height`: emissive, so they glow in any light."""
    for x, z in positions:
        b.static(box((size[0], 0.02, size[1]), (x, height - 0.03, z)), material)
        b.static(box((size[0] + 0.04, 0.015, size[1] + 0.04), (x, height - 0.015, z)), housing)
