"""The GLB container's findings (`content_tools.glb.scan_glb`) as the reference's issues."""

from __future__ import annotations

from content_tools.glb import GlbScan, scan_glb
from content_tools.validate.gltf.context import Ctx, Raw

__all__ = ["read_glb"]


def _utf8_prefix(raw: bytes) -> bool:
    """Whether `raw` can be the start of UTF-8 text: the reference decodes a JSON chunk as it
    streams in, and fails on a bad byte before the file ends; its JSON syntax it only judges
    once the chunk is complete."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.end == len(raw) and exc.reason == "unexpected end of data"
    return True


def read_glb(data: bytes, ctx: Ctx) -> GlbScan:
    """Scan a GLB, reporting what is wrong with its container to `ctx`; the result's json is
    None when the reference would stop (bad header, truncation). When the file ends inside a
    JSON chunk whose bytes are already not UTF-8, the reference reports the JSON error (left to
    the caller: `partial_json`) and not the truncation."""
    scan = scan_glb(data)
    findings = scan.findings
    if scan.partial_json is not None:
        if _utf8_prefix(scan.partial_json):
            scan.partial_json = None
        else:
            findings = [f for f in findings if f.code != "GLB_UNEXPECTED_END_OF_CHUNK_DATA"]
    for finding in findings:
        chunk = () if finding.chunk_type is None else (Raw(f"0x{finding.chunk_type:08x}"),)
        ctx.add(finding.code, *chunk, *finding.values, offset=finding.offset)
    return scan
