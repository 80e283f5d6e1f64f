"""`SceneBuilder`: collects named nodes, empty marker nodes, lights and static geometry into a
trimesh scene.

- `add` makes a named node with its own mesh: everything the session script points at (things
  to select, grab or look at) and anything that should stay a separate object.
- `static` adds scenery that nobody interacts with. It is merged into one node per material
  (`static_<material>`), so a whole room costs one draw call per material.
- `marker` makes an empty node: a place, not a thing (spawn point, drop target, camera).
- `light` adds a KHR_lights_punctual light (written by `scenes.kit.export`).

`assemble(materials, *parts)` is a generator's `build()`: a builder that each part fills in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from scenes.kit.materials import RGB, Material
from scenes.kit.shapes import FloatArray, box_uv, crease_shaded, trimesh

__all__ = ["Light", "Parts", "SceneBuilder", "assemble"]

Parts = list[tuple[str, Any]]
"""An object made of several meshes: (material name, mesh) pairs in the object's own frame."""


@dataclass(frozen=True)
class Light:
    node: str
    kind: Literal["directional", "point", "spot"]
    color: RGB
    intensity: float
    range_m: float | None = None


class SceneBuilder:
    """Collects nodes into a trimesh scene; `materials` maps the names used here to Materials."""

    def __init__(self, materials: Mapping[str, Material]) -> None:
        self.materials = dict(materials)
        self.scene = trimesh.Scene()
        self.lights: list[Light] = []
        self._meshes: dict[str, Any] = {}
        self._static: dict[str, list[tuple[FloatArray, FloatArray, Any]]] = {}
        self._shaded: dict[int, tuple[Any, FloatArray, FloatArray, Any]] = {}

    # -- nodes --------------------------------------------------------------------------------

    def add(
        self,
        name: str,
        mesh: Any,
        material: str,
        transform: FloatArray | None = None,
        *,
        parent: str | None = None,
        mesh_name: str | None = None,
    ) -> None:
        """Add node `name` showing `mesh`; nodes sharing `mesh_name` share one glTF mesh."""
        self._check_new(name)
        key = f"{mesh_name}_{material}" if mesh_name else name
        matrix = np.round(np.eye(4) if transform is None else transform, 9)
        if key in self._meshes:  # another instance of a mesh: reference it, do not copy it
            self.scene.graph.update(
                frame_from=parent or self.scene.graph.base_frame,
                frame_to=name,
                matrix=matrix,
                geometry=key,
            )
            return
        shaded = self._finish_mesh(crease_shaded(mesh), self.materials[material])
        self._meshes[key] = shaded
        self.scene.add_geometry(
            shaded, node_name=name, geom_name=key, parent_node_name=parent, transform=matrix
        )

    def static(self, mesh: Any, material: str, transform: FloatArray | None = None) -> None:
        """Scenery: merged with all other static geometry of `material` into one node.

        A mesh object is crease-shaded once, however often it is placed (reuse the same mesh
        for repeated scenery: boxes on shelves, chairs, lamps)."""
        if material not in self.materials:
            raise KeyError(f"unknown material {material!r}")
        cached = self._shaded.get(id(mesh))
        if cached is None or cached[0] is not mesh:
            shaded = crease_shaded(mesh)
            cached = (
                mesh,
                np.asarray(shaded.vertices),
                np.asarray(shaded.vertex_normals),
                np.asarray(shaded.faces),
            )
            self._shaded[id(mesh)] = cached
        _, vertices, normals, faces = cached
        if transform is not None:
            rotation, offset = transform[:3, :3], transform[:3, 3]
            vertices = np.round(vertices @ rotation.T + offset, 6)
            normals = normals @ np.linalg.inv(rotation)  # the inverse transpose, transposed
            normals = np.round(normals / np.linalg.norm(normals, axis=1, keepdims=True), 5)
            if np.linalg.det(rotation) < 0:  # a mirror turns the faces inside out
                faces = faces[:, ::-1]
        self._static.setdefault(material, []).append((vertices, normals, faces))

    def static_parts(self, parts: Parts, transform: FloatArray | None = None) -> None:
        """Scenery made of several materials (furniture): each part merged as `static`."""
        for material, mesh in parts:
            self.static(mesh, material, transform)

    def add_parts(
        self,
        name: str,
        parts: Parts,
        transform: FloatArray | None = None,
        *,
        parent: str | None = None,
    ) -> None:
        """A named object made of several materials: node `name` shows the first material's
        meshes, child nodes `<name>_<material>` the others (what a ray hits is the object)."""
        grouped: dict[str, list[Any]] = {}
        for material, mesh in parts:
            grouped.setdefault(material, []).append(mesh)
        meshes = [
            (material, trimesh.util.concatenate(group)) for material, group in grouped.items()
        ]
        (first_material, first_mesh), rest = meshes[0], meshes[1:]
        self.add(name, first_mesh, first_material, transform, parent=parent)
        for material, mesh in rest:
            self.add(f"{name}_{material}", mesh, material, parent=name)

    def add_mesh(
        self,
        name: str,
        mesh: Any,
        transform: FloatArray | None = None,
        *,
        parent: str | None = None,
    ) -> None:
        """Add node `name` showing a finished mesh: its own normals, texture coordinates and
        material (`scenes.kit.text`'s signs, whose coordinates point into an atlas)."""
        self._check_new(name)
        matrix = np.round(np.eye(4) if transform is None else transform, 9)
        self.scene.add_geometry(
            mesh, node_name=name, geom_name=name, parent_node_name=parent, transform=matrix
        )

    def marker(
        self, name: str, transform: FloatArray | None = None, *, parent: str | None = None
    ) -> None:
        """An empty node: a place, not a thing (spawn point, drop target, camera)."""
        self._check_new(name)
        self.scene.graph.update(
            frame_from=parent or self.scene.graph.base_frame,
            frame_to=name,
            matrix=np.round(np.eye(4) if transform is None else transform, 9),
        )

    def light(
        self,
        name: str,
        transform: FloatArray,
        *,
        kind: Literal["directional", "point", "spot"] = "point",
        color: RGB = (255, 255, 255),
        intensity: float = 1.0,
        range_m: float | None = None,
    ) -> None:
        """A punctual light on a new empty node (directional and spot lights shine along the
        node's -Z axis)."""
        self.marker(name, transform)
        self.lights.append(Light(name, kind, color, intensity, range_m))

    def node_names(self) -> set[str]:
        return set(self.scene.graph.nodes)

    # -- finishing ----------------------------------------------------------------------------

    def finish(self, required: Iterable[str] = ()) -> Any:
        """Merge the static geometry, check that every `required` node exists, return the
        trimesh scene."""
        for material, pieces in self._static.items():
            name = f"static_{material}"
            self._check_new(name)
            merged = self._finish_mesh(_concatenate(pieces), self.materials[material])
            self.scene.add_geometry(merged, node_name=name, geom_name=name)
        self._static.clear()
        missing = set(required) - self.node_names()
        if missing:
            raise RuntimeError(f"the scene lacks nodes the script relies on: {sorted(missing)}")
        return self.scene

    def _check_new(self, name: str) -> None:
        if name in self.scene.graph.nodes:
            raise ValueError(f"node name {name!r} is used twice")

    @staticmethod
    def _finish_mesh(shaded: Any, material: Material) -> Any:
        uv = None
        if material.textured:
            uv = box_uv(
                np.asarray(shaded.vertices), np.asarray(shaded.vertex_normals), material.tile_m
            )
        shaded.visual = trimesh.visual.TextureVisuals(uv=uv, material=material.pbr())
        return shaded


def _concatenate(pieces: list[tuple[FloatArray, FloatArray, Any]]) -> Any:
    """One mesh from (vertices, normals, faces) pieces, keeping their vertex normals."""
    offsets = np.cumsum([0] + [len(vertices) for vertices, _, _ in pieces[:-1]])
    return trimesh.Trimesh(
        vertices=np.vstack([vertices for vertices, _, _ in pieces]),
        faces=np.vstack(
            [faces + offset for (_, _, faces), offset in zip(pieces, offsets, strict=True)]
        ),
        vertex_normals=np.vstack([normals for _, normals, _ in pieces]),
        process=False,
    )


def assemble(
    materials: Mapping[str, Material], *parts: Callable[[SceneBuilder], object]
) -> SceneBuilder:
    """A scene of `materials`, built by `parts` in order (each adds its nodes to the builder)."""
    builder = SceneBuilder(materials)
    for part in parts:
        part(builder)
    return builder
