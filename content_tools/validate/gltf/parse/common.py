"""What every first-pass reader shares: the closing members of an object (`name`,
`extensions`, `extras`) and the checks on a buffer's or image's `uri`."""

from __future__ import annotations

from typing import Any, TypeVar

from content_tools.validate.gltf import resources
from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import parse_extensions
from content_tools.validate.gltf.objects import Base
from content_tools.validate.gltf.schema import get_extras, get_string

_Obj = TypeVar("_Obj", bound=Base)


def named(obj: _Obj, m: dict[str, Any], kind: str, ctx: Ctx, owner: Any = None) -> _Obj:
    """Read the `name`, `extensions` (of an object of `kind`) and `extras` of `obj`, in this
    order, and return it."""
    obj.name = get_string(m, "name", ctx)
    obj.extensions = parse_extensions(m, kind, ctx, owner=owner)
    get_extras(m, ctx)
    return obj


def check_uri(uri: str, ctx: Ctx) -> tuple[bool, resources.DataUri | None]:
    """The checks on a buffer's or image's `uri`: whether it is usable, and the decoded
    data URI (None for a file URI)."""
    if ctx.is_glb:
        ctx.add("URI_GLB", name="uri")
    if uri[:5].lower() == "data:":
        parsed = resources.decode_data_uri(uri)
        if isinstance(parsed, str):
            ctx.add("INVALID_URI", uri, Raw(parsed), name="uri")
            return False, None
        if ctx.is_glb:
            ctx.add("DATA_URI_GLB", name="uri")
        return True, parsed
    info = resources.classify_uri(uri)
    if isinstance(info, str):
        ctx.add("INVALID_URI", uri, Raw(info), name="uri")
        return False, None
    if info.non_relative:
        ctx.add("NON_RELATIVE_URI", uri, name="uri")
    return True, None
