"""URI syntax as the reference's Dart parser judges it: the FormatException texts below are the
npm reference's own INVALID_URI outputs for these URIs."""

from __future__ import annotations

import pytest

from content_tools.validate.gltf.uri_syntax import UriError, parse_data_uri, parse_uri


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (":", "FormatException: Invalid empty scheme (at character 1)\n:\n^"),
        ("a b:c", "FormatException: Illegal scheme character (at character 2)\na b:c\n ^"),
        (
            "1abc:x",
            "FormatException: Scheme not starting with alphabetic character (at character 1)"
            "\n1abc:x\n^",
        ),
        (
            "http://x:abc/a.bin",
            "FormatException: Invalid port (at character 10)\nhttp://x:abc/a.bin\n         ^",
        ),
        (
            "http://[::1/a.bin",
            "FormatException: Missing end `]` to match `[` in host (at character 8)"
            "\nhttp://[::1/a.bin\n       ^",
        ),
        ("//a@b@c/c", "FormatException: Invalid character (at character 4)\n//a@b@c/c\n   ^"),
        ("//a:1:2/c", "FormatException: Invalid port (at character 5)\n//a:1:2/c\n    ^"),
    ],
)
def test_invalid_uris_fail_with_darts_text(uri: str, message: str) -> None:
    with pytest.raises(UriError) as failure:
        parse_uri(uri)
    assert str(failure.value) == message


@pytest.mark.parametrize(
    ("uri", "non_relative"),
    [
        ("a.bin", False),
        ("%zz.bin", False),  # Dart keeps a bad escape: the load fails, not the parse
        ("dir/a b.bin", False),
        ("/a.bin", True),
        ("\\a.bin", True),
        ("a.bin?x=1", True),
        ("a.bin#f", True),
        ("c:/a.bin", True),
        ("http://example.com/a.bin", True),
    ],
)
def test_valid_uris_and_whether_they_are_relative(uri: str, non_relative: bool) -> None:
    assert parse_uri(uri).non_relative is non_relative


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("data:", "FormatException: Expecting '='\ndata:"),
        (
            "data:application;base64,AAAA",
            "FormatException: Invalid MIME type (at character 17)"
            "\ndata:application;base64,AAAA\n                ^",
        ),
        (
            "data:application/octet-stream;x;base64,AAAA",
            "FormatException: Expecting '=' (at character 32)"
            "\ndata:application/octet-stream;x;base64,AAAA\n                               ^",
        ),
        (
            "data:application/octet-stream;base64,A===",
            "FormatException: Invalid base64 padding, more than two '=' characters"
            " (at character 39)\ndata:application/octet-stream;base64,A===\n"
            "                                      ^",
        ),
        (
            "data:image/png;base64,`",
            "FormatException: Invalid base64 data (at character 23)"
            "\ndata:image/png;base64,`\n                      ^",
        ),
    ],
)
def test_invalid_data_uris_fail_with_darts_text(uri: str, message: str) -> None:
    with pytest.raises(UriError) as failure:
        parse_data_uri(uri)
    assert str(failure.value) == message


def test_long_sources_are_cut_around_the_error_like_dart() -> None:
    uri = "data:image/png;;base64," + "A" * 100
    with pytest.raises(UriError) as failure:
        parse_data_uri(uri)
    assert str(failure.value) == (
        "FormatException: Expecting '=' (at character 16)\n" + uri[:75] + "...\n" + " " * 15 + "^"
    )


@pytest.mark.parametrize(
    ("uri", "mime", "data"),
    [
        ("data:application/octet-stream;base64,AA", "application/octet-stream", b"\0"),
        ("data:application/octet-stream;base64,AA%3D%3D", "application/octet-stream", b"\0"),
        ("data:;base64,QUFB", "text/plain", b"AAA"),
        ("DATA:Application/Octet-Stream;base64,QUFB", "Application/Octet-Stream", b"AAA"),
        ("data:text/plain,a%41%zz", "text/plain", b"aA%zz"),
    ],
)
def test_data_uris_decode_like_dart(uri: str, mime: str, data: bytes) -> None:
    parsed = parse_data_uri(uri)
    assert (parsed.mime_type, parsed.data) == (mime, data)
