"""Nodes, skins and scenes: the hierarchy and what hangs on it (second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.context import Raw
from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.formats import F
from content_tools.validate.gltf.link.linker import Linker, lookup
from content_tools.validate.gltf.objects import Check, Node, Scene, Skin


def link_node(lk: Linker, node: Node) -> None:
    """The reference's order: camera, skin, mesh (weights, skinning), children."""
    ctx = lk.ctx
    doc = lk.doc
    node.camera = lk.resolve(doc.cameras, node.camera_index, name="camera")
    node.skin = lk.resolve(doc.skins, node.skin_index, name="skin")
    mesh = lk.resolve(doc.meshes, node.mesh_index, name="mesh")
    if mesh is not None:
        node.mesh = mesh
        if mesh.primitives is not None:
            targets = mesh.targets_count
            if node.weights is not None and targets != len(node.weights):
                shown: object = Raw("null") if targets == -1 else targets
                ctx.add("NODE_WEIGHTS_INVALID", len(node.weights), shown, name="weights")
            if node.skin is not None:
                if not mesh.any_skinned:
                    ctx.add("NODE_SKIN_WITH_NON_SKINNED_MESH")
            elif mesh.any_skinned:
                ctx.add("NODE_SKINNED_MESH_WITHOUT_SKIN")
    if node.children_indices is not None:
        with ctx.at("children"):
            for j, ci in enumerate(node.children_indices):
                child = lk.resolve(doc.nodes, ci, at=j)
                if child is None:
                    continue
                if child.parent is not None:
                    ctx.add("NODE_PARENT_OVERRIDE", ci, index=j)
                child.parent = node
                node.children.append(child)
    light = node.extensions.get("KHR_lights_punctual")
    if isinstance(light, ExtObject):
        li = light.values.get("light", -1)
        if not isinstance(doc.extensions.get("KHR_lights_punctual"), ExtObject):
            root = Raw("/extensions/KHR_lights_punctual")
            ctx.add("UNSATISFIED_DEPENDENCY", root, pointer=light.pointer)
        elif li != -1:
            target = lookup(doc.lights or [], li)
            if target is None:
                ctx.add("UNRESOLVED_REFERENCE", li, pointer=f"{light.pointer}/light")
            else:
                target["used"] = True


def link_skin(lk: Linker, skin: Skin) -> None:
    """The reference's order: joints (common root), inverse bind matrices, skeleton."""
    ctx = lk.ctx
    doc = lk.doc
    hier = lk.hierarchy()
    if skin.joint_indices is not None:
        with ctx.at("joints"):
            for j, ji in enumerate(skin.joint_indices):
                joint = lk.resolve(doc.nodes, ji, at=j)
                if joint is not None:
                    joint.is_joint = True
                    skin.joints.append(joint)
        roots = {id(hier.root.get(j.index)) for j in skin.joints}
        if not skin.joints or len(roots) != 1 or hier.root.get(skin.joints[0].index) is None:
            ctx.add("SKIN_NO_COMMON_ROOT", name="joints")
        else:
            skin.root = hier.root.get(skin.joints[0].index)
    acc = lk.resolve(doc.accessors, skin.ibm_index, name="inverseBindMatrices")
    if acc is not None:
        skin.ibm = acc
        code = "SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE"
        lk.use_unstrided_accessor(acc, "IBM", "IBM", "inverseBindMatrices", code)
        if lk.check_format(
            acc, "SKIN_IBM_INVALID_FORMAT", [("MAT4", F, False)], name="inverseBindMatrices"
        ):
            acc.checks.append(Check("ibm", ctx.pointer("inverseBindMatrices")))
        if skin.joint_indices is not None and acc.count < len(skin.joint_indices):
            ctx.add(
                "INVALID_IBM_ACCESSOR_COUNT",
                len(skin.joint_indices),
                acc.count,
                name="inverseBindMatrices",
            )
    if skin.skeleton_index != -1:
        skeleton = lookup(doc.nodes, skin.skeleton_index)
        if skeleton is None:
            ctx.add("UNRESOLVED_REFERENCE", skin.skeleton_index, name="skeleton")
        elif skin.root is None or not all(
            hier.is_ancestor_or_self(skeleton, j) for j in skin.joints
        ):
            ctx.add("SKIN_SKELETON_INVALID", name="skeleton")


def _default_transform(node: Node) -> bool:
    """The node's local transform is the identity (absent or given with default values)."""
    return (
        (node.matrix is None or node.matrix == _IDENTITY)
        and (node.translation is None or node.translation == [0, 0, 0])
        and (node.rotation is None or node.rotation == [0, 0, 0, 1])
        and (node.scale is None or node.scale == [1, 1, 1])
    )


_IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]


def _scene_sets(lk: Linker) -> dict[int, frozenset[int]]:
    """The scenes that hold each node: those listing it or an ancestor. A node with no
    listing of its own shares its parent's set, so a long chain costs one set, and each
    parent link is followed once (a walk stops at the first node already known)."""
    listed: dict[int, set[int]] = {}
    for scene in lk.doc.scenes:
        if scene is not None:
            for ni in scene.node_indices or []:
                listed.setdefault(ni, set()).add(scene.index)
    hier = lk.hierarchy()
    known: dict[int, frozenset[int]] = {}
    empty: frozenset[int] = frozenset()
    for start in lk.doc.nodes:
        if start is None or start.index in known:
            continue
        path: list[Node] = []
        cur: Node | None = start
        while cur is not None and cur.index not in known and cur.index not in hier.in_loop:
            path.append(cur)
            cur = cur.parent
        above = known.get(cur.index, empty) if cur is not None else empty
        for node in reversed(path):  # top first
            own = listed.get(node.index)
            above = above | own if own else above
            known[node.index] = above
    return known


def check_nodes(lk: Linker) -> None:
    """The per-node checks the reference runs once everything is linked, in its order."""
    ctx = lk.ctx
    hier = lk.hierarchy()
    scenes: dict[int, frozenset[int]] | None = None
    for node in lk.doc.nodes:
        if node is None:
            continue
        pointer = f"/nodes/{node.index}"
        if (
            not node.is_joint
            and node.children_indices is None
            and node.mesh is None
            and node.camera is None
            and not node.extensions
            and not node.has_extras
        ):
            ctx.add("NODE_EMPTY", pointer=pointer)
        if node.index in hier.in_loop:
            ctx.add("NODE_LOOP", pointer=pointer)
        skin = node.skin
        if skin is None:
            continue
        if node.parent is not None:
            ctx.add("NODE_SKINNED_MESH_NON_ROOT", pointer=pointer)
        if not _default_transform(node):
            ctx.add("NODE_SKINNED_MESH_LOCAL_TRANSFORMS", pointer=pointer)
        if skin.root is None:
            continue
        if scenes is None:
            scenes = _scene_sets(lk)
        if not scenes.get(node.index, frozenset()) <= scenes.get(skin.root.index, frozenset()):
            ctx.add("NODE_SKIN_NO_SCENE", pointer=pointer)


def link_scene(lk: Linker, scene: Scene) -> None:
    ctx = lk.ctx
    if scene.node_indices is None:
        return
    with ctx.at("nodes"):
        for j, ni in enumerate(scene.node_indices):
            node = lk.resolve(lk.doc.nodes, ni, at=j)
            if node is None:
                continue
            if node.parent is not None:
                ctx.add("SCENE_NON_ROOT_NODE", ni, index=j)
