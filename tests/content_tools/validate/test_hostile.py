"""Hostile inputs for the glTF validator: each one yields a clear issue, never an exception,
never a read outside the sandbox root, and no allocation sized by what the file claims."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from content_tools.validate.gltf import validate_gltf
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import IssueSink, Severity

ASSET = {"version": "2.0"}
SECRET = b"top secret bytes"  # 16 bytes


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[Path, Path]:
    """(root, folder of the model inside root) with a real file beside the root."""
    root = tmp_path / "root"
    folder = root / "models"
    folder.mkdir(parents=True)
    (tmp_path / "secret.bin").write_bytes(SECRET)
    return root, folder


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every path the validator opens for reading."""
    paths: list[Path] = []
    original = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        mode = args[0] if args else kwargs.get("mode", "r")
        if "r" in mode:
            paths.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    return paths


def run(
    data: bytes,
    uri: str = "model.gltf",
    base_dir: Path | None = None,
    root: Path | None = None,
) -> tuple[IssueSink, GltfInfo]:
    sink = IssueSink()
    info = validate_gltf(data, uri=uri, base_dir=base_dir, root=root, sink=sink)
    return sink, info


# a 12-byte buffer (a data URI) and one view of all of it
TWELVE_BYTES: dict[str, Any] = {
    "buffers": [{"uri": "data:application/octet-stream;base64," + "A" * 16, "byteLength": 12}],
    "bufferViews": [{"buffer": 0, "byteLength": 12}],
}


def gltf(**parts: Any) -> bytes:
    return json.dumps({"asset": ASSET, **parts}).encode()


def errors(sink: IssueSink) -> set[tuple[str, str | None]]:
    return {(i.code, i.pointer) for i in sink.messages if i.severity == Severity.ERROR}


def glb(json_part: bytes, bin_part: bytes | None = None) -> bytes:
    json_part += b" " * (-len(json_part) % 4)
    body = struct.pack("<II", len(json_part), 0x4E4F534A) + json_part
    if bin_part is not None:
        bin_part += b"\0" * (-len(bin_part) % 4)
        body += struct.pack("<II", len(bin_part), 0x004E4942) + bin_part
    return struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body


# -- external resources and the sandbox --------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    ["../../secret.bin", "..%2F..%2Fsecret.bin", "%2e%2e/%2e%2e/secret.bin"],
)
def test_dot_dot_escape_is_not_read(
    sandbox: tuple[Path, Path], opened: list[Path], uri: str
) -> None:
    root, folder = sandbox
    sink, _ = run(gltf(buffers=[{"uri": uri, "byteLength": 16}]), base_dir=folder, root=root)
    assert ("URI_OUTSIDE_ROOT", "/buffers/0/uri") in errors(sink)
    assert not any(p.name == "secret.bin" for p in opened)


def test_absolute_and_file_uris_are_not_read(
    sandbox: tuple[Path, Path], opened: list[Path]
) -> None:
    root, folder = sandbox
    secret = (root.parent / "secret.bin").resolve()
    uris = [str(secret), secret.as_uri(), "/etc/passwd"]
    sink, _ = run(
        gltf(buffers=[{"uri": u, "byteLength": 16} for u in uris]), base_dir=folder, root=root
    )
    for i in range(len(uris)):
        assert ("URI_OUTSIDE_ROOT", f"/buffers/{i}/uri") in errors(sink)
    assert "NON_RELATIVE_URI" in sink.codes(Severity.WARNING)
    assert opened == []


def test_symlink_leaving_the_root_is_not_read(
    sandbox: tuple[Path, Path], opened: list[Path]
) -> None:
    root, folder = sandbox
    (folder / "link.bin").symlink_to(root.parent / "secret.bin")
    sink, _ = run(gltf(buffers=[{"uri": "link.bin", "byteLength": 16}]), base_dir=folder, root=root)
    assert ("URI_OUTSIDE_ROOT", "/buffers/0/uri") in errors(sink)
    assert opened == []


def test_no_root_means_no_file_is_read(sandbox: tuple[Path, Path], opened: list[Path]) -> None:
    _, folder = sandbox
    (folder / "data.bin").write_bytes(b"\0" * 16)
    sink, _ = run(gltf(buffers=[{"uri": "data.bin", "byteLength": 16}]), base_dir=folder, root=None)
    assert ("URI_OUTSIDE_ROOT", "/buffers/0/uri") in errors(sink)
    assert opened == []


def test_file_inside_root_is_read_and_missing_file_is_io_error(
    sandbox: tuple[Path, Path],
) -> None:
    root, folder = sandbox
    (folder / "data.bin").write_bytes(b"\0" * 16)
    sink, _ = run(
        gltf(
            buffers=[
                {"uri": "data.bin", "byteLength": 16},
                {"uri": "missing.bin", "byteLength": 16},
            ]
        ),
        base_dir=folder,
        root=root,
    )
    assert errors(sink) == {("IO_ERROR", "/buffers/1/uri")}


def test_other_schemes_are_not_fetched(sandbox: tuple[Path, Path]) -> None:
    root, folder = sandbox
    sink, _ = run(
        gltf(buffers=[{"uri": "https://example.com/a.bin", "byteLength": 16}]),
        base_dir=folder,
        root=root,
    )
    assert ("IO_ERROR", "/buffers/0/uri") in errors(sink)


# -- sizes a file claims -------------------------------------------------------------------------


def test_data_uri_buffer_claiming_gigabytes() -> None:
    sink, _ = run(
        gltf(
            buffers=[{"uri": "data:application/octet-stream;base64,AAAA", "byteLength": 4 * 10**9}]
        )
    )
    assert ("BUFFER_BYTE_LENGTH_MISMATCH", "/buffers/0") in errors(sink)


def test_external_buffer_claiming_a_terabyte(sandbox: tuple[Path, Path]) -> None:
    root, folder = sandbox
    (folder / "small.bin").write_bytes(b"\0" * 8)
    sink, _ = run(
        gltf(buffers=[{"uri": "small.bin", "byteLength": 2**40}]), base_dir=folder, root=root
    )
    assert ("BUFFER_BYTE_LENGTH_MISMATCH", "/buffers/0") in errors(sink)


def test_accessor_claiming_a_billion_elements() -> None:
    data = gltf(
        **TWELVE_BYTES,
        accessors=[
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 10**9,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [0, 0, 0],
            }
        ],
        meshes=[{"primitives": [{"attributes": {"POSITION": 0}}]}],
    )
    sink, info = run(data)
    assert ("ACCESSOR_TOO_LONG", "/accessors/0") in errors(sink)
    assert info.total_vertex_count == 10**9  # a claim, reported, never allocated


def test_sparse_accessor_claiming_a_billion_elements_without_buffer_view() -> None:
    data = gltf(
        **TWELVE_BYTES,
        accessors=[
            {
                "componentType": 5126,
                "count": 10**9,
                "type": "MAT4",
                "sparse": {
                    "count": 1,
                    "indices": {"bufferView": 0, "componentType": 5125},
                    "values": {"bufferView": 0},
                },
            }
        ],
    )
    sink, _ = run(data)
    assert ("ACCESSOR_TOO_LONG", "/accessors/0/sparse/values") in errors(sink)


def test_huge_integers_in_json() -> None:
    big = "1" + "0" * 400
    data = (
        '{"asset":{"version":"2.0"},"nodes":[{"translation":[' + big + ",0,0]}],"
        '"cameras":[{"type":"perspective","perspective":{"yfov":' + big + ',"znear":1}}],'
        '"buffers":[{"byteLength":' + big + "}]}"
    ).encode()
    sink, _ = run(data)
    assert ("VALUE_NOT_IN_RANGE", "/nodes/0/translation/0") in errors(sink)
    assert ("VALUE_NOT_IN_RANGE", "/cameras/0/perspective/yfov") in errors(sink)


# -- malformed JSON ----------------------------------------------------------------------------


def test_deeply_nested_json() -> None:
    sink, _ = run(b"[" * 100_000 + b"]" * 100_000)
    assert errors(sink) == {("INVALID_JSON", "")}


def test_deeply_nested_extras() -> None:
    sink, _ = run(b'{"asset":{"version":"2.0"},"extras":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert errors(sink) == {("INVALID_JSON", "")}


def test_non_utf8_json() -> None:
    sink, _ = run(b'{"asset":{"version":"2.0\xff\xfe"}}')
    assert errors(sink) == {("INVALID_JSON", "")}
    assert "UTF-8" in sink.messages[0].message


@pytest.mark.parametrize("uri", ["model.gltf", "model.glb"])
def test_empty_file(uri: str) -> None:
    sink, info = run(b"", uri=uri)
    assert sink.has_errors
    assert sink.codes() <= {"INVALID_JSON", "GLB_UNEXPECTED_END_OF_HEADER"}
    assert info.file_size == 0


def test_json_that_is_not_an_object() -> None:
    sink, _ = run(b"[1, 2, 3]")
    assert errors(sink) == {("TYPE_MISMATCH", "/")}


def test_nan_literal_is_invalid_json() -> None:
    sink, _ = run(b'{"asset":{"version":"2.0"},"x":NaN}')
    assert errors(sink) == {("INVALID_JSON", "")}


# -- GLB containers ------------------------------------------------------------------------------

VALID_GLB = glb(json.dumps({"asset": ASSET, "buffers": [{"byteLength": 8}]}).encode(), b"\0" * 8)


def test_valid_glb_has_no_errors() -> None:
    sink, info = run(VALID_GLB, uri="model.glb")
    assert not sink.has_errors
    assert info.resources_storage == ["glb"]


@pytest.mark.parametrize("cut", [1, 5, 13, 30, len(VALID_GLB) - 5])
def test_truncated_glb(cut: int) -> None:
    sink, _ = run(VALID_GLB[:cut], uri="model.glb")
    assert sink.codes() & {
        "GLB_UNEXPECTED_END_OF_HEADER",
        "GLB_UNEXPECTED_END_OF_CHUNK_HEADER",
        "GLB_UNEXPECTED_END_OF_CHUNK_DATA",
    }


def test_glb_header_lying_about_total_length() -> None:
    data = VALID_GLB[:8] + struct.pack("<I", 0xFFFFFFFF) + VALID_GLB[12:]
    sink, _ = run(data, uri="model.glb")
    assert "GLB_LENGTH_MISMATCH" in sink.codes()


def test_glb_chunk_lying_about_its_length() -> None:
    data = VALID_GLB[:12] + struct.pack("<I", 0xFFFFFFF0) + VALID_GLB[16:]
    sink, _ = run(data, uri="model.glb")
    assert {"GLB_CHUNK_TOO_BIG", "GLB_UNEXPECTED_END_OF_CHUNK_DATA"} <= sink.codes()


def test_glb_bin_chunk_claiming_four_gigabytes() -> None:
    json_part = json.dumps({"asset": ASSET}).encode()
    json_part += b" " * (-len(json_part) % 4)
    data = (
        struct.pack("<III", 0x46546C67, 2, 0xFFFFFFFF)
        + struct.pack("<II", len(json_part), 0x4E4F534A)
        + json_part
        + struct.pack("<II", 0xFFFFFFF0, 0x004E4942)
        + b"\0" * 8
    )
    sink, _ = run(data, uri="model.glb")
    assert "GLB_UNEXPECTED_END_OF_CHUNK_DATA" in sink.codes()


def test_glb_bad_magic_and_version() -> None:
    sink, _ = run(b"glTX" + VALID_GLB[4:], uri="model.glb")
    assert sink.codes() == {"GLB_INVALID_MAGIC"}
    sink, _ = run(VALID_GLB[:4] + struct.pack("<I", 1) + VALID_GLB[8:], uri="model.glb")
    assert sink.codes() == {"GLB_INVALID_VERSION"}


# -- hierarchy -----------------------------------------------------------------------------


def test_long_node_chain_and_loop_are_linear() -> None:
    n = 20_000
    chain = [{"children": [i + 1]} for i in range(n - 1)] + [{"mesh": 0}]
    data = gltf(
        nodes=chain,
        meshes=[{"primitives": [{"attributes": {"POSITION": 0}}]}],
        accessors=[
            {"componentType": 5126, "count": 1, "type": "VEC3", "min": [0] * 3, "max": [0] * 3}
        ],
        skins=[{"joints": list(range(0, n, 2)), "skeleton": 0}],
        scenes=[{"nodes": [0]}],
    )
    sink, info = run(data)
    assert not sink.has_errors
    assert info.nodes[0].has_mesh_below
    assert info.nodes[-1].has_mesh
    loop = gltf(nodes=[{"children": [(i + 1) % n]} for i in range(n)])
    sink, info = run(loop)
    assert sink.codes() == {"NODE_LOOP"}
    assert sink.counts[Severity.ERROR] == n
    assert not any(node.has_mesh_below for node in info.nodes)


def test_skinned_nodes_down_a_chain_in_many_scenes_are_linear() -> None:
    """NODE_SKIN_NO_SCENE asks which scenes hold each skinned node: with thousands of skinned
    nodes down one chain and a thousand scenes, that stays one walk of the chain."""
    n = 4_000
    nodes: list[dict[str, Any]] = [{"children": [i + 1]} for i in range(n - 1)] + [{}]
    for node in nodes[2::2]:
        node.update(skin=0, mesh=0)
    accessors = [
        {"componentType": 5126, "count": 1, "type": "VEC3", "min": [0] * 3, "max": [0] * 3},
        {"componentType": 5121, "count": 1, "type": "VEC4"},
        {"componentType": 5126, "count": 1, "type": "VEC4"},
    ]
    attributes = {"POSITION": 0, "JOINTS_0": 1, "WEIGHTS_0": 2}
    data = gltf(
        nodes=nodes,
        skins=[{"joints": [1]}],
        scenes=[{"nodes": [0]}] * 1_000 + [{"nodes": [n - 2]}],
        meshes=[{"primitives": [{"attributes": attributes}]}],
        accessors=accessors,
    )
    sink, _ = run(data)
    # The last scene holds only the bottom of the chain, not the joints' root: one
    # NODE_SKIN_NO_SCENE, counted past the 2 000 warnings (the messages are truncated).
    assert errors(sink) == {("SCENE_NON_ROOT_NODE", "/scenes/1000/nodes/0")}
    assert sink.truncated
    assert sink.counts[Severity.ERROR] == 2
