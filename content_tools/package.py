"""Packaging a scene folder into a bundle (see `content_tools.bundle` for what one holds).

The packager is a leaf: only the CLI (and tests) import it, never the server, the validator or
the publisher, which read bundles through `content_tools.bundle`.

Packaging is deterministic (the same source gives the same bytes in every file) and atomic: the
bundle is written to a temporary folder inside the output folder, then renamed into place,
replacing an older bundle of the same id and version. The functions here block (hashing, glTF
parsing, running the generator): call them from a worker thread in async code.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from content_tools import __version__
from content_tools.bundle import (
    GLB_MEDIA_TYPE,
    MANIFEST_NAME,
    PNG_MEDIA_TYPE,
    PNG_SIGNATURE,
    AssetRef,
    BundleManifest,
    PackagingInfo,
    bundle_name,
    manifest_bytes,
)
from content_tools.compress import Compression, CompressionReport, compress_parts
from content_tools.errors import MissingNodesError, ModelError, SourceError
from content_tools.files import fsync_dir, read_limited
from content_tools.format.scene import (
    SceneSource,
    Script,
    count_node_references,
    node_references,
)
from content_tools.format.sounds import (
    MAX_SOUND_BYTES,
    MAX_SOUNDS_BYTES,
    SOUND_MEDIA_TYPES,
    sniff_sound,
)
from content_tools.glb_parts import split_glb, write_glb
from content_tools.gltf import GltfModel, parse_model, read_model, self_contained_glb
from content_tools.ktx2 import Ktx2Report, TextureMode, encode_textures
from content_tools.source import (
    DEFAULT_GENERATOR_TIMEOUT_S,
    load_scene_source,
    run_generator,
    scene_file,
)
from content_tools.textures import TextureReport, fit_textures
from content_tools.validate.budget import BudgetProfile, load_profile

__all__ = [
    "DEFAULT_PROFILE",
    "ModelProcessing",
    "PackageResult",
    "ProgressCallback",
    "check_referenced_nodes",
    "package_scene",
]

MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024
DEFAULT_PROFILE = "quest2"

ProgressCallback = Callable[[str, float], None]
"""Called with what the packager is doing and the fraction done (0.0 to 1.0)."""


@dataclass(frozen=True, slots=True)
class ModelProcessing:
    """What packaging did to the model after embedding it into one GLB."""

    source_size: int
    """Bytes of the self-contained GLB before textures and compression."""
    size: int
    """Bytes of the packaged GLB."""
    textures: TextureReport
    compression: CompressionReport
    ktx2: Ktx2Report = field(default_factory=lambda: Ktx2Report(mode="keep", encoder=None))
    """What `textures` (content_tools.ktx2) encoded to KTX2."""


@dataclass(frozen=True, slots=True)
class PackageResult:
    manifest: BundleManifest
    bundle_dir: Path
    processing: ModelProcessing | None = None

    @property
    def manifest_path(self) -> Path:
        return self.bundle_dir / MANIFEST_NAME

    @property
    def glb_path(self) -> Path:
        return self.bundle_dir / self.manifest.glb.path


def package_scene(
    scene_dir: Path,
    out_dir: Path,
    *,
    progress: ProgressCallback | None = None,
    generator_timeout_s: float = DEFAULT_GENERATOR_TIMEOUT_S,
    compress: Compression = "none",
    profile: BudgetProfile | str | Path = DEFAULT_PROFILE,
    textures: TextureMode = "keep",
    ktx2_cache: Path | None = None,
) -> PackageResult:
    """Package `scene_dir` into `out_dir/<id>-<version>/` and return the manifest and folder.

    Steps: read scene.yaml, run the generator (if any), read the model, check that it has every
    node the script refers to (and the spawn node), embed it into one GLB, downscale textures
    larger than the budget `profile`'s max_texture_size (a profile, its name or a JSON file),
    encode them to KTX2 (`textures`: "keep", "ktx2" or "uastc"; see content_tools.ktx2; with
    `ktx2_cache`, a folder of encodings made before: content_tools.ktx2_cache),
    compress the geometry (`compress`: "none", "meshopt", "meshopt-lossless" or "draco"; see
    content_tools.compress: "meshopt" merges and quantizes what the script does not name),
    check the nodes again on the result, copy the thumbnail and the sound files (named by
    sha256 like the model; each cue's `file` renamed to match), write the bundle atomically.
    Raises a ContentError for problems in the content and OSError when the output cannot be
    written. A model that needs none of the processing is copied byte for byte.
    """

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    budget = profile if isinstance(profile, BudgetProfile) else load_profile(profile)
    report("reading scene.yaml", 0.0)
    source = load_scene_source(scene_dir)
    if source.generator is not None:
        report(f"running {source.generator}", 0.1)
        run_generator(scene_dir, source, timeout_s=generator_timeout_s)
    report("reading the model", 0.6)
    model = read_model(scene_file(scene_dir, source.model, what="model"))
    check_referenced_nodes(source, model)
    report("embedding the model", 0.7)
    glb = self_contained_glb(model, root=scene_dir)
    glb, processing = _process_model(
        glb, model, source, budget, compress, report, texture_mode=textures, ktx2_cache=ktx2_cache
    )
    thumbnail = _read_thumbnail(scene_dir, source.thumbnail) if source.thumbnail else None
    report("writing the bundle", 0.85)
    glb_ref = _asset_ref(glb, GLB_MEDIA_TYPE, ".glb")
    files = {glb_ref.path: glb}
    thumbnail_ref = None
    if thumbnail is not None:
        thumbnail_ref = _asset_ref(thumbnail, PNG_MEDIA_TYPE, ".png")
        files[thumbnail_ref.path] = thumbnail
    script, sounds = _bundle_sounds(scene_dir, source, files)
    manifest = BundleManifest(
        scene=source.meta(),
        script=script,
        sounds=sounds,
        glb=glb_ref,
        thumbnail=thumbnail_ref,
        tool_version=__version__,
        packaging=PackagingInfo(
            compression=compress,
            encoder=processing.compression.encoder,
            profile=budget.name,
            max_texture_size=budget.max_texture_size,
            textures_resized=len(processing.textures.resized),
            source_size=processing.source_size,
        ),
    )
    files[MANIFEST_NAME] = manifest_bytes(manifest)  # last: a bundle is done when it has one
    bundle_dir = _write_bundle(out_dir, bundle_name(source.id, source.version), files)
    report("done", 1.0)
    return PackageResult(manifest=manifest, bundle_dir=bundle_dir, processing=processing)


def check_referenced_nodes(source: SceneSource, model: GltfModel) -> None:
    """Every node the script refers to, and the spawn node, must exist once by name (the
    validator's `check_script` reports the same per reference, with its line)."""
    counted = count_node_references(source.spawn_node, source.script, model.node_names())
    missing = {ref.name for ref, count in counted if count == 0}
    if missing:
        raise MissingNodesError(sorted(missing), path=model.path)
    ambiguous = sorted({(ref.name, count) for ref, count in counted if count > 1})
    if ambiguous:
        raise ModelError(
            "the scene script refers to node names that several nodes share: "
            + ", ".join(f"{name} ({count} nodes)" for name, count in ambiguous),
            path=model.path,
        )


# ---------------------------------------------------------------------------------------------


def _process_model(
    glb: bytes,
    model: GltfModel,
    source: SceneSource,
    budget: BudgetProfile,
    compress: Compression,
    report: ProgressCallback,
    texture_mode: TextureMode = "keep",
    ktx2_cache: Path | None = None,
) -> tuple[bytes, ModelProcessing]:
    """Fit the textures to `budget`, encode them to KTX2 (`texture_mode`) and compress the
    geometry; check the nodes on the result."""
    if "EXT_meshopt_compression" in model.document.get("extensionsUsed", []):
        # Packaged before (its fallback buffer holds no data): it cannot be taken apart again.
        if compress != "none":
            raise ModelError(
                "the model is already compressed (EXT_meshopt_compression): "
                "package it with --compress none",
                path=model.path,
            )
        textures = TextureReport(
            max_size=budget.max_texture_size,
            images=len(model.document.get("images", [])),
            oversized_kept=["textures not checked: the model is compressed already"],
        )
        unchanged = ModelProcessing(
            source_size=len(glb),
            size=len(glb),
            textures=textures,
            compression=CompressionReport("none", None, 0, 0),
        )
        return glb, unchanged
    parts = split_glb(glb, path=model.path)
    report(f"fitting textures to {budget.name}", 0.75)
    textures = fit_textures(parts, budget.max_texture_size)
    if texture_mode != "keep":
        report(f"encoding textures ({texture_mode})", 0.76)
    ktx2 = encode_textures(parts, texture_mode, cache_dir=ktx2_cache)
    if compress != "none":
        report(f"compressing geometry ({compress})", 0.78)
    keep = frozenset(ref.name for ref in node_references(source.spawn_node, source.script))
    compression = compress_parts(parts, compress, keep)
    out = glb
    if textures.resized or compress != "none" or ktx2.encoded:
        out = write_glb(parts.document, parts.views)
        check_referenced_nodes(source, parse_model(out, path=model.path))
    processing = ModelProcessing(
        source_size=len(glb), size=len(out), textures=textures, compression=compression, ktx2=ktx2
    )
    return out, processing


def _asset_ref(data: bytes, media_type: str, suffix: str) -> AssetRef:
    digest = hashlib.sha256(data).hexdigest()
    return AssetRef.model_validate(
        {"sha256": digest, "size": len(data), "media_type": media_type, "path": digest + suffix}
    )


def _read_thumbnail(scene_dir: Path, relative: str) -> bytes:
    path = scene_file(scene_dir, relative, what="thumbnail")
    data = read_limited(path, MAX_THUMBNAIL_BYTES, what="thumbnail", error=SourceError)
    if not data.startswith(PNG_SIGNATURE):
        raise SourceError("the thumbnail is not a PNG image", path=path)
    return data


def _bundle_sounds(
    scene_dir: Path, source: SceneSource, files: dict[str, bytes]
) -> tuple[Script, list[AssetRef]]:
    """The sound files the script's cues name, read into `files` by their bundle names, and
    the script with each cue's `file` renamed to match (`<sha256>.ogg`)."""
    refs: dict[str, AssetRef] = {}
    total = 0
    for cue in source.script.sounds:
        if cue.file in refs:
            continue
        path = scene_file(scene_dir, cue.file, what="sound file")
        data = read_limited(path, MAX_SOUND_BYTES, what="sound file", error=SourceError)
        kind = sniff_sound(data[:12])
        if kind is None:
            raise SourceError("not an Ogg, MP3 or WAV sound file", path=path)
        total += len(data)
        if total > MAX_SOUNDS_BYTES:
            raise SourceError(f"the sound files have over {MAX_SOUNDS_BYTES} bytes", path=path)
        refs[cue.file] = _asset_ref(data, kind, SOUND_MEDIA_TYPES[kind])
        files[refs[cue.file].path] = data
    cues = [cue.model_copy(update={"file": refs[cue.file].path}) for cue in source.script.sounds]
    script = source.script.model_copy(update={"sounds": cues})
    return script, list({ref.path: ref for ref in refs.values()}.values())


def _write_bundle(out_dir: Path, name: str, files: dict[str, bytes]) -> Path:
    """Write `files` into `out_dir/name/` atomically, replacing what was there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    final = out_dir / name
    try:
        for file_name, data in files.items():
            with (temporary / file_name).open("wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
        temporary.chmod(0o755)  # mkdtemp makes it private; a server may run as another user
        _replace(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    fsync_dir(out_dir)
    return final


def _replace(new: Path, final: Path) -> None:
    """Rename `new` to `final`; an existing `final` is moved aside first and then deleted
    (a folder cannot be renamed over a non-empty one)."""
    old: Path | None = None
    if final.exists() or final.is_symlink():
        old = final.with_name(f".{final.name}.{secrets.token_hex(4)}.old")
        final.rename(old)
    try:
        new.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
