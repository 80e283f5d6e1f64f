"""glTF 2.0 validation with the Khronos glTF-Validator's issue codes (STUB: being written)."""

from __future__ import annotations

from pathlib import Path

from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import IssueSink

__all__ = ["validate_gltf"]


def validate_gltf(
    data: bytes, *, uri: str, base_dir: Path | None, root: Path | None, sink: IssueSink
) -> GltfInfo:
    """Validate one .gltf/.glb file's bytes, adding issues to `sink`; return what it measured.

    `uri` names the file in messages; external resources (buffers, images) are resolved
    against `base_dir` and must stay inside `root` (None: no external file may be read).
    Never raises for bad input: every problem is an issue.
    """
    info = GltfInfo(file_size=len(data))
    return info
