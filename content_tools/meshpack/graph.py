"""The scene graph side of packing: which nodes must stay as they are, world matrices, and
dropping nodes and meshes with every reference renumbered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Plan", "drop_meshes", "drop_nodes", "local_matrix", "plan", "world_matrices"]

Matrix = npt.NDArray[np.float64]

# A node with any of these keeps its place: something refers to it or to what it holds.
_PINNING_KEYS = ("camera", "skin", "weights", "extensions", "extras")


@dataclass(frozen=True, slots=True)
class Plan:
    """Which nodes packing must leave where they are."""

    pinned: frozenset[int]
    """Nodes named by the script (or pinned otherwise) and every node below them: they keep
    their meshes, names, transforms and children."""
    ancestors: frozenset[int]
    """Nodes above a pinned node: they keep names and transforms; their meshes may merge."""
    parents: dict[int, int]
    in_scene: frozenset[int]
    """Nodes reachable from a scene: only these may be merged."""


def local_matrix(node: dict[str, Any]) -> Matrix:
    if "matrix" in node:
        return np.array(node["matrix"], dtype=np.float64).reshape(4, 4).T  # column-major
    x, y, z, w = node.get("rotation", (0.0, 0.0, 0.0, 1.0))
    rotation = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * np.array(node.get("scale", (1.0, 1.0, 1.0)), dtype=np.float64)
    matrix[:3, 3] = node.get("translation", (0.0, 0.0, 0.0))
    return matrix


def world_matrices(document: dict[str, Any]) -> dict[int, Matrix]:
    """The world matrix of every node reachable from a scene."""
    nodes = document.get("nodes", [])
    world: dict[int, Matrix] = {}
    stack = [(root, np.eye(4)) for scene in document.get("scenes", []) for root in scene["nodes"]]
    while stack:
        index, parent = stack.pop()
        if index in world:
            continue
        world[index] = parent @ local_matrix(nodes[index])
        stack.extend((child, world[index]) for child in nodes[index].get("children", []))
    return world


def plan(document: dict[str, Any], keep_names: Iterable[str] | None) -> Plan:
    """Pin the nodes named in `keep_names` (None: every named node, like gltfpack -kn), nodes
    that hold a camera, skin, morph weights, extension or extras, skin joints and animated
    nodes; then everything below a pinned node, and find the nodes above one."""
    nodes: list[dict[str, Any]] = document.get("nodes", [])
    parents = {child: i for i, node in enumerate(nodes) for child in node.get("children", [])}
    names = None if keep_names is None else set(keep_names)
    pinned: set[int] = set()
    for index, node in enumerate(nodes):
        by_name = "name" in node and (names is None or node["name"] in names)
        if by_name or any(key in node for key in _PINNING_KEYS):
            pinned.add(index)
    for skin in document.get("skins", []):
        pinned.update(skin.get("joints", []))
        if "skeleton" in skin:
            pinned.add(skin["skeleton"])
    for animation in document.get("animations", []):
        for channel in animation.get("channels", []):
            if "node" in channel.get("target", {}):
                pinned.add(channel["target"]["node"])
    below = set(pinned)
    stack = list(pinned)
    while stack:
        for child in nodes[stack.pop()].get("children", []):
            if child not in below:
                below.add(child)
                stack.append(child)
    above: set[int] = set()
    for index in pinned:
        while index in parents and parents[index] not in above:
            index = parents[index]
            above.add(index)
    reachable = set()
    stack = [root for scene in document.get("scenes", []) for root in scene["nodes"]]
    while stack:
        index = stack.pop()
        if index not in reachable:
            reachable.add(index)
            stack.extend(nodes[index].get("children", []))
    return Plan(frozenset(below), frozenset(above - below), parents, frozenset(reachable))


def drop_nodes(document: dict[str, Any], removed: set[int]) -> None:
    """Remove nodes (none of which may be a skin joint or an animation target) and renumber."""
    if not removed:
        return
    nodes = document["nodes"]
    new: dict[int, int] = {}
    for old in range(len(nodes)):
        if old not in removed:
            new[old] = len(new)
    for node in nodes:
        if "children" in node:
            node["children"] = [new[c] for c in node["children"] if c in new]
            if not node["children"]:
                del node["children"]
    for scene in document.get("scenes", []):
        scene["nodes"] = [new[n] for n in scene["nodes"] if n in new]
    for skin in document.get("skins", []):
        skin["joints"] = [new[j] for j in skin["joints"]]
        if "skeleton" in skin:
            skin["skeleton"] = new[skin["skeleton"]]
    for animation in document.get("animations", []):
        for channel in animation.get("channels", []):
            target = channel.get("target", {})
            if "node" in target:
                target["node"] = new[target["node"]]
    document["nodes"] = [node for i, node in enumerate(nodes) if i not in removed]


def drop_meshes(document: dict[str, Any]) -> None:
    """Remove the meshes no node shows and renumber the nodes' references."""
    meshes = document.get("meshes", [])
    used = sorted({node["mesh"] for node in document.get("nodes", []) if "mesh" in node})
    if len(used) == len(meshes):
        return
    new = {old: i for i, old in enumerate(used)}
    for node in document.get("nodes", []):
        if "mesh" in node:
            node["mesh"] = new[node["mesh"]]
    document["meshes"] = [meshes[i] for i in used]
    if not document["meshes"]:
        del document["meshes"]
