"""content_tools.glb: the one GLB container reader (lenient scan for the validator, strict
parse for everything else) and the writer."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from content_tools.errors import ModelError
from content_tools.glb import CHUNK_BIN, build_glb, parse_glb, scan_glb

DOCUMENT = {"asset": {"version": "2.0"}, "buffers": [{"byteLength": 3}]}
GLB = build_glb(DOCUMENT, b"xyz")
WHERE = Path("m.glb")


def codes(data: bytes) -> list[str]:
    return [finding.code for finding in scan_glb(data).findings]


def test_a_written_glb_reads_back() -> None:
    assert len(GLB) % 4 == 0
    scan = scan_glb(GLB)
    assert scan.findings == []
    assert scan.declared_length == len(GLB)
    assert scan.version == 2
    document, binary = parse_glb(GLB, path=WHERE)
    assert document == DOCUMENT
    assert binary == b"xyz\0"  # padded to 4 bytes
    assert parse_glb(build_glb(DOCUMENT, None), path=WHERE) == (DOCUMENT, None)


@pytest.mark.parametrize(
    ("data", "found", "refused"),
    [
        (GLB[:10], ["GLB_UNEXPECTED_END_OF_HEADER"], "not a GLB file: too short"),
        (b"glTX" + GLB[4:], ["GLB_INVALID_MAGIC"], "wrong magic bytes"),
        (GLB[:4] + struct.pack("<I", 1) + GLB[8:], ["GLB_INVALID_VERSION"], "version 1"),
        (GLB[:-4], ["GLB_UNEXPECTED_END_OF_CHUNK_DATA"], "header says"),
        (
            GLB[:8] + struct.pack("<I", len(GLB) + 4) + GLB[12:] + b"\0\0\0\0",
            ["GLB_UNEXPECTED_END_OF_CHUNK_HEADER"],
            "chunk header runs past the end",
        ),
    ],
    ids=["short", "magic", "version", "truncated", "cut chunk header"],
)
def test_findings_and_refusals(data: bytes, found: list[str], refused: str) -> None:
    assert codes(data) == found
    with pytest.raises(ModelError, match=refused):
        parse_glb(data, path=WHERE)


def test_bytes_after_the_declared_end_are_ignored() -> None:
    """The reference warns (GLB_EXTRA_DATA at the declared end) and reads the chunks before."""
    longer = GLB + b"\0" * 20
    scan = scan_glb(longer)
    assert [(f.code, f.offset) for f in scan.findings] == [("GLB_EXTRA_DATA", len(GLB))]
    assert parse_glb(longer, path=WHERE) == (DOCUMENT, b"xyz\0")


def test_chunk_rules() -> None:
    def glb(*chunks: tuple[int, bytes]) -> bytes:
        body = b"".join(struct.pack("<II", len(data), kind) + data for kind, data in chunks)
        return b"glTF" + struct.pack("<II", 2, 12 + len(body)) + body

    json_chunk = (0x4E4F534A, b"{}  ")
    bin_first = glb((CHUNK_BIN, b"abcd"), json_chunk)
    assert codes(bin_first) == ["GLB_UNEXPECTED_FIRST_CHUNK"]
    with pytest.raises(ModelError, match="must start with a JSON chunk"):
        parse_glb(bin_first, path=WHERE)
    two_bins = glb(json_chunk, (CHUNK_BIN, b"abcd"), (CHUNK_BIN, b"efgh"))
    assert codes(two_bins) == ["GLB_DUPLICATE_CHUNK"]
    with pytest.raises(ModelError, match="more than one JSON or BIN chunk"):
        parse_glb(two_bins, path=WHERE)
    # an unknown chunk is reported, but a reader may skip it
    unknown = glb(json_chunk, (CHUNK_BIN, b"abcd"), (0x12345678, b"...."))
    assert codes(unknown) == ["GLB_UNKNOWN_CHUNK_TYPE"]
    assert parse_glb(unknown, path=WHERE) == ({}, b"abcd")
    # the file may end with the header of an empty chunk
    empty_tail = glb(json_chunk) + struct.pack("<II", 0, CHUNK_BIN)
    empty_tail = empty_tail[:8] + struct.pack("<I", len(empty_tail)) + empty_tail[12:]
    assert codes(empty_tail) == ["GLB_EMPTY_BIN_CHUNK"]
    assert parse_glb(empty_tail, path=WHERE)[0] == {}


def test_the_json_must_be_an_object() -> None:
    with pytest.raises(ModelError, match="must be an object"):
        parse_glb(build_glb([], None), path=WHERE)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="malformed"):
        parse_glb(GLB.replace(b'"asset"', b"'asset'"), path=WHERE)
