"""The GLB container's findings (`content_tools.glb.scan_glb`) as the reference's issues."""

from __future__ import annotations

from content_tools.glb import GlbScan, scan_glb
from content_tools.validate.gltf.context import Ctx, Raw

__all__ = ["read_glb"]


def read_glb(data: bytes, ctx: Ctx) -> GlbScan:
    """Scan a GLB, reporting what is wrong with its container to `ctx`; the result's json is
    None when the reference would stop (bad header, truncation)."""
    scan = scan_glb(data)
    for finding in scan.findings:
        chunk = () if finding.chunk_type is None else (Raw(f"0x{finding.chunk_type:08x}"),)
        ctx.add(finding.code, *chunk, *finding.values, offset=finding.offset)
    return scan
