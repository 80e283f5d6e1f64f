"""Writing validation reports: JSON close to the Khronos glTF-Validator's, and readable text.

JSON, one object per file:

    {"uri": "scenes/cook/scene.glb", "mimeType": "model/gltf-binary",
     "validatorVersion": "vr-content 0.1.0",
     "issues": {"numErrors": 0, "numWarnings": 1, "numInfos": 0, "numHints": 0,
                "messages": [{"code": "...", "message": "...", "severity": 1,
                              "pointer": "/meshes/0"}],
                "truncated": false},
     "info": {"version": "2.0", "drawCallCount": 12, "totalTriangleCount": 4000, ...},
     "budget": {"profile": "quest2", "limits": {...}}}

Messages about scene.yaml or a manifest carry `file` and `line` instead of `pointer`.
"""

from __future__ import annotations

from typing import Any

from content_tools import __version__
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import Issue, Severity
from content_tools.validate.run import FileReport

__all__ = ["VALIDATOR_VERSION", "report_json", "report_text"]

VALIDATOR_VERSION = f"vr-content {__version__}"


def report_json(report: FileReport) -> dict[str, Any]:
    sink = report.issues
    data: dict[str, Any] = {
        "uri": report.uri,
        "mimeType": report.mime_type,
        "validatorVersion": VALIDATOR_VERSION,
        "issues": {
            "numErrors": sink.kept[Severity.ERROR],
            "numWarnings": sink.kept[Severity.WARNING],
            "numInfos": sink.kept[Severity.INFO],
            "numHints": sink.kept[Severity.HINT],
            "messages": [_message_json(issue) for issue in sink.messages],
            "truncated": sink.truncated,
        },
    }
    if report.info is not None and report.info.read:
        data["info"] = _info_json(report.info)
    if report.profile is not None:
        data["budget"] = {
            "profile": report.profile.name,
            "limits": report.profile.model_dump(exclude={"name", "description"}),
        }
    return data


def report_text(report: FileReport, *, verbose: bool = False) -> str:
    """Readable lines: a summary per file, then one line per issue (hints and infos only when
    `verbose`)."""
    sink = report.issues
    counts = ", ".join(_plural(sink.counts[s], s.label) for s in (Severity.ERROR, Severity.WARNING))
    verdict = "FAILED" if sink.has_errors else "ok"
    lines = [f"{report.uri}: {verdict} ({counts})"]
    if report.info is not None:
        lines.append("  " + _info_line(report))
    shown = [i for i in sink.messages if verbose or i.severity <= Severity.WARNING]
    shown.sort(key=lambda issue: (issue.severity, issue.line or 0))
    for issue in shown:
        lines.append("  " + _issue_line(issue))
    hidden = len(sink.messages) - len(shown)
    if hidden:
        lines.append(f"  ({_plural(hidden, 'info or hint')} not shown; use --verbose)")
    if sink.truncated:
        lines.append(f"  (only the first {sink.max_messages} messages were kept)")
    return "\n".join(lines)


def _message_json(issue: Issue) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": issue.code,
        "message": issue.message,
        "severity": int(issue.severity),
    }
    if issue.pointer is not None:
        data["pointer"] = issue.pointer
    if issue.offset is not None:
        data["offset"] = issue.offset
    if issue.file is not None:
        data["file"] = issue.file
    if issue.line is not None:
        data["line"] = issue.line
    return data


def _info_json(info: GltfInfo) -> dict[str, Any]:
    """The reference's figures with its keys (in its order, the optional ones only when it
    writes them), then ours."""
    head: dict[str, Any] = {"version": info.version}
    optional = (
        ("minVersion", info.min_version),
        ("generator", info.generator),
        ("extensionsUsed", info.extensions_used),
        ("extensionsRequired", info.extensions_required),
        ("resources", info.resources),
    )
    head.update((key, value) for key, value in optional if value)
    return head | {
        "animationCount": info.animation_count,
        "materialCount": info.material_count,
        "hasMorphTargets": info.has_morph_targets,
        "hasSkins": info.has_skins,
        "skinCount": info.skin_count,
        "hasTextures": info.has_textures,
        "hasDefaultScene": info.has_default_scene,
        "drawCallCount": info.draw_call_count,
        "totalVertexCount": info.total_vertex_count,
        "totalTriangleCount": info.total_triangle_count,
        "maxUVs": info.max_uvs,
        "maxInfluences": info.max_influences,
        "maxAttributes": info.max_attributes,
        "drawnDrawCalls": info.drawn_draw_calls,
        "drawnVertexCount": info.drawn_vertices,
        "drawnTriangleCount": info.drawn_triangles,
        "lightCount": info.light_count,
        "fileSize": info.file_size,
        "textureGpuBytes": info.texture_gpu_bytes,
        "images": [
            {
                "mimeType": image.mime_type,
                "storage": image.storage,
                "width": image.width,
                "height": image.height,
                "format": image.format,
                "bits": image.bits,
            }
            for image in info.images
        ],
    }


def _info_line(report: FileReport) -> str:
    info = report.info
    assert info is not None  # noqa: S101 - type narrowing, not an input check
    parts = [
        f"{max(info.drawn_triangles, info.total_triangle_count):,} triangles",
        f"{max(info.drawn_vertices, info.total_vertex_count):,} vertices",
        f"{max(info.drawn_draw_calls, info.draw_call_count):,} draw calls",
        f"{info.material_count} materials",
        f"{len(info.images)} images (largest {info.max_texture_size} px, "
        f"~{info.texture_gpu_bytes / 1048576:.1f} MB GPU)",
        f"{info.file_size / 1048576:.2f} MB",
    ]
    budget = f" [budget: {report.profile.name}]" if report.profile is not None else ""
    return ", ".join(parts) + budget


def _issue_line(issue: Issue) -> str:
    where = ""
    if issue.file is not None:
        where = f"{issue.file}:{issue.line}: " if issue.line is not None else f"{issue.file}: "
    elif issue.pointer:
        where = f"{issue.pointer}: "
    elif issue.offset is not None:
        where = f"@{issue.offset}: "
    return f"{issue.severity.label:<7} {issue.code}  {where}{issue.message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
