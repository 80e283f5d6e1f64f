"""Animations: samplers' accessors and channels' targets (second pass)."""

from __future__ import annotations

from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.formats import OUTPUT_FORMATS, F
from content_tools.validate.gltf.link.linker import Linker
from content_tools.validate.gltf.objects import (
    Accessor,
    Animation,
    AnimSampler,
    Channel,
    Check,
    Node,
)

_Resolved = tuple[Accessor | None, Accessor | None]


def _sampler_accessor(lk: Linker, index: int, usage: str, name: str) -> Accessor | None:
    """The accessor an animation sampler's `input` or `output` (`name`) refers to, its usage
    recorded and its buffer view checked."""
    acc = lk.resolve(lk.doc.accessors, index, name=name)
    if acc is None:
        return None
    code = "ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE"
    lk.use_unstrided_accessor(acc, usage, "Other", name, code)
    if usage == "AnimationOutput":
        # The reference sets an output's view usage twice: a conflict is reported twice.
        lk.set_view_usage(acc.buffer_view, "Other", name)
    return acc


def _check_input(lk: Linker, inp: Accessor, interpolation: str | None) -> None:
    ctx = lk.ctx
    code = "ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT"
    if lk.check_format(inp, code, [("SCALAR", F, False)], name="input"):
        inp.checks.append(Check("anim_input", ctx.pointer("input")))
    if inp.min is None or inp.max is None:
        ctx.add("ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS", name="input")
    if interpolation == "CUBICSPLINE" and inp.count < 2:
        ctx.add(
            "ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS",
            "CUBICSPLINE",
            2,
            inp.count,
            name="input",
        )


def _link_target(lk: Linker, ch: Channel) -> Node | None:
    """The channel's target node, with the reference's checks of what the path animates."""
    ctx = lk.ctx
    node = None
    with ctx.at("target"):
        ptr_ext = ch.target_extensions.get("KHR_animation_pointer")
        if ch.node_index != -1:
            node = lk.resolve(lk.doc.nodes, ch.node_index, name="node")
            if isinstance(ptr_ext, ExtObject):
                ctx.add(
                    "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_NODE", pointer=ptr_ext.pointer
                )
        if isinstance(ptr_ext, ExtObject) and ch.path not in (None, "pointer"):
            ctx.add(
                "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_PATH",
                ch.path,
                pointer=ptr_ext.pointer,
            )
        if node is None:
            return None
        if ch.path in ("translation", "rotation", "scale"):
            if node.matrix is not None:
                ctx.add("ANIMATION_CHANNEL_TARGET_NODE_MATRIX")
            if node.skin is not None:
                ctx.add("ANIMATION_CHANNEL_TARGET_NODE_SKIN", name="path")
        elif ch.path == "weights" and (node.mesh is None or node.mesh.targets_count == -1):
            ctx.add("ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS")
    return node


def _check_output(
    lk: Linker, ch: Channel, sampler: AnimSampler, node: Node | None, io: _Resolved
) -> None:
    ctx = lk.ctx
    inp, out = io
    if out is None or ch.path is None:
        return
    cubic = sampler.interpolation == "CUBICSPLINE"
    if ch.path == "rotation" and out.components == 4:
        out.checks.append(Check("quat", ctx.pointer("sampler"), {"cubic": cubic}))
    allowed = OUTPUT_FORMATS.get(ch.path)
    if allowed is not None:
        lk.check_format(
            out,
            "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT",
            allowed,
            ch.path,
            name="sampler",
        )
    if inp is None or inp.count == -1 or out.count == -1 or sampler.interpolation is None:
        return
    expected = inp.count * (3 if cubic else 1)
    if ch.path == "weights":
        targets = node.mesh.targets_count if node is not None and node.mesh is not None else -1
        expected *= max(targets, 0)
    elif ch.path not in OUTPUT_FORMATS:
        expected = 0
    if expected != 0 and expected != out.count:
        ctx.add(
            "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT", expected, out.count, name="sampler"
        )


def link_animation(lk: Linker, anim: Animation) -> None:
    """The reference's order: samplers, then channels (target, sampler, output, duplicate
    targets), then the samplers no channel uses."""
    ctx = lk.ctx
    if anim.samplers is None or anim.channels is None:
        return
    samplers = anim.samplers
    resolved: list[_Resolved] = []
    for _j, s in ctx.each("samplers", samplers):
        inp = _sampler_accessor(lk, s.input_index, "AnimationInput", "input")
        if inp is not None:
            _check_input(lk, inp, s.interpolation)
        out = _sampler_accessor(lk, s.output_index, "AnimationOutput", "output")
        resolved.append((inp, out))
    channels = anim.channels
    for j, ch in ctx.each("channels", channels):
        sampler = None
        if ch.sampler_index != -1:
            if 0 <= ch.sampler_index < len(samplers):
                sampler = samplers[ch.sampler_index]
            else:
                ctx.add("UNRESOLVED_REFERENCE", ch.sampler_index, name="sampler")
        node = _link_target(lk, ch) if ch.has_target else None
        if sampler is not None:
            sampler.used = True
            if ch.has_target:
                _check_output(lk, ch, sampler, node, resolved[ch.sampler_index])
        if not ch.has_target or ch.node_index == -1:
            continue
        for later in range(j + 1, len(channels)):
            other = channels[later]
            if other.has_target and other.node_index == ch.node_index and other.path == ch.path:
                ctx.add("ANIMATION_DUPLICATE_TARGETS", later, name="target")
    with ctx.at("samplers"):
        for j, s in enumerate(samplers):
            if not s.used:
                ctx.add("UNUSED_OBJECT", index=j)
