"""Nodes, skins and scenes: the hierarchy and what hangs on it (second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.context import Raw
from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.formats import F
from content_tools.validate.gltf.link.linker import Linker, lookup
from content_tools.validate.gltf.objects import Check, Node, Scene, Skin


def link_node(lk: Linker, node: Node) -> None:
    ctx = lk.ctx
    doc = lk.doc
    node.camera = lk.resolve(doc.cameras, node.camera_index, name="camera")
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
    node.skin = lk.resolve(doc.skins, node.skin_index, name="skin")
    mesh = lk.resolve(doc.meshes, node.mesh_index, name="mesh")
    if mesh is not None:
        node.mesh = mesh
        if node.weights is not None and mesh.targets_count != len(node.weights):
            ctx.add(
                "NODE_WEIGHTS_INVALID",
                len(node.weights),
                max(mesh.targets_count, 0),
                name="weights",
            )
        if node.skin is None:
            if mesh.has_joints:
                ctx.add("NODE_SKINNED_MESH_WITHOUT_SKIN")
        elif not mesh.has_joints:
            ctx.add("NODE_SKIN_WITH_NON_SKINNED_MESH")
        elif node.has_transform:
            ctx.add("NODE_SKINNED_MESH_LOCAL_TRANSFORMS")
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
    ctx = lk.ctx
    doc = lk.doc
    acc = lk.resolve(doc.accessors, skin.ibm_index, name="inverseBindMatrices")
    if acc is not None:
        lk.set_usage(acc, "IBM", "inverseBindMatrices")
        skin.ibm = acc
        if acc.valid:
            bv = acc.buffer_view
            lk.set_view_usage(bv, "Other", "inverseBindMatrices")
            if bv is not None and bv.byte_stride != -1:
                ctx.add("SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE", name="inverseBindMatrices")
            if lk.check_format(
                acc, "SKIN_IBM_INVALID_FORMAT", [("MAT4", F, False)], name="inverseBindMatrices"
            ):
                if skin.joint_indices is not None and acc.count < len(skin.joint_indices):
                    ctx.add(
                        "INVALID_IBM_ACCESSOR_COUNT",
                        len(skin.joint_indices),
                        acc.count,
                        name="inverseBindMatrices",
                    )
                else:
                    acc.checks.append(Check("ibm", ctx.pointer("inverseBindMatrices")))
    skeleton: Node | None = None
    if skin.skeleton_index != -1:
        skeleton = lookup(doc.nodes, skin.skeleton_index)
        if skeleton is None:
            ctx.add("UNRESOLVED_REFERENCE", skin.skeleton_index, name="skeleton")
    if skin.joint_indices is None:
        return
    with ctx.at("joints"):
        for j, ji in enumerate(skin.joint_indices):
            skin.joints.append(lk.resolve(doc.nodes, ji, at=j))
    hier = lk.hierarchy()
    roots = {id(hier.root.get(j.index)) if j is not None else None for j in skin.joints}
    if not skin.joints or None in roots or id(None) in roots or len(roots) != 1:
        ctx.add("SKIN_NO_COMMON_ROOT", name="joints")
    elif skeleton is not None and not all(
        j is not None and hier.is_ancestor_or_self(skeleton, j) for j in skin.joints
    ):
        ctx.add("SKIN_SKELETON_INVALID", name="skeleton")


def check_nodes(lk: Linker) -> None:
    ctx = lk.ctx
    doc = lk.doc
    joints = {id(n) for s in doc.skins if s is not None for n in s.joints if n is not None}
    hier = lk.hierarchy()
    for node in doc.nodes:
        if node is None:
            continue
        pointer = f"/nodes/{node.index}"
        if node.index in hier.in_loop:
            ctx.add("NODE_LOOP", pointer=pointer)
        if node.skin is not None and node.mesh is not None and node.parent is not None:
            if hier.transform_above.get(node.index, False):
                ctx.add("NODE_SKINNED_MESH_PARENT_TRANSFORMS", pointer=pointer)
            ctx.add("NODE_SKINNED_MESH_NON_ROOT", pointer=pointer)
        if (
            node.camera is None
            and node.mesh is None
            and not node.children_indices
            and not node.extensions
            and not node.has_extras
            and id(node) not in joints
            and node.index not in lk.animated
        ):
            ctx.add("NODE_EMPTY", pointer=pointer)


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
