"""The validation context: the JSON pointer being validated (a path stack) and the sink issues
go to, and how message arguments are printed (as the reference, a Dart program, prints them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from content_tools.validate.gltf.messages import CODES
from content_tools.validate.issues import Issue, IssueSink

__all__ = ["Ctx", "Raw", "fmt"]

_MAX_ARG_CHARS = 200
_T = TypeVar("_T")


class Raw(str):
    """A message argument printed as is (not quoted)."""

    __slots__ = ()


def _dart_double(value: float) -> str:
    """A double as the reference prints it: it runs as JavaScript (dart2js), so numbers print
    as JavaScript's `String(x)` does (`2`, `0.5`, `1e-7`, `1e+21`), except -0.0."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0"
    sign, digits_t, exp = Decimal(repr(value)).normalize().as_tuple()
    exp = int(exp)
    digits = "".join(map(str, digits_t))
    k = len(digits)
    n = exp + k  # value = 0.DIGITS x 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits[0] + (f".{digits[1:]}" if k > 1 else "")
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return "-" + text if sign else text


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


def _short_parts(items: list[str]) -> list[str]:
    """The parts of Dart's short form of an iterable (`Iterable.toString`), which the reference
    prints lists of choices with: the first items up to about 80 characters (at least 3), "...",
    then the last 2."""
    limit, head, tail, overhead = 80, 3, 2, 2
    parts: list[str] = []
    length = 0
    rest = iter(items)
    for item in rest:
        parts.append(item)
        length += len(item) + overhead
        if length >= limit and len(parts) >= head:
            break
    else:
        return parts
    remaining = list(rest)
    count = len(parts) + len(remaining)
    if not remaining:
        if count <= head + tail:
            return parts
        ultimate, penultimate = parts.pop(), parts.pop()
    elif len(remaining) == 1:
        if count <= head + 1:
            return [*parts, remaining[0]]
        ultimate, penultimate = remaining[0], parts.pop()
        length += len(ultimate) + overhead
    else:
        penultimate, ultimate = remaining[-2], remaining[-1]
        length += len(ultimate) + len(penultimate) + 2 * overhead
    elision = False
    if count > len(parts) + tail:
        elision = True
        length += 3 + overhead
    while length > limit and len(parts) > head:
        length -= len(parts.pop()) + overhead
        if not elision:
            elision = True
            length += 3 + overhead
    return [*parts, *(["..."] if elision else []), penultimate, ultimate]


def fmt(value: Any) -> str:
    """A message argument as the reference prints it: strings quoted, lists of choices in
    parentheses, numbers the Dart way."""
    if isinstance(value, Raw):
        text = str(value)
    elif isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, tuple):
        text = "(" + ", ".join(_short_parts([fmt(v) for v in value])) + ")"
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
