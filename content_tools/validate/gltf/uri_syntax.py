"""URI syntax as the reference judges it: its Dart `Uri.parse` and `UriData.parse` (RFC 3986
with Dart's leniency: a bad percent escape is kept, not an error) and Dart's
`FormatException` text, which the INVALID_URI message quotes.

Only what decides a glTF `uri` is modelled: the scheme, the authority (port, IP literal),
whether the URI is relative, and data URIs (media type, parameters, base64 or percent-encoded
payload, decoded as Dart decodes them).
"""

from __future__ import annotations

import base64
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

__all__ = [
    "DataUri",
    "ParsedUri",
    "UriError",
    "format_exception",
    "is_data_uri",
    "parse_data_uri",
    "parse_uri",
]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64)} | {"-": 62, "_": 63}
_SCHEME_CHAR = re.compile(r"[A-Za-z0-9+\-.]")


class UriError(ValueError):
    """A URI the reference rejects; str() is Dart's FormatException text."""


def format_exception(message: str, source: str, offset: int | None) -> str:
    """Dart's `FormatException.toString()` for a message about `source` at `offset`."""
    report = f"FormatException: {message}"
    if offset is not None and not 0 <= offset <= len(source):
        offset = None
    if offset is None:
        shown = source[:75] + "..." if len(source) > 78 else source
        return f"{report}\n{shown}"
    line_num, line_start, prev_cr = 1, 0, False
    for i in range(offset):
        ch = source[i]
        if ch == "\n":
            if line_start != i or not prev_cr:
                line_num += 1
            line_start, prev_cr = i + 1, False
        elif ch == "\r":
            line_num, line_start, prev_cr = line_num + 1, i + 1, True
    if line_num > 1:
        report += f" (at line {line_num}, character {offset - line_start + 1})\n"
    else:
        report += f" (at character {offset + 1})\n"
    line_end = len(source)
    for i in range(offset, len(source)):
        if source[i] in "\r\n":
            line_end = i
            break
    start, end, prefix, postfix = line_start, line_end, "", ""
    if line_end - line_start > 78:
        index = offset - line_start
        if index < 75:
            end, postfix = start + 75, "..."
        elif end - offset < 75:
            start, prefix = end - 75, "..."
        else:
            start, end, prefix, postfix = offset - 36, offset + 36, "...", "..."
    mark = offset - start + len(prefix)
    return f"{report}{prefix}{source[start:end]}{postfix}\n{' ' * mark}^"


def _fail(message: str, source: str, offset: int | None) -> UriError:
    return UriError(format_exception(message, source, offset))


@dataclass(slots=True)
class ParsedUri:
    non_relative: bool
    """Has a scheme, authority, absolute path, query or fragment (NON_RELATIVE_URI)."""
    scheme: str | None
    path: str


@dataclass(slots=True)
class DataUri:
    mime_type: str
    """As written ('text/plain' when empty); compare it lowercased."""
    data: bytes


def is_data_uri(uri: str) -> bool:
    return uri[:5].lower() == "data:"


def parse_uri(uri: str) -> ParsedUri:
    """Parse a URI that is not a data URI; raises UriError where Dart's Uri.parse throws."""
    scheme: str | None = None
    rest_at = 0
    for i, ch in enumerate(uri):
        if ch in "/?#\\":
            break
        if ch == ":":
            _check_scheme(uri, i)
            scheme, rest_at = uri[:i].lower(), i + 1
            break
    rest = uri[rest_at:]
    rest = rest[:2].replace("\\", "/") + rest[2:]  # Dart reads a leading backslash as a slash
    has_authority = rest.startswith("//")
    if has_authority:
        _check_authority(uri, rest_at + 2)
    path = re.split(r"[?#]", rest, maxsplit=1)[0]
    non_relative = (
        scheme is not None or has_authority or path.startswith("/") or len(path) != len(rest)
    )
    return ParsedUri(non_relative, scheme, path)


def _check_scheme(uri: str, end: int) -> None:
    if end == 0:
        raise _fail("Invalid empty scheme", uri, 0)
    if not uri[0].isascii() or not uri[0].isalpha():
        raise _fail("Scheme not starting with alphabetic character", uri, 0)
    for i in range(1, end):
        if not _SCHEME_CHAR.fullmatch(uri[i]):
            raise _fail("Illegal scheme character", uri, i)


def _check_authority(uri: str, start: int) -> None:
    end = len(uri)
    for i in range(start, len(uri)):
        if uri[i] in "/?#\\":
            end = i
            break
    ats = [i for i in range(start, end) if uri[i] == "@"]
    host_at = ats[0] + 1 if len(ats) == 1 else start  # several: none is the user info's end
    search = host_at
    if host_at < end and uri[host_at] == "[":
        close = uri.find("]", host_at, end)
        search = close + 1 if close >= 0 else end
    colon = uri.find(":", search, end)
    port_at = colon if colon >= 0 else end
    host = uri[host_at:port_at]
    if host.startswith("["):
        if not host.endswith("]"):
            raise _fail("Missing end `]` to match `[` in host", uri, host_at)
        try:
            ipaddress.IPv6Address(host[1:-1].split("%", 1)[0])
        except ValueError:
            raise _fail("Illegal IPv6 address, too few parts", uri, None) from None
    else:
        for i, ch in enumerate(host):
            if ch in ":/?#[]@":
                raise _fail("Invalid character", uri, host_at + i)
    port = uri[port_at + 1 : end]
    if port and not (port.isascii() and port.isdigit()):
        raise _fail("Invalid port", uri, port_at + 1)


def parse_data_uri(uri: str) -> DataUri:
    """Decode a `data:` URI as Dart's UriData does; raises UriError with Dart's message."""
    if uri[:5] == "data:":
        source, start = uri, 5
    else:  # "DATA:" and other cases: Dart parses what follows the scheme on its own
        source, start = uri[5:], 0
    length = len(source)
    indices = [start - 1]
    i, ch, slash = start, "", -1
    while i < length:
        ch = source[i]
        if ch in ",;":
            break
        if ch == "/":
            if slash >= 0:
                raise _fail("Invalid MIME type", source, i)
            slash = i
        i += 1
    if slash < 0 and i > start:
        raise _fail("Invalid MIME type", source, i)
    mime_end = i
    while ch != ",":
        indices.append(i)
        i += 1
        equals = -1
        while i < length:
            ch = source[i]
            if ch == "=":
                if equals < 0:
                    equals = i
            elif ch in ";,":
                break
            i += 1
        if equals >= 0:
            indices.append(equals)
        else:
            last = indices[-1]
            if ch != "," or i != last + 7 or not source.startswith("base64", last + 1):
                raise _fail("Expecting '='", source, i)
            break
    indices.append(i)
    payload = source[i + 1 :]
    mime = source[start:mime_end] or "text/plain"
    if len(indices) % 2 == 1:
        data = _base64(source, i + 1)
    else:
        data = unquote_to_bytes(payload.encode("utf-8"))
    return DataUri(mime, data)


_PLAIN_BASE64 = re.compile(r"[A-Za-z0-9+/]*")


def _base64(source: str, start: int) -> bytes:
    """Dart's Base64Codec.normalize then decode over source[start:]."""
    plain = _PLAIN_BASE64.match(source, start)
    if plain is not None and len(source) - plain.end() <= 2:
        payload = source[start:]
        padding = len(source) - plain.end()
        if source[plain.end() :] == "=" * padding and (len(payload) % 4 == 0 or not padding):
            # The usual case, standard and well padded (or unpadded): no need to walk it.
            if not padding and len(payload) % 4 == 1:
                raise _fail("Invalid base64 encoding length ", source, len(source))
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
    out: list[str] = []
    first_pad = first_pad_at = -1
    pads = 0
    i, end = start, len(source)
    while i < end:
        at = i
        ch = source[i]
        i += 1
        if ch == "%":
            hexa = source[i : i + 2]
            if len(hexa) == 2 and all(c in "0123456789abcdefABCDEF" for c in hexa):
                ch = chr(int(hexa, 16))
                ch = "" if ch == "%" else ch
            else:
                ch = ""
            i = min(i + 2, end) if len(hexa) == 2 else i
        if ch in _B64_VALUE:
            out.append(_B64[_B64_VALUE[ch]])
            continue
        if ch == "=":
            if first_pad < 0:
                first_pad, first_pad_at = len(out), at
            pads += 1
            out.append("=")
            continue
        raise _fail("Invalid base64 data", source, at)
    text = "".join(out)
    if first_pad >= 0:
        if len(text) % 4:
            msg = f"Invalid base64 padding, padded length must be multiple of four, is {len(text)}"
            raise _fail(msg, source, end)
        if first_pad + pads != len(text):
            raise _fail("Invalid base64 padding, '=' not at the end", source, first_pad_at)
        if pads > 2:
            msg = "Invalid base64 padding, more than two '=' characters"
            raise _fail(msg, source, first_pad_at)
    elif len(text) % 4 == 1:
        raise _fail("Invalid base64 encoding length ", source, end)
    else:
        text += "=" * (-len(text) % 4)
    return base64.b64decode(text)
