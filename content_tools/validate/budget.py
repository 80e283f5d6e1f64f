"""Quest budgets: per-profile limits on what a scene may cost a headset.

A profile is a JSON file (`profiles/quest2.json`, `profiles/quest3.json`, or any file an author
passes with `--profile path/to/profile.json`) holding a `BudgetProfile`. Each overrun becomes
an error-severity issue (`BUDGET_TRIANGLES`, ...) whose message gives the measured and the
allowed figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from content_tools.errors import ContentError, validation_problems
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import Issue, Severity
from content_tools.validate.profile_files import PROFILE_DIR, profile_names

__all__ = ["PROFILE_DIR", "BudgetProfile", "check_budget", "load_profile", "profile_names"]

_MB = 1024 * 1024


class BudgetProfile(BaseModel):
    """Limits for one headset class. A limit left out (null) is not checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    description: str = ""
    max_triangles: int | None = Field(default=None, ge=0)
    max_vertices: int | None = Field(default=None, ge=0)
    max_draw_calls: int | None = Field(default=None, ge=0)
    max_materials: int | None = Field(default=None, ge=0)
    max_texture_size: int | None = Field(
        default=None, ge=1, description="Largest width or height of any texture, in pixels."
    )
    max_texture_gpu_mb: float | None = Field(
        default=None,
        ge=0,
        description="Estimated GPU memory of all textures: RGBA8 for PNG/JPEG/WebP, with the "
        "mips the loader makes when a texture samples the image with mipmaps; the transcoded "
        "block format for KTX2, with the levels the file stores "
        "(content_tools.validate.gltf.ktx2.gpu_bytes).",
    )
    max_file_mb: float | None = Field(default=None, ge=0, description="Size of the model file.")
    max_lights: int | None = Field(default=None, ge=0)
    max_skins: int | None = Field(default=None, ge=0)
    textures: Literal["keep", "ktx2", "uastc"] = Field(
        default="keep",
        description="What `vr-content package` does with PNG and JPEG textures unless told "
        "(--textures): keep them, or encode them to KTX2 (content_tools.ktx2).",
    )


def load_profile(name_or_path: str | Path) -> BudgetProfile:
    """A built-in profile by name (`quest2`) or a profile JSON file by path."""
    text = str(name_or_path)
    path = Path(text) if text.endswith(".json") or "/" in text else PROFILE_DIR / f"{text}.json"
    if not path.is_file():
        known = ", ".join(profile_names())
        raise ContentError(f"no budget profile {text!r} (built in: {known}; or a .json file)")
    try:
        return BudgetProfile.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        problems = validation_problems(exc)
        raise ContentError(f"invalid budget profile: {problems}", path=path) from None
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror or exc}", path=path) from exc


def check_budget(info: GltfInfo, profile: BudgetProfile) -> list[Issue]:
    """One error per limit the model exceeds."""
    issues: list[Issue] = []

    def over(code: str, what: str, measured: float, allowed: float | None, unit: str = "") -> None:
        if allowed is not None and measured > allowed:
            issues.append(
                Issue(
                    code=code,
                    severity=Severity.ERROR,
                    message=(
                        f"{what}: {_figure(measured)}{unit} is over the {profile.name} budget of "
                        f"{_figure(allowed)}{unit}"
                    ),
                )
            )

    over(
        "BUDGET_TRIANGLES",
        "triangles",
        _drawn(info.drawn_triangles, info.total_triangle_count),
        profile.max_triangles,
    )
    over(
        "BUDGET_VERTICES",
        "vertices",
        _drawn(info.drawn_vertices, info.total_vertex_count),
        profile.max_vertices,
    )
    over(
        "BUDGET_DRAW_CALLS",
        "draw calls",
        _drawn(info.drawn_draw_calls, info.draw_call_count),
        profile.max_draw_calls,
    )
    over("BUDGET_MATERIALS", "materials", info.material_count, profile.max_materials)
    over(
        "BUDGET_TEXTURE_SIZE",
        "largest texture",
        info.max_texture_size,
        profile.max_texture_size,
        " px",
    )
    over(
        "BUDGET_TEXTURE_MEMORY",
        "texture GPU memory (estimated)",
        round(info.texture_gpu_bytes / _MB, 1),
        profile.max_texture_gpu_mb,
        " MB",
    )
    over(
        "BUDGET_FILE_SIZE", "file size", round(info.file_size / _MB, 2), profile.max_file_mb, " MB"
    )
    over("BUDGET_LIGHTS", "punctual lights", info.light_count, profile.max_lights)
    over("BUDGET_SKINS", "skins", info.skin_count, profile.max_skins)
    return issues


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _drawn(drawn: int, counted: int) -> int:
    """The instanced figure; the per-mesh one when nodes were unknown (a broken document)."""
    return max(drawn, counted)
