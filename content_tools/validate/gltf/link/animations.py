"""Animations: samplers' accessors and channels' targets (second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.context import Raw
from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.formats import OUTPUT_FORMATS, F
from content_tools.validate.gltf.link.linker import Linker
from content_tools.validate.gltf.objects import Accessor, Animation, Check


def _sampler_accessor(lk: Linker, index: int, usage: str, name: str) -> Accessor | None:
    """The accessor an animation sampler's `input` or `output` (`name`) refers to, its usage
    recorded and its buffer view checked."""
    acc = lk.resolve(lk.doc.accessors, index, name=name)
    if acc is None:
        return None
    lk.set_usage(acc, usage, name)
    if acc.valid:
        bv = acc.buffer_view
        if bv is not None and bv.byte_stride != -1:
            lk.ctx.add("ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE", name=name)
        lk.set_view_usage(bv, "Other", name)
    return acc


def _check_input(lk: Linker, inp: Accessor, interpolation: str | None) -> None:
    ctx = lk.ctx
    if lk.check_format(
        inp, "ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT", [("SCALAR", F, False)], name="input"
    ):
        inp.checks.append(Check("anim_input", ctx.pointer("input")))
    if inp.min is None or inp.max is None:
        ctx.add("ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS", name="input")
    if interpolation == "CUBICSPLINE" and inp.count < 2:
        ctx.add(
            "ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS",
            Raw("CUBICSPLINE"),
            2,
            inp.count,
            name="input",
        )


def link_animation(lk: Linker, anim: Animation) -> None:
    ctx = lk.ctx
    doc = lk.doc
    samplers = anim.samplers or []
    resolved: list[tuple[Accessor | None, Accessor | None]] = []
    if anim.samplers is not None:
        for _j, s in ctx.each("samplers", samplers):
            inp = _sampler_accessor(lk, s.input_index, "AnimationInput", "input")
            if inp is not None and inp.valid:
                _check_input(lk, inp, s.interpolation)
            out = _sampler_accessor(lk, s.output_index, "AnimationOutput", "output")
            resolved.append((inp, out))
    if anim.channels is None:
        return
    targets: dict[tuple[int, str], int] = {}
    for j, ch in ctx.each("channels", anim.channels):
        sampler = None
        if ch.sampler_index != -1:
            if 0 <= ch.sampler_index < len(samplers):
                sampler = samplers[ch.sampler_index]
                sampler.used = True
            else:
                ctx.add("UNRESOLVED_REFERENCE", ch.sampler_index, name="sampler")
        node = None
        if ch.has_target:
            with ctx.at("target"):
                ptr_ext = ch.target_extensions.get("KHR_animation_pointer")
                if ch.node_index != -1:
                    node = lk.resolve(doc.nodes, ch.node_index, name="node")
                    if isinstance(ptr_ext, ExtObject):
                        ctx.add(
                            "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_NODE",
                            pointer=ptr_ext.pointer,
                        )
                if isinstance(ptr_ext, ExtObject) and ch.path not in (None, "pointer"):
                    ctx.add(
                        "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_PATH",
                        ch.path,
                        pointer=ptr_ext.pointer,
                    )
                if node is not None and ch.path is not None:
                    key = (node.index, ch.path)
                    if key in targets:
                        ctx.add("ANIMATION_DUPLICATE_TARGETS", targets[key])
                    else:
                        targets[key] = j
                    if ch.path == "weights":
                        if node.mesh is not None and node.mesh.targets_count <= 0:
                            ctx.add(
                                "ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS",
                                name="path",
                            )
                    elif ch.path in ("translation", "rotation", "scale"):
                        if node.matrix is not None:
                            ctx.add("ANIMATION_CHANNEL_TARGET_NODE_MATRIX", name="path")
                        elif node.skin is not None and node.mesh is not None:
                            ctx.add("ANIMATION_CHANNEL_TARGET_NODE_SKIN", name="path")
        if sampler is None or ch.path not in OUTPUT_FORMATS:
            continue
        inp, out = resolved[ch.sampler_index]
        if out is not None and ch.path == "rotation" and out.components == 4:
            cubic = sampler.interpolation == "CUBICSPLINE"
            out.checks.append(Check("quat", ctx.pointer("sampler"), {"cubic": cubic}))
        if out is None or not out.valid:
            continue
        if not lk.check_format(
            out,
            "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT",
            OUTPUT_FORMATS[ch.path],
            ch.path,
            name="sampler",
        ):
            continue
        cubic = sampler.interpolation == "CUBICSPLINE"
        if inp is not None and inp.valid:
            expected = inp.count * (3 if cubic else 1)
            if ch.path == "weights":
                tc = node.mesh.targets_count if node and node.mesh else -1
                expected = expected * tc if tc > 0 else -1
            if expected != -1 and out.count != expected:
                ctx.add(
                    "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT",
                    expected,
                    out.count,
                    name="sampler",
                )
