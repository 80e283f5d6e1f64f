"""Texture benchmark: GPU texture memory and file size of every scene, packaged with PNG/JPEG
textures (`--textures keep`) and with KTX2 (`--textures ktx2`: ETC1S for colour, UASTC for
data; optionally `uastc` too), and how long the encoding takes.

    .venv/bin/python -m bench.textures [--modes keep,ktx2,uastc] [--scenes cook,barista]
                                       [--markdown]

Each scene of scenes/ is built in this process (tests/support/generated.py: the generator's
build and thumbnail, no subprocess), then packaged once per mode with the quest2 profile and
no geometry compression. The GPU memory is what `vr-content validate` estimates
(content_tools/validate/info.py): RGBA8 with a full mip chain (4/3) for PNG/JPEG, the 4x4
blocks a Quest transcodes KTX2 to for KTX2 (ETC1 0.5 byte a pixel for opaque ETC1S, ASTC 4x4
1 byte a pixel for UASTC, every level). "encode s" is the packaging wall time less the same
scene's `keep` packaging time: the KTX2 encoder's process, WebAssembly start and encoding.

Quality: `--psnr` decodes every KTX2 image of the `ktx2` and `uastc` packages with three.js's
Basis Universal transcoder (node_modules/three/examples/jsm/libs/basis, to RGBA32: what the
encoder kept) and reports the PSNR over RGB of the top level against the PNG source.

Prints one JSON object, and Markdown table rows with --markdown.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from content_tools.glb import parse_glb
from content_tools.ktx2 import TEXTURE_MODES, TextureMode
from content_tools.package import package_scene
from content_tools.validate.run import validate_model_file
from tests.support.generated import generated_copy

REPO = Path(__file__).resolve().parents[1]
SCENES = REPO / "scenes"
_MB = 1024 * 1024
_DECODE = """
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const dir = process.argv[1];
const source = readFileSync(dir + "basis_transcoder.js", "utf8");
const module = { exports: {} };
new Function("module", "exports", "require", "__dirname", "__filename", source)(
  module, module.exports, createRequire(import.meta.url), dir, dir + "basis_transcoder.js");
const basis = await module.exports({ wasmBinary: readFileSync(dir + "basis_transcoder.wasm") });
basis.initializeBasis();
const files = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const file of files) {
  const ktx2 = new basis.KTX2File(new Uint8Array(Buffer.from(file, "base64")));
  ktx2.startTranscoding();
  const size = ktx2.getImageTranscodedSizeInBytes(0, 0, 0, 13);
  const rgba = new Uint8Array(size);
  ktx2.transcodeImage(rgba, 0, 0, 0, 13, 0, -1, -1);
  out.push(Buffer.from(rgba).toString("base64"));
  ktx2.close(); ktx2.delete();
}
process.stdout.write(JSON.stringify(out));
"""


def scene_names() -> list[str]:
    return sorted(p.parent.name for p in SCENES.glob("*/scene.yaml"))


def _images(glb: bytes) -> list[tuple[str, bytes]]:
    document, binary = parse_glb(glb, path=Path("model.glb"))
    out = []
    for image in document.get("images", []):
        view = document["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        out.append((image.get("mimeType", ""), (binary or b"")[start : start + view["byteLength"]]))
    return out


def _decode_ktx2(files: list[bytes]) -> list[bytes]:
    basis = REPO / "node_modules" / "three" / "examples" / "jsm" / "libs" / "basis"
    completed = subprocess.run(
        ["node", "--input-type=module", "-e", _DECODE, str(basis) + "/"],
        input=json.dumps([base64.b64encode(f).decode() for f in files]),
        capture_output=True,
        text=True,
        check=True,
    )
    return [base64.b64decode(s) for s in json.loads(completed.stdout)]


def _psnr(sources: list[bytes], decoded: list[bytes]) -> list[float]:
    values = []
    for png, rgba in zip(sources, decoded, strict=True):
        with Image.open(io.BytesIO(png)) as image:
            reference = np.asarray(image.convert("RGBA"), dtype=np.float64)[..., :3]
        got = np.frombuffer(rgba, dtype=np.uint8).reshape(reference.shape[0], -1, 4)[..., :3]
        mse = float(np.mean((reference - got.astype(np.float64)) ** 2))
        values.append(99.0 if mse == 0 else 10 * np.log10(255**2 / mse))
    return values


def measure(name: str, modes: list[TextureMode], work: Path, psnr: bool) -> dict[str, Any]:
    scene = generated_copy(SCENES / name, work / "source")
    row: dict[str, Any] = {"scene": name}
    base_s = 0.0
    sources: list[bytes] = []
    for mode in modes:
        started = time.perf_counter()
        result = package_scene(scene, work / mode, textures=mode)
        elapsed = time.perf_counter() - started
        report = validate_model_file(result.glb_path, root=None)
        assert report.info is not None
        glb = result.glb_path.read_bytes()
        images = _images(glb)
        entry: dict[str, Any] = {
            "images": len(images),
            "gpu_mb": round(report.info.texture_gpu_bytes / _MB, 3),
            "image_bytes": sum(len(data) for _, data in images),
            "glb_bytes": len(glb),
            "package_s": round(elapsed, 2),
            "errors": sorted(report.issues.codes()),
        }
        if mode == "keep":
            base_s = elapsed
            sources = [data for _, data in images]
        else:
            entry["encode_s"] = round(elapsed - base_s, 2)
            if psnr and sources:
                values = _psnr(sources, _decode_ktx2([data for _, data in images]))
                entry["psnr_mean"] = round(float(np.mean(values)), 2)
                entry["psnr_min"] = round(float(np.min(values)), 2)
        row[mode] = entry
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default="keep,ktx2")
    parser.add_argument("--scenes", default=",".join(scene_names()))
    parser.add_argument("--psnr", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    modes: list[TextureMode] = [m for m in args.modes.split(",") if m in TEXTURE_MODES]
    if not modes or modes[0] != "keep":
        modes = ["keep", *[m for m in modes if m != "keep"]]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-textures-") as folder:
        for name in args.scenes.split(","):
            work = Path(folder) / name
            work.mkdir()
            rows.append(measure(name, modes, work, args.psnr))
    print(json.dumps({"modes": modes, "scenes": rows}, indent=1))
    if args.markdown:
        print()
        print(
            "| scene | images | GPU MB, PNG | GPU MB, KTX2 | image bytes, PNG | image bytes, KTX2 "
            "| GLB bytes, PNG | GLB bytes, KTX2 | encode s |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            keep, ktx2 = row["keep"], row.get("ktx2", row[modes[-1]])
            print(
                f"| {row['scene']} | {keep['images']} | {keep['gpu_mb']:.2f} | "
                f"{ktx2['gpu_mb']:.2f} | {keep['image_bytes']:,} | {ktx2['image_bytes']:,} | "
                f"{keep['glb_bytes']:,} | {ktx2['glb_bytes']:,} | {ktx2.get('encode_s', 0):.1f} |"
            )
    failed = any(entry["errors"] for row in rows for m in modes for entry in [row[m]])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
