"""A scene's sound files against its script's sound cues.

In a scene folder every cue's `file` must be a sound file inside the folder; in a bundle it
must be one of the manifest's `sounds`, and every one of those must be named by a cue. Each
file must be a kind the headset plays (Ogg, MP3, WAV: `sniff_sound`) and within the size
limits of `content_tools.format.sounds`. The cues' nodes are checked with the script's other
nodes (`check_script`); the trigger steps by the format itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from content_tools.errors import ContentError
from content_tools.format.scene import Script
from content_tools.format.sounds import (
    MAX_SOUND_BYTES,
    MAX_SOUNDS_BYTES,
    SOUND_MEDIA_TYPES,
    sniff_sound,
)
from content_tools.source import LineFinder
from content_tools.validate.issues import Issue, Severity

if TYPE_CHECKING:
    from content_tools.bundle import BundleFiles
    from content_tools.format.manifest import BundleManifest

__all__ = ["check_bundle_sounds", "check_source_sounds"]

Loc = tuple[int | str, ...]
SOUNDS_DIR = "sounds"
"""Where a scene keeps its sound files; a file there that no cue names gets a warning."""


@dataclass(frozen=True, slots=True)
class _Found:
    """A sound file a cue names: its size and first bytes, or why it cannot be read."""

    size: int = 0
    head: bytes = b""
    media_type: str | None = None
    problem: str | None = None


class _Issues:
    def __init__(self, file: Path, line_of: LineFinder | None) -> None:
        self.file, self.line_of, self.found = file, line_of, list[Issue]()

    def add(self, code: str, loc: Loc, message: str, severity: Severity = Severity.ERROR) -> None:
        line = None if self.line_of is None else self.line_of(loc)
        self.found.append(Issue(code, severity, message, file=str(self.file), line=line))


def check_source_sounds(
    scene_dir: Path, script: Script, *, file: Path, line_of: LineFinder | None
) -> list[Issue]:
    """The sound files of a scene folder (scene.yaml is `file`) against `script`'s cues."""
    from content_tools.source import scene_file

    def find(name: str) -> _Found:
        try:
            path = scene_file(scene_dir, name, what="sound file")
            with path.open("rb") as handle:
                size = path.stat().st_size
                return _Found(size, handle.read(12))
        except ContentError as exc:
            return _Found(problem=exc.message)
        except FileNotFoundError:
            return _Found(problem="does not exist")
        except OSError as exc:
            return _Found(problem=f"cannot be read ({exc.strerror or exc})")

    out = _Issues(file, line_of)
    _check_cues(script, find, out)
    named = {(scene_dir / cue.file).resolve() for cue in script.sounds}
    folder = scene_dir / SOUNDS_DIR
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and not path.name.startswith(".") and path.resolve() not in named:
            out.add(
                "SOUND_UNREFERENCED",
                ("script", "sounds") if script.sounds else ("script",),
                f"{SOUNDS_DIR}/{path.name} is not named by any sound of the script (it is not "
                "packaged)",
                Severity.WARNING,
            )
    return out.found


def check_bundle_sounds(manifest: BundleManifest, files: BundleFiles, *, file: Path) -> list[Issue]:
    """A bundle's sound assets against its script's cues: each cue names one of them, each is
    named, each is a sound of the kind its media type says. Sizes and hashes are checked by
    `open_bundle` already."""
    by_path = {asset.path: asset for asset in manifest.sounds}

    def find(name: str) -> _Found:
        asset = by_path.get(name)
        if asset is None:
            return _Found(problem="is not one of the manifest's sounds")
        try:
            return _Found(asset.size, files.read(name, 12)[:12], asset.media_type)
        except OSError as exc:
            return _Found(problem=f"cannot be read ({exc.strerror or exc})")

    out = _Issues(file, None)
    _check_cues(manifest.script, find, out)
    named = {cue.file for cue in manifest.script.sounds}
    for index, asset in enumerate(manifest.sounds):
        if asset.path not in named:
            out.add(
                "SOUND_UNREFERENCED",
                ("sounds", index),
                f"sound file {asset.path} is not named by any sound of the script",
            )
    return out.found


def _check_cues(script: Script, find: Callable[[str], _Found], out: _Issues) -> None:
    seen: dict[str, _Found] = {}
    for index, cue in enumerate(script.sounds):
        loc: Loc = ("script", "sounds", index, "file")
        label = f"sound {cue.id!r}: {cue.file}"
        if cue.file in seen:
            continue  # several cues may play one file: checked once
        found = seen[cue.file] = find(cue.file)
        if found.problem is not None:
            out.add("SOUND_FILE_MISSING", loc, f"{label} {found.problem}")
            continue
        kind = sniff_sound(found.head)
        if kind is None:
            kinds = ", ".join(sorted(SOUND_MEDIA_TYPES))
            out.add("SOUND_FORMAT", loc, f"{label} is not a sound file the headset plays ({kinds})")
        elif found.media_type is not None and found.media_type != kind:
            out.add("SOUND_FORMAT", loc, f"{label} is {kind}, the manifest says {found.media_type}")
        if found.size > MAX_SOUND_BYTES:
            out.add(
                "SOUND_TOO_LARGE",
                loc,
                f"{label} has {found.size} bytes; a sound file may have {MAX_SOUND_BYTES}",
            )
    total = sum(found.size for found in seen.values())
    if total > MAX_SOUNDS_BYTES:
        out.add(
            "SOUND_TOO_LARGE",
            ("script", "sounds"),
            f"the sound files have {total} bytes together; a scene's may have {MAX_SOUNDS_BYTES}",
        )
