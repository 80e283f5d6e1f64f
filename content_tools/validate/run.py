"""Validating what an author points at: a .gltf/.glb file, a scene folder or a bundle.

Every function here returns one `FileReport` per file it looked at and never raises for bad
content: problems are issues. They block (file reads, parsing, hashing, running a scene's
generator): call them from a worker thread in async code.

- a model file: the glTF checks and, with a profile, the budget checks;
- a scene folder: scene.yaml (format, then the script against the model, the sound files
  against the script's sound cues) and its model, which the scene's generator writes first
  when it (or a sound file) is missing;
- a bundle (`vr-content package` output) from any `BundleFiles` source: the manifest's hashes,
  the GLB, the script against the GLB, the sound files against the cues. The server runs
  this on every publish, on the blobs it stores (`validate_bundle_files`); `validate_bundle`
  is the same on a folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from content_tools.errors import ContentError, SourceError
from content_tools.gltf import MAX_MODEL_BYTES
from content_tools.validate.gltf import ReadResource, validate_gltf
from content_tools.validate.gltf.resources import read_external, read_named
from content_tools.validate.info import GltfInfo
from content_tools.validate.issues import Issue, IssueSink, Severity

if TYPE_CHECKING:
    from content_tools.bundle import BundleFiles
    from content_tools.validate.budget import BudgetProfile

# Scenes, bundles, budgets and scripts pull in YAML, pydantic and zip support: they are
# imported where they are needed, so that checking model files starts quickly.

__all__ = [
    "FileReport",
    "validate_bundle",
    "validate_bundle_files",
    "validate_model_file",
    "validate_path",
    "validate_scene_dir",
]

GLTF_MEDIA_TYPE = "model/gltf+json"
GLB_MEDIA_TYPE = "model/gltf-binary"
YAML_MEDIA_TYPE = "application/yaml"
JSON_MEDIA_TYPE = "application/json"


@dataclass(slots=True)
class FileReport:
    """What validating one file found."""

    uri: str
    mime_type: str
    issues: IssueSink = field(default_factory=IssueSink)
    info: GltfInfo | None = None
    """Figures of a model file (None for scene.yaml and manifests)."""
    profile: BudgetProfile | None = None
    """The budget profile the model was checked against."""

    @property
    def has_errors(self) -> bool:
        return self.issues.has_errors


def validate_path(path: Path, *, profile: BudgetProfile | None = None) -> list[FileReport]:
    """Validate a model file, a scene folder (with scene.yaml) or a bundle (with manifest.json)."""
    if path.suffix.lower() in (".gltf", ".glb") and not path.is_dir():
        return [validate_model_file(path, root=path.parent, profile=profile)]
    from content_tools.bundle import MANIFEST_NAME
    from content_tools.source import SCENE_FILE

    if path.is_dir():
        if (path / MANIFEST_NAME).is_file() and not (path / SCENE_FILE).is_file():
            return validate_bundle(path, profile=profile)
        return validate_scene_dir(path, profile=profile)
    if path.name == SCENE_FILE:
        return validate_scene_dir(path.parent, profile=profile)
    if path.name == MANIFEST_NAME:
        return validate_bundle(path.parent, profile=profile)
    return [validate_model_file(path, root=path.parent, profile=profile)]


def validate_model_file(
    path: Path, *, root: Path | None, profile: BudgetProfile | None = None
) -> FileReport:
    """The glTF checks on one .gltf/.glb file (external files must be inside `root`), and the
    budget checks when `profile` is given."""

    def read() -> bytes:
        with path.open("rb") as file:
            return file.read(MAX_MODEL_BYTES + 1)

    resources = partial(read_external, base_dir=path.parent, root=root)
    return validate_model(read, path=path, resources=resources, profile=profile)


def validate_model(
    read: Callable[[], bytes],
    *,
    path: Path,
    resources: ReadResource,
    profile: BudgetProfile | None = None,
) -> FileReport:
    """The glTF checks on the model `read()` returns (at most MAX_MODEL_BYTES + 1 bytes; OSError
    when it cannot), named `path`; `resources` reads the files its URIs name."""
    media = GLTF_MEDIA_TYPE if path.suffix.lower() == ".gltf" else GLB_MEDIA_TYPE
    report = FileReport(uri=str(path), mime_type=media, profile=profile)
    try:
        data = read()
    except OSError as exc:
        report.issues.add(_io_error(f"cannot read the file: {exc.strerror or exc}"))
        return report
    if len(data) > MAX_MODEL_BYTES:
        report.issues.add(_io_error(f"the file is larger than {MAX_MODEL_BYTES} bytes"))
        return report
    if data[:4] == b"glTF":
        report.mime_type = GLB_MEDIA_TYPE
    info = validate_gltf(data, uri=path.name, resources=resources, sink=report.issues)
    info.file_size = len(data)
    report.info = info
    if profile is not None:
        from content_tools.validate.budget import check_budget

        report.issues.extend(check_budget(info, profile))
    return report


def validate_scene_dir(
    scene_dir: Path, *, profile: BudgetProfile | None = None, generate: bool = True
) -> list[FileReport]:
    """scene.yaml, then its model (generated first if missing and `generate`), then the script
    against the model."""
    from content_tools.source import (
        SCENE_FILE,
        load_scene_source_lines,
        run_generator,
        scene_file,
    )
    from content_tools.validate.script import check_script, issues_from_source_error
    from content_tools.validate.sounds import check_source_sounds

    yaml_path = scene_dir / SCENE_FILE
    scene = FileReport(uri=str(yaml_path), mime_type=YAML_MEDIA_TYPE)
    try:
        source, line_of = load_scene_source_lines(scene_dir)
    except SourceError as exc:
        scene.issues.extend(issues_from_source_error(exc, yaml_path))
        return [scene]
    try:
        model_path = scene_file(scene_dir, source.model, what="model")
        # the generator writes the sound files too
        sounds_missing = any(not (scene_dir / cue.file).exists() for cue in source.script.sounds)
        if (
            generate
            and source.generator is not None
            and (not model_path.exists() or sounds_missing)
        ):
            run_generator(scene_dir, source)
    except ContentError as exc:
        scene.issues.add(
            Issue(
                code="SCENE_MODEL_UNAVAILABLE",
                severity=Severity.ERROR,
                message=exc.message,
                file=str(yaml_path),
                line=line_of(("generator",) if source.generator else ("model",)),
            )
        )
        return [scene]
    scene.issues.extend(
        check_source_sounds(scene_dir, source.script, file=yaml_path, line_of=line_of)
    )
    # the path as the author wrote it (scene_file checked it stays inside the folder)
    model = validate_model_file(scene_dir / source.model, root=scene_dir, profile=profile)
    if model.info is not None and model.info.nodes_known:
        scene.issues.extend(
            check_script(
                source,
                source.script,
                model.info,
                file=yaml_path,
                line_of=line_of,
                model_name=model_path.name,
            )
        )
    return [scene, model]


def validate_bundle(bundle_dir: Path, *, profile: BudgetProfile | None = None) -> list[FileReport]:
    """A packaged bundle folder: manifest and asset hashes, the GLB, the script against the GLB."""
    from content_tools.bundle import FolderFiles

    resources = partial(read_external, base_dir=bundle_dir, root=bundle_dir)
    return validate_bundle_files(FolderFiles(bundle_dir), resources=resources, profile=profile)


def validate_bundle_files(
    files: BundleFiles,
    *,
    resources: ReadResource | None = None,
    profile: BudgetProfile | None = None,
) -> list[FileReport]:
    """A bundle whose files come from `files`: manifest and asset hashes, the GLB, the script
    against the GLB. `resources` reads what the GLB's URIs name (None: the bundle's files)."""
    from content_tools.bundle import MANIFEST_NAME, open_bundle
    from content_tools.validate.script import check_script
    from content_tools.validate.sounds import check_bundle_sounds

    manifest_path = files.path(MANIFEST_NAME)
    report = FileReport(uri=str(manifest_path), mime_type=JSON_MEDIA_TYPE)
    try:
        manifest = open_bundle(files)
    except ContentError as exc:
        report.issues.add(Issue(code="BUNDLE_INVALID", severity=Severity.ERROR, message=str(exc)))
        return [report]
    report.issues.extend(check_bundle_sounds(manifest, files, file=manifest_path))
    if resources is None:
        resources = partial(read_named, read=files.read)
    model = validate_model(
        partial(files.read, manifest.glb.path, MAX_MODEL_BYTES),
        path=files.path(manifest.glb.path),
        resources=resources,
        profile=profile,
    )
    if model.info is not None and model.info.nodes_known:
        report.issues.extend(
            check_script(
                manifest.scene,
                manifest.script,
                model.info,
                file=manifest_path,
                line_of=None,
                model_name=manifest.glb.path,
            )
        )
    return [report, model]


def _io_error(message: str) -> Issue:
    return Issue(code="IO_ERROR", severity=Severity.ERROR, message=message)
