"""Animations (samplers and channels): the first pass."""

from __future__ import annotations

from typing import Any

from content_tools.validate.gltf.context import Ctx
from content_tools.validate.gltf.extensions import parse_extensions
from content_tools.validate.gltf.objects import Animation, AnimSampler, Channel
from content_tools.validate.gltf.parse.common import named
from content_tools.validate.gltf.schema import (
    check_members,
    get_extras,
    get_index,
    get_map,
    get_map_list,
    get_string,
)

_PATHS = ("translation", "rotation", "scale", "weights")


def parse_animation(i: int, m: dict[str, Any], ctx: Ctx) -> Animation:
    check_members(m, ("channels", "samplers", "name"), ctx)
    anim = Animation(i)
    channels = get_map_list(m, "channels", ctx)
    if channels is not None:
        anim.channels = []
        for _j, cm in ctx.each("channels", channels):
            check_members(cm, ("sampler", "target"), ctx)
            ch = Channel(sampler_index=get_index(cm, "sampler", ctx))
            tm = get_map(cm, "target", ctx, req=True)
            if tm is not None:
                with ctx.at("target"):
                    ch.has_target = True
                    check_members(tm, ("node", "path"), ctx)
                    ch.node_index = get_index(tm, "node", ctx, req=False)
                    paths: tuple[str, ...] = _PATHS
                    if "KHR_animation_pointer" in ctx.extensions_loaded:
                        paths = (*_PATHS, "pointer")
                    ch.path = get_string(tm, "path", ctx, req=True, allowed=paths)
                    if ch.path not in paths:
                        ch.path = None
                    ch.target_extensions = parse_extensions(
                        tm, "animationChannelTarget", ctx, owner=ch
                    )
                    get_extras(tm, ctx)
            parse_extensions(cm, "animationChannel", ctx)
            get_extras(cm, ctx)
            anim.channels.append(ch)
    samplers = get_map_list(m, "samplers", ctx)
    if samplers is not None:
        anim.samplers = []
        for _j, sm in ctx.each("samplers", samplers):
            check_members(sm, ("input", "interpolation", "output"), ctx)
            s = AnimSampler(
                input_index=get_index(sm, "input", ctx),
                interpolation=get_string(
                    sm,
                    "interpolation",
                    ctx,
                    allowed=("LINEAR", "STEP", "CUBICSPLINE"),
                    default="LINEAR",
                ),
                output_index=get_index(sm, "output", ctx),
            )
            parse_extensions(sm, "animationSampler", ctx)
            get_extras(sm, ctx)
            anim.samplers.append(s)
    return named(anim, m, "animation", ctx)
