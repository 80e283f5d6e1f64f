"""The asset, nodes, skins, cameras and scenes: the first pass."""

from __future__ import annotations

import math
import re
from typing import Any

from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import parse_extensions
from content_tools.validate.gltf.mathutil import is_trs_decomposable, single
from content_tools.validate.gltf.objects import Asset, Camera, Node, Scene, Skin
from content_tools.validate.gltf.parse.common import named
from content_tools.validate.gltf.schema import (
    check_members,
    get_extras,
    get_float,
    get_float_list,
    get_index,
    get_indices_list,
    get_map,
    get_string,
)

_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)$")


def parse_asset(m: dict[str, Any], ctx: Ctx) -> Asset:
    check_members(m, ("copyright", "generator", "version", "minVersion"), ctx)
    get_string(m, "copyright", ctx)
    asset = Asset(generator=get_string(m, "generator", ctx))
    version = get_string(m, "version", ctx, req=True, pattern=_VERSION)
    asset.version = version
    if version is not None:
        match = _VERSION.match(version)
        if match:
            asset.major, asset.minor = int(match.group(1)), int(match.group(2))
    min_version = asset.min_version = get_string(m, "minVersion", ctx, pattern=_VERSION)
    if min_version is not None and version is not None and asset.major >= 0:
        mm = _VERSION.match(min_version)
        if mm and (int(mm.group(1)), int(mm.group(2))) > (asset.major, asset.minor):
            ctx.add(
                "ASSET_MIN_VERSION_GREATER_THAN_VERSION", min_version, version, name="minVersion"
            )
    if asset.major != -1:
        if asset.major != 2:
            ctx.add("UNKNOWN_ASSET_MAJOR_VERSION", asset.major, name="version")
        elif asset.minor > 0:
            ctx.add("UNKNOWN_ASSET_MINOR_VERSION", asset.minor, name="version")
    parse_extensions(m, "asset", ctx)
    get_extras(m, ctx)
    return asset


_IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]


def parse_node(i: int, m: dict[str, Any], ctx: Ctx) -> Node:
    check_members(
        m,
        (
            "camera",
            "children",
            "skin",
            "matrix",
            "mesh",
            "rotation",
            "scale",
            "translation",
            "weights",
            "name",
        ),
        ctx,
    )
    n = Node(i)
    n.camera_index = get_index(m, "camera", ctx, req=False)
    n.children_indices = get_indices_list(m, "children", ctx)
    n.skin_index = get_index(m, "skin", ctx, req=False)
    # The reference holds transforms in single precision.
    n.matrix = single(get_float_list(m, "matrix", ctx, lengths=(16,)))
    n.mesh_index = get_index(m, "mesh", ctx, req=False)
    n.rotation = single(get_float_list(m, "rotation", ctx, lengths=(4,), min=-1.0, max=1.0))
    n.scale = single(get_float_list(m, "scale", ctx, lengths=(3,)))
    n.translation = single(get_float_list(m, "translation", ctx, lengths=(3,)))
    n.weights = get_float_list(m, "weights", ctx)
    if n.matrix is not None:
        if n.translation is not None or n.rotation is not None or n.scale is not None:
            ctx.add("NODE_MATRIX_TRS", name="matrix")
        elif n.matrix == _IDENTITY:
            ctx.add("NODE_MATRIX_DEFAULT", name="matrix")
        elif not is_trs_decomposable(n.matrix):
            ctx.add("NODE_MATRIX_NON_TRS", name="matrix")
    if n.rotation is not None:
        length = math.sqrt(sum(v * v for v in n.rotation))
        if abs(1.0 - length) > 0.00769:  # the npm build's threshold (that of unit quaternions)
            ctx.add("ROTATION_NON_UNIT", name="rotation")
    if n.mesh_index == -1:
        if n.skin_index != -1:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("mesh"), name="skin")
        if n.weights is not None:
            ctx.add("UNSATISFIED_DEPENDENCY", Raw("mesh"), name="weights")
    n.name = get_string(m, "name", ctx)
    n.has_extras = m.get("extras") is not None
    n.extensions = parse_extensions(m, "node", ctx)
    get_extras(m, ctx)
    return n


def parse_skin(i: int, m: dict[str, Any], ctx: Ctx) -> Skin:
    check_members(m, ("inverseBindMatrices", "skeleton", "joints", "name"), ctx)
    s = Skin(i)
    s.ibm_index = get_index(m, "inverseBindMatrices", ctx, req=False)
    s.skeleton_index = get_index(m, "skeleton", ctx, req=False)
    s.joint_indices = get_indices_list(m, "joints", ctx, req=True)
    return named(s, m, "skin", ctx)


def parse_camera(i: int, m: dict[str, Any], ctx: Ctx) -> Camera:
    check_members(m, ("type", "orthographic", "perspective", "name"), ctx)
    c = Camera(i)
    if "orthographic" in m and "perspective" in m:
        ctx.add("ONE_OF_MISMATCH", ("orthographic", "perspective"))
    ctype = get_string(m, "type", ctx, req=True, allowed=("orthographic", "perspective"))
    if ctype == "orthographic":
        om = get_map(m, "orthographic", ctx, req=True)
        if om is not None:
            with ctx.at("orthographic"):
                check_members(om, ("xmag", "ymag", "zfar", "znear"), ctx)
                xmag = get_float(om, "xmag", ctx, req=True)
                ymag = get_float(om, "ymag", ctx, req=True)
                zfar = get_float(om, "zfar", ctx, req=True, excl_min=0.0)
                znear = get_float(om, "znear", ctx, req=True, min=0.0)
                if not math.isnan(zfar) and not math.isnan(znear) and zfar <= znear:
                    ctx.add("CAMERA_ZFAR_LEQUAL_ZNEAR")
                for name, mag in (("xmag", xmag), ("ymag", ymag)):
                    if mag == 0.0:
                        ctx.add("CAMERA_XMAG_YMAG_ZERO", name=name)
                    elif mag < 0.0:
                        ctx.add("CAMERA_XMAG_YMAG_NEGATIVE", name=name)
                parse_extensions(om, "cameraOrthographic", ctx)
                get_extras(om, ctx)
    elif ctype == "perspective":
        pm = get_map(m, "perspective", ctx, req=True)
        if pm is not None:
            with ctx.at("perspective"):
                check_members(pm, ("aspectRatio", "yfov", "zfar", "znear"), ctx)
                yfov = get_float(pm, "yfov", ctx, req=True, excl_min=0.0)
                if not math.isnan(yfov) and yfov >= math.pi:
                    ctx.add("CAMERA_YFOV_GEQUAL_PI")
                zfar = get_float(pm, "zfar", ctx, excl_min=0.0)
                znear = get_float(pm, "znear", ctx, req=True, excl_min=0.0)
                if not math.isnan(zfar) and not math.isnan(znear) and zfar <= znear:
                    ctx.add("CAMERA_ZFAR_LEQUAL_ZNEAR")
                get_float(pm, "aspectRatio", ctx, excl_min=0.0)
                parse_extensions(pm, "cameraPerspective", ctx)
                get_extras(pm, ctx)
    return named(c, m, "camera", ctx)


def parse_scene(i: int, m: dict[str, Any], ctx: Ctx) -> Scene:
    check_members(m, ("nodes", "name"), ctx)
    s = Scene(i)
    s.node_indices = get_indices_list(m, "nodes", ctx)
    return named(s, m, "scene", ctx)
