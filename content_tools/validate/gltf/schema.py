"""Typed access to glTF JSON properties, reporting schema issues the way the reference does.

The `get_*` functions read one property of a JSON object at the context's pointer
(`context.Ctx`), report TYPE_MISMATCH / UNDEFINED_PROPERTY / VALUE_NOT_IN_RANGE / ... and
return a sentinel (-1, None, nan) when the value is unusable.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterable, Sequence
from typing import Any

from content_tools.validate.gltf.context import Ctx, Raw

__all__ = [
    "check_enum",
    "check_members",
    "f32",
    "get_bool",
    "get_extras",
    "get_float",
    "get_float_list",
    "get_gl_int_list",
    "get_index",
    "get_indices_list",
    "get_indices_map",
    "get_indices_maps_list",
    "get_map",
    "get_map_list",
    "get_string",
    "get_string_list",
    "get_uint",
    "is_int",
]


def is_int(value: Any) -> bool:
    return type(value) is int


def _fix_int(value: Any) -> Any:
    if type(value) is float and math.isfinite(value) and value == math.floor(value):
        return int(value)
    return value


def _is_num(value: Any) -> bool:
    return type(value) is int or type(value) is float


def to_float(value: int | float) -> float:
    """float(value), with integers too large for a double (JSON allows them) as infinities."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _guarded(obj: dict[str, Any], name: str, type_name: str, ctx: Ctx) -> Any:
    value = obj.get(name)
    if value is None and name in obj:
        ctx.add("TYPE_MISMATCH", None, Raw(type_name), name=name)
    return value


def _unusable(value: Any, name: str, type_name: str, ctx: Ctx, *, req: bool) -> None:
    """Report a value that is not of its type: UNDEFINED_PROPERTY when absent (if required),
    TYPE_MISMATCH when present."""
    if value is None:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw(type_name), name=name)


def _nonempty_list(obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool) -> list[Any] | None:
    """The array under `name`; None after reporting it absent (if required), not an array or
    empty."""
    value = _guarded(obj, name, "array", ctx)
    if not isinstance(value, list):
        _unusable(value, name, "array", ctx, req=req)
        return None
    if not value:
        ctx.add("EMPTY_ENTITY", name=name)
        return None
    return value


def get_index(obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = True) -> int:
    value = _fix_int(_guarded(obj, name, "integer", ctx))
    if is_int(value):
        if value >= 0:
            return int(value)
        ctx.add("INVALID_INDEX", name=name)
    else:
        _unusable(value, name, "integer", ctx, req=req)
    return -1


def get_bool(obj: dict[str, Any], name: str, ctx: Ctx) -> bool:
    value = _guarded(obj, name, "boolean", ctx)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    ctx.add("TYPE_MISMATCH", value, Raw("boolean"), name=name)
    return False


def check_enum(
    name: str, value: Any, allowed: Sequence[Any], ctx: Ctx, *, length: bool = False
) -> bool:
    if value not in allowed or (isinstance(value, bool) and not any(a is value for a in allowed)):
        code = "ARRAY_LENGTH_NOT_IN_LIST" if length else "VALUE_NOT_IN_LIST"
        ctx.add(code, value, tuple(allowed), name=name)
        return False
    return True


def get_uint(
    obj: dict[str, Any],
    name: str,
    ctx: Ctx,
    *,
    req: bool = False,
    min: int = 0,
    max: int = -1,
    default: int = -1,
    allowed: Sequence[int] | None = None,
) -> int:
    value = _fix_int(_guarded(obj, name, "integer", ctx))
    if is_int(value):
        if allowed is not None:
            if not check_enum(name, value, allowed, ctx):
                return -1
        elif value < min or (max != -1 and value > max):
            ctx.add("VALUE_NOT_IN_RANGE", value, name=name)
            return -1
        return int(value)
    if value is None and not req:
        return default
    _unusable(value, name, "integer", ctx, req=True)
    return -1


def get_float(
    obj: dict[str, Any],
    name: str,
    ctx: Ctx,
    *,
    req: bool = False,
    min: float = -math.inf,
    excl_min: float = -math.inf,
    max: float = math.inf,
    excl_max: float = math.inf,
    default: float = math.nan,
) -> float:
    value = _guarded(obj, name, "number", ctx)
    if _is_num(value):
        v = to_float(value)
        if v < min or v <= excl_min or v > max or v >= excl_max or math.isnan(v):
            ctx.add("VALUE_NOT_IN_RANGE", value, name=name)
            return math.nan
        return v
    if value is None and not req:
        return default
    _unusable(value, name, "number", ctx, req=True)
    return math.nan


def get_string(
    obj: dict[str, Any],
    name: str,
    ctx: Ctx,
    *,
    req: bool = False,
    allowed: Sequence[str] | None = None,
    default: str | None = None,
    pattern: re.Pattern[str] | None = None,
) -> str | None:
    value = _guarded(obj, name, "string", ctx)
    if isinstance(value, str):
        if allowed is not None:
            check_enum(name, value, allowed, ctx)
        elif pattern is not None and not pattern.search(value):
            ctx.add("PATTERN_MISMATCH", value, pattern.pattern, name=name)
            return None
        return value
    if value is None and not req:
        return default
    _unusable(value, name, "string", ctx, req=True)
    return None


def get_map(
    obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = False
) -> dict[str, Any] | None:
    """The object under `name`; {} when absent and optional or of the wrong type (optional),
    None when required and unusable."""
    value = _guarded(obj, name, "object", ctx)
    if isinstance(value, dict):
        return value
    _unusable(value, name, "object", ctx, req=req)
    return None if req else {}


def get_indices_list(
    obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = False
) -> list[int] | None:
    value = _nonempty_list(obj, name, ctx, req=req)
    if value is None:
        return None
    result: list[int] = []
    seen: set[int] = set()
    with ctx.at(name):
        for i, item in enumerate(value):
            v = _fix_int(item)
            if is_int(v) and v >= 0:
                if v in seen:
                    ctx.add("DUPLICATE_ELEMENTS", index=i)
                seen.add(v)
                result.append(int(v))
            else:
                result.append(-1)
                ctx.add("INVALID_INDEX", index=i)
    return result


def _index_values(m: dict[str, Any], ctx: Ctx, check_key: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for k, v in m.items():
        check_key(k)
        v = _fix_int(v)
        if is_int(v) and v >= 0:
            out[k] = int(v)
        else:
            out[k] = -1
            ctx.add("INVALID_INDEX", name=k)
    return out


def get_indices_map(
    obj: dict[str, Any], name: str, ctx: Ctx, check_key: Any
) -> dict[str, int] | None:
    value = _guarded(obj, name, "object", ctx)
    if isinstance(value, dict):
        if not value:
            ctx.add("EMPTY_ENTITY", name=name)
            return None
        with ctx.at(name):
            return _index_values(value, ctx, check_key)
    _unusable(value, name, "object", ctx, req=True)
    return None


def get_indices_maps_list(
    obj: dict[str, Any], name: str, ctx: Ctx, check_key: Any
) -> list[dict[str, int]] | None:
    value = _nonempty_list(obj, name, ctx, req=False)
    if value is None:
        return None
    invalid = False
    result: list[dict[str, int]] = []
    with ctx.at(name):
        for i, inner in enumerate(value):
            if isinstance(inner, dict):
                if not inner:
                    ctx.add("EMPTY_ENTITY", index=i)
                    invalid = True
                else:
                    with ctx.at(i):
                        result.append(_index_values(inner, ctx, check_key))
            else:
                ctx.add("ARRAY_TYPE_MISMATCH", inner, Raw("object"))
                invalid = True
    return None if invalid else result


def f32(value: float) -> float:
    """Round a double to single precision (as the reference does for float min/max)."""
    try:
        result: float = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return result


def get_float_list(
    obj: dict[str, Any],
    name: str,
    ctx: Ctx,
    *,
    req: bool = False,
    single: bool = False,
    min: float = -math.inf,
    max: float = math.inf,
    lengths: Sequence[int] | None = None,
) -> list[float] | None:
    value = _nonempty_list(obj, name, ctx, req=req)
    if value is None:
        return None
    if lengths is not None and not check_enum(name, len(value), lengths, ctx, length=True):
        return None
    wrong = False
    result: list[float] = []
    for i, v in enumerate(value):
        if _is_num(v):
            fv = to_float(v)
            if math.isinf(fv) or fv < min or fv > max:
                with ctx.at(name):
                    ctx.add("VALUE_NOT_IN_RANGE", v, index=i)
                wrong = True
            result.append(f32(fv) if single else fv)
        else:
            ctx.add("ARRAY_TYPE_MISMATCH", v, Raw("number"), name=name)
            wrong = True
    return None if wrong else result


GL_TYPE_RANGES = {
    5120: (-128, 127, "BYTE"),
    5121: (0, 255, "UNSIGNED_BYTE"),
    5122: (-32768, 32767, "SHORT"),
    5123: (0, 65535, "UNSIGNED_SHORT"),
    5124: (-(2**31), 2**31 - 1, "INT"),
    5125: (0, 2**32 - 1, "UNSIGNED_INT"),
}


def get_gl_int_list(
    obj: dict[str, Any], name: str, ctx: Ctx, gl_type: int, length: int
) -> list[int] | None:
    value = _guarded(obj, name, "array", ctx)
    if isinstance(value, list):
        if len(value) != length:
            ctx.add("ARRAY_LENGTH_NOT_IN_LIST", len(value), (length,), name=name)
            return None
        lo, hi, type_name = GL_TYPE_RANGES[gl_type]
        wrong = False
        result: list[int] = []
        for v in value:
            iv = _fix_int(v)
            if is_int(iv):
                if iv < lo or iv > hi:
                    ctx.add("INVALID_GL_VALUE", iv, type_name, name=name)
                    wrong = True
                result.append(int(iv))
            else:
                ctx.add("ARRAY_TYPE_MISMATCH", v, Raw("integer"), name=name)
                wrong = True
        return None if wrong else result
    _unusable(value, name, "array", ctx, req=False)
    return None


def get_string_list(obj: dict[str, Any], name: str, ctx: Ctx) -> list[str] | None:
    value = _nonempty_list(obj, name, ctx, req=False)
    if value is None:
        return None
    wrong = False
    seen: set[str] = set()
    with ctx.at(name):
        for i, v in enumerate(value):
            if isinstance(v, str):
                if v in seen:
                    ctx.add("DUPLICATE_ELEMENTS", index=i)
                seen.add(v)
            else:
                ctx.add("ARRAY_TYPE_MISMATCH", v, Raw("string"), index=i)
                wrong = True
    return None if wrong else [str(v) for v in value]


def get_map_list(
    obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = True
) -> list[dict[str, Any]] | None:
    value = _nonempty_list(obj, name, ctx, req=req)
    if value is None:
        return None
    wrong = False
    for v in value:
        if not isinstance(v, dict):
            ctx.add("ARRAY_TYPE_MISMATCH", v, Raw("object"), name=name)
            wrong = True
    return None if wrong else list(value)


def get_extras(obj: dict[str, Any], ctx: Ctx) -> None:
    extras = obj.get("extras")
    if extras is not None and not isinstance(extras, dict):
        ctx.add("NON_OBJECT_EXTRAS", name="extras")


def check_members(obj: dict[str, Any], known: Iterable[str], ctx: Ctx) -> None:
    allowed = set(known) | {"extensions", "extras"}
    for key in obj:
        if key not in allowed:
            ctx.add("UNEXPECTED_PROPERTY", name=key)
