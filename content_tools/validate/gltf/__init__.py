"""glTF 2.0 validation with the Khronos glTF-Validator's issue codes.

The stages follow the reference: container (GLB chunks, `content_tools.glb`) and JSON, schema
checks (`parse/`, one module per kind of object) and link checks (`link/`, the same concepts),
both run from `document.py` over the objects of `objects.py`; unused objects; external
resources (buffers, images; read through a resolver, by default sandboxed files:
`resources.py`), images (`images.py`), accessor data (`data.py`), then the `info` figures
(`info.py`). Messages come out in that order, as the reference's do; our own checks of how
KTX2 textures are used (`ktx2_use.py`, codes `VR_KTX2_*`) come after the accessor data.

Adding a check: a schema rule of one object goes in its `parse/` module, a rule about what it
refers to in its `link/` module, an extension's rules in `extensions.py`, the message (code,
severity, text) in `messages.py`.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from content_tools.validate.gltf.container import read_glb
from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.data import validate_data
from content_tools.validate.gltf.document import read_document
from content_tools.validate.gltf.info import fill_info
from content_tools.validate.gltf.ktx2_use import check_ktx2_use
from content_tools.validate.gltf.loader import ReadResource, load_buffers, load_images
from content_tools.validate.gltf.objects import Document
from content_tools.validate.gltf.resources import read_external
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import IssueSink

__all__ = ["ReadResource", "validate_gltf"]

_BOM = b"\xef\xbb\xbf"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Unexpected character '{name}'")


def _parse_json(raw: bytes, ctx: Ctx) -> Any:
    """The JSON value, or None after reporting INVALID_JSON."""
    if raw.startswith(_BOM):
        ctx.add("INVALID_JSON", Raw("BOM found at the beginning of UTF-8 stream."), pointer="")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx.add(
            "INVALID_JSON",
            Raw(f"FormatException: Invalid UTF-8 byte (at offset {exc.start})"),
            pointer="",
        )
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            detail = f"FormatException: Unexpected end of input (at offset {exc.pos})"
        else:
            detail = f"FormatException: Unexpected character (at offset {exc.pos})"
        ctx.add("INVALID_JSON", Raw(detail), pointer="")
    except RecursionError:
        ctx.add("INVALID_JSON", Raw("FormatException: JSON nesting is too deep"), pointer="")
    except ValueError as exc:
        ctx.add("INVALID_JSON", Raw(f"FormatException: {exc}"), pointer="")
    return None


def _looks_like_glb(data: bytes, uri: str) -> bool:
    """The reference tells the container by the first byte ('g': GLB, whatever the name;
    '{', white space or a BOM: JSON); it refuses anything else, which we read by the name."""
    if data[:1] == b"g":
        return True
    if data[:1] in (b"{", b" ", b"\t", b"\r", b"\n", b"\xef"):
        return False
    return uri.lower().endswith(".glb")


def validate_gltf(
    data: bytes,
    *,
    uri: str,
    base_dir: Path | None = None,
    root: Path | None = None,
    sink: IssueSink,
    resources: ReadResource | None = None,
) -> GltfInfo:
    """Validate one .gltf/.glb file's bytes, adding issues to `sink`; return what it measured.

    `uri` names the file in messages; external resources (buffers, images) are read by
    `resources`, by default from files resolved against `base_dir` that must stay inside `root`
    (None: no external file may be read). Never raises for bad input: every problem is an issue.
    """
    if resources is None:
        resources = partial(read_external, base_dir=base_dir, root=root)
    info = GltfInfo(file_size=len(data))
    ctx = Ctx(sink)
    is_glb = _looks_like_glb(data, uri)
    bin_chunk: bytes | None = None
    aborted = False
    if is_glb:
        ctx.is_glb = True
        parts = read_glb(data, ctx)
        if parts.json is None and parts.aborted_json is None:
            if parts.partial_json is not None:
                _parse_json(parts.partial_json, ctx)
            return info
        # The reference stops reading a GLB cut short after its JSON chunk: that JSON is still
        # checked, but no resource is loaded.
        aborted = parts.json is None
        json_bytes = parts.json if parts.json is not None else parts.aborted_json or b""
        bin_chunk = parts.bin
    else:
        json_bytes = data
    root_value = _parse_json(json_bytes, ctx)
    if root_value is None:
        if not sink.has_errors:
            ctx.add("INVALID_JSON", Raw("FormatException: empty document"), pointer="")
        return info
    if not isinstance(root_value, dict):
        ctx.path.clear()
        ctx.add("TYPE_MISMATCH", root_value, Raw("object"))
        return info
    doc: Document = read_document(root_value, ctx)
    info.issues_when_read = sum(sink.counts.values())
    if aborted:  # the JSON was checked and linked (unused objects too); nothing is loaded
        return info
    load_buffers(doc, ctx, bin_chunk, resources)
    headers = load_images(doc, ctx, resources)
    validate_data(doc, ctx)
    check_ktx2_use(doc, ctx, headers)
    fill_info(info, doc, headers, is_glb=ctx.is_glb)
    return info
