"""GPU-compressed textures for packaged models: KTX2 images with Basis Universal data
(the KHR_texture_basisu extension), encoded offline by npm `ktx2-encoder`.

A texture decoded from PNG or JPEG takes 4 bytes a pixel in GPU memory (RGBA8, plus a third for
mips); a Basis Universal texture is transcoded on the headset to a block format the GPU samples
directly: ETC1S to ETC1/ETC2 (0.5 byte a pixel, 1 with alpha), UASTC to ASTC 4x4 (1 byte).

Modes (`vr-content package --textures`):
- `ktx2` (the default of the quest profiles): colour textures (base colour, emissive, sheen and
  specular colour) become ETC1S with the sRGB transfer function; data textures (normal,
  metallic-roughness, occlusion and the other material extensions' textures) become UASTC with
  the linear one (ETC1S blurs normals and packed channels too much).
- `uastc`: every texture UASTC (higher quality, about 4 times the bytes of ETC1S).
- `keep`: PNG and JPEG are left as they are.

An image is encoded only when every texture that uses it agrees on the colour space (an image
used both as colour and as data stays PNG/JPEG); each texture that uses an encoded image gets
`extensions.KHR_texture_basisu.source` and loses its `source`: no PNG fallback is kept, and the
extension is required (`extensionsRequired`): the headset app and the watch page load it with
three.js's KTX2Loader, and a fallback would double the file. Encoding is deterministic (the
same pixels and mode give the same bytes; tests check it).

The encoder runs as one Node.js process per model (`ktx2_encode.mjs` beside this file, which
imports `ktx2-encoder` from the project's `node_modules`, installed by `npm ci`); images are
handed over as raw RGBA8 files in a temporary folder. It blocks: call it from a worker thread
in async code.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from PIL import Image

from content_tools.errors import ContentError, ModelError
from content_tools.glb_parts import GlbParts, views_used_by_geometry
from content_tools.ktx2_cache import Ktx2Cache
from content_tools.report_json import report_json
from content_tools.validate.gltf.ktx2 import (
    COLOUR_SLOTS,
    KTX2_MEDIA_TYPE,
    gpu_bytes,
    problems,
    read_ktx2_header,
)

__all__ = [
    "BASISU",
    "ENCODER_SCRIPT",
    "MAX_ENCODER_PIXELS",
    "TEXTURE_MODES",
    "EncodedImage",
    "Ktx2Report",
    "TextureMode",
    "encode_textures",
    "encoder_version",
    "image_roles",
]

TextureMode = Literal["keep", "ktx2", "uastc"]
TEXTURE_MODES: tuple[str, ...] = get_args(TextureMode)
BASISU = "KHR_texture_basisu"
ENCODER_SCRIPT = Path(__file__).with_name("ktx2_encode.mjs")
_NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"
DEFAULT_TIMEOUT_S = 600.0
MAX_ENCODER_PIXELS = 12 * 1024 * 1024
"""The encoder's limit (Basis Universal 2.5 in 32-bit WebAssembly): a larger image (4096x4096,
which the quest3 profile allows) is kept as PNG/JPEG and reported."""

_SOURCE_TYPES = {"image/png", "image/jpeg"}


@dataclass(frozen=True, slots=True)
class EncodedImage:
    image: int
    name: str | None
    codec: str
    """etc1s or uastc."""
    srgb: bool
    size: tuple[int, int]
    bytes_before: int
    bytes_after: int
    gpu_bytes_before: int
    """RGBA8 with a full mip chain: what the PNG or JPEG took on the GPU."""
    gpu_bytes_after: int


@dataclass(frozen=True, slots=True)
class Ktx2Report:
    mode: str
    encoder: str | None
    encoded: list[EncodedImage] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Images left as they were, each with the reason."""

    def as_json(self) -> dict[str, Any]:
        return report_json(self)


def encoder_version() -> str | None:
    """`ktx2-encoder <version>` as installed in node_modules, or None when it is missing."""
    try:
        package = json.loads((_NODE_MODULES / "ktx2-encoder" / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return f"ktx2-encoder {package.get('version', 'unknown')}"


def image_roles(document: dict[str, Any]) -> dict[int, set[str]]:
    """For each image a material samples: "srgb" and/or "linear", from the material slots
    (core and extensions) whose textures use it."""
    textures: list[dict[str, Any]] = document.get("textures", [])
    roles: dict[int, set[str]] = {}

    def visit(value: Any, slot: str | None) -> None:
        if isinstance(value, dict):
            index = value.get("index")
            texture = _texture(textures, index) if slot and slot.endswith("Texture") else None
            source = None if texture is None else texture.get("source")
            if slot is not None and isinstance(source, int):
                role = "srgb" if slot in COLOUR_SLOTS else "linear"
                roles.setdefault(source, set()).add(role)
            for key, item in value.items():
                visit(item, key)
        elif isinstance(value, list):
            for item in value:
                visit(item, slot)

    for material in document.get("materials", []):
        visit(material, None)
    return roles


def encode_textures(
    parts: GlbParts,
    mode: TextureMode,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    cache_dir: Path | None = None,
) -> Ktx2Report:
    """Encode (in `parts`) every PNG or JPEG image a material samples to KTX2, as `mode` says;
    with `cache_dir`, images encoded before are taken from there (content_tools/ktx2_cache.py)."""
    if mode not in TEXTURE_MODES:
        raise ValueError(f"unknown texture mode {mode!r}")
    if mode == "keep":
        return Ktx2Report(mode=mode, encoder=None)
    document = parts.document
    images: list[dict[str, Any]] = document.get("images", [])
    roles = image_roles(document)
    geometry_views = views_used_by_geometry(document)
    image_views = [image.get("bufferView") for image in images]
    jobs: list[_Job] = []
    kept: list[str] = []
    for index, image in enumerate(images):
        label = f"images[{index}]" + (f" ({image['name']})" if image.get("name") else "")
        view = image.get("bufferView")
        role = roles.get(index, set())
        if not role:
            continue  # no material samples it (a thumbnail, an unused image): not ours
        if len(role) > 1:
            kept.append(f"{label}: used both as colour and as data")
            continue
        if not isinstance(view, int) or not 0 <= view < len(parts.views):
            kept.append(f"{label}: not embedded in the model")
            continue
        data = parts.views[view]
        if not isinstance(data, bytes):
            kept.append(f"{label}: not embedded in the model")
            continue
        if view in geometry_views or image_views.count(view) > 1:
            kept.append(f"{label}: its buffer view holds other data too")
            continue
        pixels = _rgba(data, label, parts)
        if pixels is None:
            kept.append(f"{label}: not a PNG or JPEG image")
            continue
        rgba, size = pixels
        if size[0] * size[1] > MAX_ENCODER_PIXELS:
            kept.append(f"{label}: {size[0]}x{size[1]} is over the encoder's 12 megapixels")
            continue
        if size[0] % 4 or size[1] % 4:
            kept.append(f"{label}: {size[0]}x{size[1]} is not a multiple of 4 on each side")
            continue
        srgb = role == {"srgb"}
        codec = "etc1s" if mode == "ktx2" and srgb else "uastc"
        jobs.append(_Job(index, image.get("name"), view, rgba, size, codec, srgb, len(data)))
    if not jobs:
        return Ktx2Report(mode=mode, encoder=None, kept=kept)
    report = Ktx2Report(mode=mode, encoder=encoder_version(), kept=kept)
    outputs = _encode(jobs, parts, timeout_s, cache_dir)
    _check_outputs(jobs, outputs, parts)
    _apply(parts, jobs, outputs)
    for job, ktx2 in zip(jobs, outputs, strict=True):
        width, height = job.size
        report.encoded.append(
            EncodedImage(
                image=job.image,
                name=job.name,
                codec=job.codec,
                srgb=job.srgb,
                size=job.size,
                bytes_before=job.bytes_before,
                bytes_after=len(ktx2),
                gpu_bytes_before=width * height * 4 * 4 // 3,
                gpu_bytes_after=gpu_bytes(read_ktx2_header(ktx2)),
            )
        )
    return report


# ---------------------------------------------------------------------------------------------


def _texture(textures: list[Any], index: Any) -> dict[str, Any] | None:
    if isinstance(index, int) and 0 <= index < len(textures):
        texture = textures[index]
        return texture if isinstance(texture, dict) else None
    return None


@dataclass(frozen=True, slots=True)
class _Job:
    image: int
    name: str | None
    view: int
    rgba: bytes
    size: tuple[int, int]
    codec: str
    srgb: bool
    bytes_before: int


def _rgba(data: bytes, label: str, parts: GlbParts) -> tuple[bytes, tuple[int, int]] | None:
    """The image's pixels as RGBA8 (None when it is not a PNG or JPEG Pillow reads)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if Image.MIME.get(opened.format or "") not in _SOURCE_TYPES:
                    return None
                rgba = opened.convert("RGBA")
                return rgba.tobytes(), rgba.size
    except Image.DecompressionBombError as exc:
        raise ModelError(f"{label}: {exc}", path=parts.path) from None
    except (OSError, ValueError, SyntaxError):
        return None


def _encode(
    jobs: list[_Job], parts: GlbParts, timeout_s: float, cache_dir: Path | None
) -> list[bytes]:
    """Each job's KTX2 data: from the cache when it has it, else from the encoder (and then
    kept in the cache, once checked)."""
    version = encoder_version()
    if cache_dir is None or version is None:
        return _run_encoder(jobs, parts, timeout_s)
    script = hashlib.sha256(ENCODER_SCRIPT.read_bytes()).hexdigest()
    cache = Ktx2Cache(cache_dir, f"{version} {script}")
    keys = [cache.key(job.codec, job.srgb, job.size, job.rgba) for job in jobs]
    found = [cache.get(key) for key in keys]
    missing = [i for i, data in enumerate(found) if data is None]
    if missing:
        made = _run_encoder([jobs[i] for i in missing], parts, timeout_s)
        _check_outputs([jobs[i] for i in missing], made, parts)
        for i, data in zip(missing, made, strict=True):
            cache.put(keys[i], data)
            found[i] = data
    return [data for data in found if data is not None]


def _run_encoder(jobs: list[_Job], parts: GlbParts, timeout_s: float) -> list[bytes]:
    node = shutil.which("node")
    if node is None:
        raise ContentError(
            "KTX2 textures need Node.js (20.19 or newer); install it, or package with "
            "--textures keep"
        )
    if encoder_version() is None:
        raise ContentError(
            f"KTX2 textures need the npm package ktx2-encoder in {_NODE_MODULES}: run "
            "`bash scripts/setup.sh` (it runs `npm ci`), or package with --textures keep"
        )
    with tempfile.TemporaryDirectory(prefix="vr-ktx2-") as folder:
        work = Path(folder)
        listing = []
        for number, job in enumerate(jobs):
            source = work / f"{number}.rgba"
            source.write_bytes(job.rgba)
            listing.append(
                {
                    "input": str(source),
                    "output": str(work / f"{number}.ktx2"),
                    "width": job.size[0],
                    "height": job.size[1],
                    "mode": job.codec,
                    "srgb": job.srgb,
                }
            )
        (work / "jobs.json").write_text(json.dumps(listing), encoding="utf-8")
        try:
            completed = subprocess.run(  # noqa: S603 (our script, our arguments)
                [node, str(ENCODER_SCRIPT), str(work / "jobs.json")],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ModelError(
                f"the KTX2 encoder took more than {timeout_s:.0f} s", path=parts.path
            ) from None
        if completed.returncode != 0:
            detail = completed.stderr.strip().splitlines()[-1:] or ["no message"]
            raise ModelError(f"the KTX2 encoder failed: {detail[0]}", path=parts.path)
        return [(work / f"{number}.ktx2").read_bytes() for number in range(len(jobs))]


def _check_outputs(jobs: list[_Job], outputs: list[bytes], parts: GlbParts) -> None:
    """What the encoder wrote must be what KHR_texture_basisu allows (as the validator checks)."""
    for job, ktx2 in zip(jobs, outputs, strict=True):
        found = problems(read_ktx2_header(ktx2))
        if found:
            raise ModelError(
                f"images[{job.image}]: the KTX2 encoder wrote a bad image: {'; '.join(found)}",
                path=parts.path,
            )


def _apply(parts: GlbParts, jobs: list[_Job], outputs: list[bytes]) -> None:
    """Put the KTX2 data in place of the images and point their textures at them."""
    document = parts.document
    encoded = {job.image for job in jobs}
    for job, ktx2 in zip(jobs, outputs, strict=True):
        parts.views[job.view] = ktx2
        image = document["images"][job.image]
        image["mimeType"] = KTX2_MEDIA_TYPE
    for texture in document.get("textures", []):
        if isinstance(texture, dict) and texture.get("source") in encoded:
            source = texture.pop("source")
            texture.setdefault("extensions", {})[BASISU] = {"source": source}
    for key in ("extensionsUsed", "extensionsRequired"):
        names: list[str] = document.setdefault(key, [])
        if BASISU not in names:
            names.append(BASISU)
