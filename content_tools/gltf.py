"""Reading glTF 2.0 models (.gltf or .glb) and writing them as one self-contained GLB.

`read_model` parses the GLB container (`content_tools.glb.parse_glb`, strictly: magic, version,
lengths, chunk bounds) or the .gltf JSON and checks the parts the packager relies on (buffers,
buffer views, images, nodes); full validation is `content_tools.validate`'s job.
`self_contained_glb` returns the bytes of a GLB that needs
no other file: a GLB that already is one is returned unchanged (byte for byte); otherwise
external or data-URI buffers and images are embedded in the binary chunk. External files must
stay inside the scene folder: absolute paths, URL schemes and `../` escapes are refused.
Output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from content_tools.errors import ModelError
from content_tools.files import read_limited
from content_tools.glb import build_glb, is_glb, parse_glb, parse_json_document

__all__ = [
    "MAX_MODEL_BYTES",
    "GltfModel",
    "parse_model",
    "parse_model_file",
    "read_model",
    "self_contained_glb",
]

MAX_MODEL_BYTES = 256 * 1024 * 1024  # model plus everything it embeds
MAX_ARRAY_LENGTH = 100_000  # nodes, meshes, buffer views, ... in one document

_BUFFER_ALIGNMENT = 8  # every source buffer starts 8-aligned, which keeps accessors aligned
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ktx2": "image/ktx2",
}


@dataclass(frozen=True, slots=True)
class GltfModel:
    """A parsed model file."""

    path: Path
    data: bytes
    """The file's bytes."""
    document: dict[str, Any]
    """The glTF JSON document."""
    binary: bytes | None
    """The GLB binary chunk (None for .gltf files and for GLBs without one)."""

    @property
    def is_glb(self) -> bool:
        return is_glb(self.data)

    def node_names(self) -> list[str]:
        """The names of all nodes, in document order (unnamed nodes are left out)."""
        return [node["name"] for node in self.document.get("nodes", []) if "name" in node]

    def external_uris(self) -> list[str]:
        """URIs of buffers and images (files or data URIs) that are not in the GLB itself."""
        return [
            item["uri"]
            for key in ("buffers", "images")
            for item in self.document.get(key, [])
            if item.get("uri") is not None
        ]

    def is_self_contained(self) -> bool:
        return self.is_glb and not self.external_uris()


def read_model(path: Path, *, max_bytes: int = MAX_MODEL_BYTES) -> GltfModel:
    """Read a .glb or .gltf file. Raises ModelError if it is missing, too big or malformed."""
    glb = _is_glb_name(path)
    return parse_model(_read_limited(path, max_bytes, what="model"), path=path, glb=glb)


def parse_model_file(data: bytes, *, path: Path) -> GltfModel:
    """Parse the bytes of the model file `path` (.glb or .gltf, by its suffix). Raises
    ModelError."""
    return parse_model(data, path=path, glb=_is_glb_name(path))


def _is_glb_name(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix not in {".glb", ".gltf"}:
        raise ModelError("the model must be a .glb or .gltf file", path=path)
    return suffix == ".glb"


def parse_model(data: bytes, *, path: Path, glb: bool = True) -> GltfModel:
    """Parse model bytes (a GLB, or .gltf JSON when `glb` is false and the bytes do not start
    like a GLB); `path` is where they came from, for messages. Raises ModelError."""
    if glb or is_glb(data):
        document, binary = parse_glb(data, path=path)
    else:
        document, binary = parse_json_document(data, path=path), None
    _check_document(document, binary, is_glb=is_glb(data), path=path)
    return GltfModel(path=path, data=data, document=document, binary=binary)


def self_contained_glb(model: GltfModel, *, root: Path, max_bytes: int = MAX_MODEL_BYTES) -> bytes:
    """The model as one GLB that needs no other file.

    A GLB without external references is returned byte for byte. Otherwise every buffer is
    copied into one binary chunk (buffer views are re-pointed) and every image given by URI is
    appended to it with a new buffer view. Files named by URIs must be inside `root`.
    """
    if model.is_self_contained():
        return model.data
    if any(_is_meshopt_fallback(buffer) for buffer in model.document.get("buffers", [])):
        raise ModelError(
            "cannot embed external files into a model compressed with EXT_meshopt_compression",
            path=model.path,
        )
    document = copy.deepcopy(model.document)
    blob = bytearray()
    offsets: list[int] = []
    for index, buffer in enumerate(document.get("buffers", [])):
        data = _buffer_bytes(model, index, buffer, root, max_bytes)
        blob += b"\x00" * (-len(blob) % _BUFFER_ALIGNMENT)
        offsets.append(len(blob))
        blob += data
        _check_total(blob, max_bytes, model.path)
    views: list[dict[str, Any]] = document.get("bufferViews", [])
    for view in views:
        view["byteOffset"] = offsets[view["buffer"]] + view.get("byteOffset", 0)
        view["buffer"] = 0
        meshopt = view.get("extensions", {}).get("EXT_meshopt_compression")
        if isinstance(meshopt, dict) and isinstance(meshopt.get("buffer"), int):
            if not 0 <= meshopt["buffer"] < len(offsets):
                raise ModelError("EXT_meshopt_compression names a missing buffer", path=model.path)
            meshopt["byteOffset"] = offsets[meshopt["buffer"]] + meshopt.get("byteOffset", 0)
            meshopt["buffer"] = 0
    for index, image in enumerate(document.get("images", [])):
        uri = image.get("uri")
        if uri is None:
            continue
        data, media_type = _uri_bytes(model.path, uri, root, max_bytes, what=f"image {index}")
        media_type = image.get("mimeType") or media_type or _sniff_image(data)
        if media_type is None:
            raise ModelError(f"image {index}: cannot tell its type ({uri[:60]!r})", path=model.path)
        blob += b"\x00" * (-len(blob) % 4)
        views.append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(data)})
        blob += data
        _check_total(blob, max_bytes, model.path)
        del image["uri"]
        image["bufferView"] = len(views) - 1
        image["mimeType"] = media_type
    if views:
        document["bufferViews"] = views
    if blob or document.get("buffers"):
        document["buffers"] = [{"byteLength": len(blob)}]
        return build_glb(document, bytes(blob))
    document.pop("buffers", None)
    return build_glb(document, None)


# ---------------------------------------------------------------------------------------------


def _read_limited(path: Path, max_bytes: int, *, what: str) -> bytes:
    missing = f"the {what} file does not exist"
    return read_limited(path, max_bytes, what=what, error=ModelError, missing=missing)


def _is_index(value: Any, length: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < length


def _is_count(value: Any, minimum: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _check_document(
    document: dict[str, Any], binary: bytes | None, *, is_glb: bool, path: Path
) -> None:
    """Check what the packager relies on; full validation is the validator's job."""

    def fail(message: str) -> ModelError:
        return ModelError(message, path=path)

    asset = document.get("asset")
    if not isinstance(asset, dict) or not str(asset.get("version", "")).startswith("2."):
        raise fail("not a glTF 2.0 document (asset.version must be 2.x)")
    for key, value in document.items():
        if isinstance(value, list) and len(value) > MAX_ARRAY_LENGTH:
            raise fail(f"{key}: {len(value)} entries is more than {MAX_ARRAY_LENGTH}")
    arrays: dict[str, list[dict[str, Any]]] = {}
    for key in ("buffers", "bufferViews", "images", "nodes"):
        value = document.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise fail(f"{key} must be a list of objects")
        arrays[key] = value
    buffers = arrays["buffers"]
    for index, buffer in enumerate(buffers):
        if not _is_count(buffer.get("byteLength"), 1):
            raise fail(f"buffers[{index}].byteLength must be a positive integer")
        uri = buffer.get("uri")
        if uri is None and _is_meshopt_fallback(buffer):
            continue  # holds no data: EXT_meshopt_compression decodes into it
        if uri is None:
            if not is_glb or index != 0:
                raise fail(f"buffers[{index}] has no uri (only a GLB's first buffer may omit it)")
            if binary is None or len(binary) < buffer["byteLength"]:
                raise fail("buffers[0] is longer than the GLB's binary chunk")
        elif not isinstance(uri, str):
            raise fail(f"buffers[{index}].uri must be a string")
    for index, view in enumerate(arrays["bufferViews"]):
        if not _is_index(view.get("buffer"), len(buffers)):
            raise fail(f"bufferViews[{index}].buffer is not a valid buffer index")
        offset, length = view.get("byteOffset", 0), view.get("byteLength")
        if not _is_count(offset) or not _is_count(length, 1):
            raise fail(f"bufferViews[{index}] has an invalid byteOffset or byteLength")
        if offset + length > buffers[view["buffer"]]["byteLength"]:
            raise fail(f"bufferViews[{index}] runs past the end of its buffer")
    for index, image in enumerate(arrays["images"]):
        uri, view_index = image.get("uri"), image.get("bufferView")
        if (uri is None) == (view_index is None):
            raise fail(f"images[{index}] must have exactly one of uri and bufferView")
        if uri is not None and not isinstance(uri, str):
            raise fail(f"images[{index}].uri must be a string")
        if view_index is not None and not _is_index(view_index, len(arrays["bufferViews"])):
            raise fail(f"images[{index}].bufferView is not a valid buffer view index")
    for index, node in enumerate(arrays["nodes"]):
        if "name" in node and not isinstance(node["name"], str):
            raise fail(f"nodes[{index}].name must be a string")


def _is_meshopt_fallback(buffer: dict[str, Any]) -> bool:
    extension = buffer.get("extensions", {}).get("EXT_meshopt_compression")
    return isinstance(extension, dict) and extension.get("fallback") is True


def _buffer_bytes(
    model: GltfModel, index: int, buffer: dict[str, Any], root: Path, max_bytes: int
) -> bytes:
    length: int = buffer["byteLength"]
    uri = buffer.get("uri")
    if uri is None:
        assert model.binary is not None  # noqa: S101 - invariant (checked by _check_document)
        return model.binary[:length]
    data, _ = _uri_bytes(model.path, uri, root, max_bytes, what=f"buffer {index}")
    if len(data) < length:
        raise ModelError(
            f"buffer {index} ({uri[:60]!r}) has {len(data)} bytes, byteLength says {length}",
            path=model.path,
        )
    return data[:length]


def _uri_bytes(
    model_path: Path, uri: str, root: Path, max_bytes: int, *, what: str
) -> tuple[bytes, str | None]:
    """The bytes a URI names and, when it says, their media type."""
    if uri.startswith("data:"):
        return _data_uri(uri, model_path, what=what)
    short = uri if len(uri) <= 80 else uri[:77] + "..."
    if urlsplit(uri).scheme or "\\" in uri or "\x00" in uri:
        raise ModelError(
            f"{what}: only relative file URIs can be embedded ({short!r})", path=model_path
        )
    relative = unquote(uri)
    if PurePosixPath(relative).is_absolute():
        raise ModelError(f"{what}: absolute paths are not allowed ({short!r})", path=model_path)
    base = root.resolve()
    target = (model_path.parent.resolve() / relative).resolve()
    if not target.is_relative_to(base):
        raise ModelError(f"{what}: {short!r} points outside the scene folder", path=model_path)
    try:
        data = _read_limited(target, max_bytes, what=f"file of {what}")
    except ModelError as exc:
        raise ModelError(f"{what}: {exc.message} ({short!r})", path=model_path) from None
    return data, _IMAGE_TYPES.get(target.suffix.lower())


def _data_uri(uri: str, model_path: Path, *, what: str) -> tuple[bytes, str | None]:
    header, comma, payload = uri[len("data:") :].partition(",")
    if not comma:
        raise ModelError(f"{what}: malformed data URI", path=model_path)
    params = header.split(";")
    media_type = params[0] or None
    try:
        if "base64" in params[1:]:
            return base64.b64decode(payload, validate=True), media_type
        return unquote_to_bytes(payload), media_type
    except (binascii.Error, ValueError) as exc:
        raise ModelError(f"{what}: malformed base64 data URI: {exc}", path=model_path) from None


def _sniff_image(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"\xabKTX 20\xbb\r\n\x1a\n"):
        return "image/ktx2"
    return None


def _check_total(blob: bytearray, max_bytes: int, path: Path) -> None:
    if len(blob) > max_bytes:
        raise ModelError(f"the embedded model would be larger than {max_bytes} bytes", path=path)
