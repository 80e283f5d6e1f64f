"""Loading buffers and images (GLB chunk, data URIs, sandboxed external files) and the checks
on what was loaded: byte lengths, image formats and MIME types, textures' image types."""

from __future__ import annotations

from collections.abc import Callable

from content_tools.validate.gltf.accessor_data import view_bytes as _view_bytes
from content_tools.validate.gltf.context import Ctx, Raw
from content_tools.validate.gltf.extensions import ExtObject
from content_tools.validate.gltf.images import ImageHeader, read_image_header
from content_tools.validate.gltf.ktx2 import basisu_image_header
from content_tools.validate.gltf.objects import Document
from content_tools.validate.gltf.resources import MAX_RESOURCE_BYTES

__all__ = ["ReadResource", "load_buffers", "load_images"]

ReadResource = Callable[[str], bytes | tuple[str, str]]
"""Reads the file a buffer's or image's URI names: its bytes, or (code, message) of the issue
(IO_ERROR, RESOURCE_TOO_LARGE, URI_OUTSIDE_ROOT); see `resources.read_external`."""


def _read(uri: str, pointer: str, ctx: Ctx, resources: ReadResource) -> bytes | None:
    result = resources(uri)
    if isinstance(result, bytes):
        return result
    code, detail = result
    if code == "IO_ERROR":
        ctx.add("IO_ERROR", Raw(detail), pointer=pointer)
    elif code == "RESOURCE_TOO_LARGE":
        ctx.add("RESOURCE_TOO_LARGE", uri, MAX_RESOURCE_BYTES, pointer=pointer)
    else:
        ctx.add("URI_OUTSIDE_ROOT", uri, pointer=pointer)
    return None


def load_buffers(doc: Document, ctx: Ctx, bin_chunk: bytes | None, resources: ReadResource) -> None:
    for buf in doc.buffers:
        if buf is None:
            continue
        pointer = f"/buffers/{buf.index}"
        data: bytes | None = None
        if buf.byte_length == -1:
            # The reference fetches nothing for a buffer without a valid byteLength: only a
            # data URI's bytes, decoded with the JSON, stay.
            data = buf.data
        elif not buf.has_uri:
            if ctx.is_glb and buf.index == 0:
                if bin_chunk is None:
                    ctx.add("BUFFER_MISSING_GLB_DATA", pointer=pointer)
                else:
                    data = bin_chunk
                    buf.storage = "glb"
        elif buf.data is not None:
            data = buf.data
        elif buf.uri is not None and buf.uri_ok and buf.uri[:5].lower() != "data:":
            data = _read(buf.uri, f"{pointer}/uri", ctx, resources)
            if data is not None:
                buf.storage = "external"
        buf.data = data
        if data is None or buf.byte_length == -1:
            continue
        if len(data) < buf.byte_length:
            ctx.add("BUFFER_BYTE_LENGTH_MISMATCH", len(data), buf.byte_length, pointer=pointer)
        elif buf.storage == "glb" and len(data) - buf.byte_length > 3:
            ctx.add("BUFFER_GLB_CHUNK_TOO_BIG", len(data) - buf.byte_length, pointer=pointer)


_EXTENSION_IMAGE_TYPES = (("EXT_texture_webp", "image/webp"), ("KHR_texture_basisu", "image/ktx2"))
"""The texture extensions whose `source` names an image, and the type it must have."""


def _power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def load_images(doc: Document, ctx: Ctx, resources: ReadResource) -> dict[int, ImageHeader]:
    headers: dict[int, ImageHeader] = {}
    effective: dict[int, str] = {}
    for img in doc.images:
        if img is None:
            continue
        pointer = f"/images/{img.index}"
        if img.declared_mime is not None:  # a data URI's media type does not count
            effective[img.index] = img.declared_mime
        data: bytes | None = None
        if img.buffer_view is not None:
            raw = _view_bytes(img.buffer_view)
            data = bytes(raw) if raw is not None else None
        elif img.data is not None:
            data = img.data
        elif img.uri is not None and img.uri_ok and img.storage == "external":
            data = _read(img.uri, f"{pointer}/uri", ctx, resources)
        if data is None:
            continue
        header = read_image_header(data)
        if header is None and "KHR_texture_basisu" in ctx.extensions_loaded:
            header = basisu_image_header(data)  # the reference (without the extension): None
        if header is None:
            ctx.add("IMAGE_UNRECOGNIZED_FORMAT", pointer=pointer)
            continue
        headers[img.index] = header
        if header.error == "EOS":
            ctx.add("IMAGE_UNEXPECTED_EOS", pointer=pointer)
        elif header.error is not None:
            ctx.add("IMAGE_DATA_INVALID", Raw(header.error), pointer=pointer)
        mime = header.mime_type
        if mime is None or header.error is not None:
            continue
        # The reference's order: enabled type, declared type, dimensions, features.
        if mime not in doc.image_mime_types:
            ctx.add("IMAGE_NON_ENABLED_MIME_TYPE", mime, pointer=pointer)
        declared = img.declared_mime
        if declared is not None and declared != mime:
            name = "uri" if img.uri is not None else "bufferView"
            ctx.add("IMAGE_MIME_TYPE_INVALID", mime, declared, pointer=f"{pointer}/{name}")
        effective[img.index] = mime if declared is None else declared
        width, height = header.width or 0, header.height or 0
        if not (_power_of_two(width) and _power_of_two(height)):
            ctx.add("IMAGE_NPOT_DIMENSIONS", width, height, pointer=pointer)
        if header.unsupported_features:
            ctx.add("IMAGE_FEATURES_UNSUPPORTED", pointer=pointer)
    for tex in doc.textures:
        if tex is None:
            continue
        base = f"/textures/{tex.index}"
        core = ("image/jpeg", "image/png")
        if tex.source_index in effective and effective[tex.source_index] not in core:
            ctx.add(
                "TEXTURE_INVALID_IMAGE_MIME_TYPE",
                effective[tex.source_index],
                core,
                pointer=f"{base}/source",
            )
        for name, wanted in _EXTENSION_IMAGE_TYPES:
            ext = tex.extensions.get(name)
            if not isinstance(ext, ExtObject):
                continue
            src = ext.values.get("source", -1)
            if src in effective and effective[src] != wanted:
                ctx.add(
                    "TEXTURE_INVALID_IMAGE_MIME_TYPE",
                    effective[src],
                    (wanted,),
                    pointer=f"{ext.pointer}/source",
                )
    return headers
