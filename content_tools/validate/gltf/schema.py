"""Typed access to glTF JSON properties, reporting schema issues the way the reference does.

`Ctx` carries the JSON pointer being validated (a path stack) and the issue sink; the `get_*`
functions read one property of a JSON object, report TYPE_MISMATCH / UNDEFINED_PROPERTY /
VALUE_NOT_IN_RANGE / ... and return a sentinel (-1, None, nan) when the value is unusable.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from content_tools.validate.gltf.messages import CODES
from content_tools.validate.issues import Issue, IssueSink

__all__ = [
    "Ctx",
    "Raw",
    "check_enum",
    "check_members",
    "f32",
    "fmt",
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

_MAX_ARG_CHARS = 200
_T = TypeVar("_T")


class Raw(str):
    """A message argument printed as is (not quoted)."""

    __slots__ = ()


def _dart_double(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e21:
        return f"{int(value)}.0"
    text = repr(value)
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{'+' if not exp.startswith('-') else '-'}{exp.lstrip('+-').lstrip('0')}"
    return text


def _plain(value: Any, depth: int = 0) -> str:
    """Dart's toString of a JSON value (strings unquoted inside collections)."""
    if depth > 8:
        return "..."
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return _dart_double(value)
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, list):
        parts = []
        for item in value[:16]:
            parts.append(_plain(item, depth + 1))
        if len(value) > 16:
            parts.append("...")
        return "[" + ", ".join(parts) + "]"
    if isinstance(value, dict):
        parts = []
        for k, v in list(value.items())[:16]:
            parts.append(f"{k}: {_plain(v, depth + 1)}")
        if len(value) > 16:
            parts.append("...")
        return "{" + ", ".join(parts) + "}"
    return str(value)


def fmt(value: Any) -> str:
    """A message argument as the reference prints it: strings quoted, lists of choices in
    parentheses, numbers the Dart way."""
    if isinstance(value, Raw):
        text = str(value)
    elif isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, tuple):
        text = "(" + ", ".join(fmt(v) for v in value) + ")"
    else:
        text = _plain(value)
    if len(text) > _MAX_ARG_CHARS:
        text = text[:_MAX_ARG_CHARS] + "..."
    return text


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Ctx:
    """Validation context: the current JSON path and the sink issues go to."""

    def __init__(self, sink: IssueSink) -> None:
        self.sink = sink
        self.path: list[str] = []
        self.is_glb = False
        self.extensions_used: list[str] = []
        self.extensions_loaded: set[str] = set()

    def pointer(self, token: str | None = None) -> str:
        if not self.path and token is not None and token.startswith("/"):
            return token
        parts = self.path if token is None else [*self.path, token]
        return "/" + "/".join(_escape(p) for p in parts)

    def add(
        self,
        code: str,
        *args: Any,
        name: str | None = None,
        index: int | None = None,
        offset: int | None = None,
        pointer: str | None = None,
    ) -> None:
        severity, template = CODES[code]
        try:
            message = template.format(*(fmt(a) for a in args))
        except IndexError:
            message = template
        if offset is not None:
            self.sink.add(Issue(code, severity, message, offset=offset))
            return
        if pointer is None:
            pointer = self.pointer(str(index) if index is not None else name)
        self.sink.add(Issue(code, severity, message, pointer=pointer))

    def at(self, *tokens: str | int) -> _At:
        """Context manager: the path extended by `tokens` inside the block."""
        return _At(self.path, tokens)

    def each(self, key: str, items: Iterable[_T]) -> Iterator[tuple[int, _T]]:
        """The index and value of each item of the array `key`, with the path at `key/index`
        while the loop body runs."""
        with self.at(key):
            for index, item in enumerate(items):
                with self.at(index):
                    yield index, item


class _At:
    __slots__ = ("_n", "_path", "_tokens")

    def __init__(self, path: list[str], tokens: tuple[str | int, ...]) -> None:
        self._path = path
        self._tokens = tokens
        self._n = 0

    def __enter__(self) -> None:
        self._n = len(self._path)
        self._path.extend([t if isinstance(t, str) else str(t) for t in self._tokens])

    def __exit__(self, *exc: object) -> None:
        del self._path[self._n :]


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


def get_index(obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = True) -> int:
    value = _fix_int(_guarded(obj, name, "integer", ctx))
    if is_int(value):
        if value >= 0:
            return int(value)
        ctx.add("INVALID_INDEX", name=name)
    elif value is None:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("integer"), name=name)
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
    if value is None:
        if not req:
            return default
        ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("integer"), name=name)
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
    if value is None:
        if not req:
            return default
        ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("number"), name=name)
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
    if value is None:
        if not req:
            return default
        ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("string"), name=name)
    return None


def get_map(
    obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = False
) -> dict[str, Any] | None:
    """The object under `name`; {} when absent and optional or of the wrong type (optional),
    None when required and unusable."""
    value = _guarded(obj, name, "object", ctx)
    if isinstance(value, dict):
        return value
    if value is None:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
            return None
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("object"), name=name)
        if req:
            return None
    return {}


def get_indices_list(
    obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = False
) -> list[int] | None:
    value = _guarded(obj, name, "array", ctx)
    if isinstance(value, list):
        if not value:
            ctx.add("EMPTY_ENTITY", name=name)
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
    if value is None:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
    return None


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
    if value is None:
        ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("object"), name=name)
    return None


def get_indices_maps_list(
    obj: dict[str, Any], name: str, ctx: Ctx, check_key: Any
) -> list[dict[str, int]] | None:
    value = _guarded(obj, name, "array", ctx)
    if isinstance(value, list):
        if not value:
            ctx.add("EMPTY_ENTITY", name=name)
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
    if value is not None:
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
    return None


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
    value = _guarded(obj, name, "array", ctx)
    if isinstance(value, list):
        if not value:
            ctx.add("EMPTY_ENTITY", name=name)
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
    if value is None:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
    return None


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
    if value is not None:
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
    return None


def get_string_list(obj: dict[str, Any], name: str, ctx: Ctx) -> list[str] | None:
    value = _guarded(obj, name, "array", ctx)
    if isinstance(value, list):
        if not value:
            ctx.add("EMPTY_ENTITY", name=name)
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
    if value is not None:
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
    return None


def get_map_list(
    obj: dict[str, Any], name: str, ctx: Ctx, *, req: bool = True
) -> list[dict[str, Any]] | None:
    value = _guarded(obj, name, "array", ctx)
    if isinstance(value, list):
        if not value:
            ctx.add("EMPTY_ENTITY", name=name)
            return None
        wrong = False
        for v in value:
            if not isinstance(v, dict):
                ctx.add("ARRAY_TYPE_MISMATCH", v, Raw("object"), name=name)
                wrong = True
        return None if wrong else list(value)
    if value is None:
        if req:
            ctx.add("UNDEFINED_PROPERTY", Raw(name))
    else:
        ctx.add("TYPE_MISMATCH", value, Raw("array"), name=name)
    return None


def get_extras(obj: dict[str, Any], ctx: Ctx) -> None:
    extras = obj.get("extras")
    if extras is not None and not isinstance(extras, dict):
        ctx.add("NON_OBJECT_EXTRAS", name="extras")


def check_members(obj: dict[str, Any], known: Iterable[str], ctx: Ctx) -> None:
    allowed = set(known) | {"extensions", "extras"}
    for key in obj:
        if key not in allowed:
            ctx.add("UNEXPECTED_PROPERTY", name=key)
