"""Packed sizes against gltfpack: `vr-content package --compress meshopt` on every scene in
scenes/, next to `gltfpack -kn`, `-kn -c` and `-kn -cc` on the same generated model (npm
`gltfpack`, a dev dependency used here only), with the errors our packing measured and both
validators' verdicts on our output.

    .venv/bin/python -m bench.pack [--markdown] [--scenes cook,warehouse] [--no-generate]

Each scene is generated first (its generator, as `vr-content package` runs it) unless
--no-generate and the model exists. Sizes are the packaged GLB's bytes. Errors are the largest
the packer measured against the source while quantizing (content_tools.meshpack): position
(per axis of the quantization grid and as a distance, mm, at world scale), normal angle
(degrees, after the octahedral filter's own decoder), texture coordinates (in texels of the
largest texture that samples them). Validators: `vr-content validate --profile quest2`
(errors and warnings in the bundle) and the Khronos reference (npm gltf-validator, one Node
process for all files). Exit status 1 when a scene is larger than gltfpack -kn -cc's.
Prints one JSON object, and Markdown tables with --markdown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GLTFPACK = ROOT / "node_modules" / ".bin" / "gltfpack"
VR_CONTENT = Path(sys.executable).parent / "vr-content"
GLTFPACK_VARIANTS = {"gltfpack -kn": [], "gltfpack -kn -c": ["-c"], "gltfpack -kn -cc": ["-cc"]}


def scene_dirs(names: list[str] | None) -> list[Path]:
    found = sorted(p.parent for p in (ROOT / "scenes").glob("*/scene.yaml"))
    return [d for d in found if names is None or d.name in names]


def measure(scene_dir: Path, out: Path, generate: bool) -> dict[str, Any]:
    from content_tools.package import package_scene
    from content_tools.source import load_scene_source, run_generator, scene_file

    source = load_scene_source(scene_dir)
    model = scene_file(scene_dir, source.model, what="model")
    if generate or not model.is_file():
        run_generator(scene_dir, source)
    started = time.perf_counter()
    result = package_scene(scene_dir, out / "dist", compress="meshopt")
    packing_s = time.perf_counter() - started
    assert result.processing is not None
    packing = result.processing.compression.packing
    assert packing is not None
    row: dict[str, Any] = {
        "scene": source.id,
        "input": model.stat().st_size,
        "ours": result.manifest.glb.size,
        "packing_s": round(packing_s, 2),
        "glb": str(result.glb_path),
        "bundle": str(result.bundle_dir),
        **packing.as_json(),
    }
    for label, flags in GLTFPACK_VARIANTS.items():
        packed = out / f"{source.id}-{'-'.join(flags) or 'plain'}.glb"
        subprocess.run(
            [str(GLTFPACK), "-kn", *flags, "-i", str(model), "-o", str(packed)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        row[label] = packed.stat().st_size
    row["ours / -kn -cc"] = round(row["ours"] / row["gltfpack -kn -cc"], 3)
    return row


def validate(rows: list[dict[str, Any]]) -> None:
    from tests.support.reference_validator import reference_reports

    reports = reference_reports([Path(row["glb"]) for row in rows])
    for row, report in zip(rows, reports, strict=True):
        issues = report["issues"]
        row["khronos errors/warnings"] = f"{issues['numErrors']}/{issues['numWarnings']}"
        ours = subprocess.run(
            [str(VR_CONTENT), "validate", "--profile", "quest2", "--json", row["bundle"]],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        found = json.loads(ours.stdout)
        errors = sum(r["issues"]["numErrors"] for r in found)
        warnings = sum(r["issues"]["numWarnings"] for r in found)
        row["vr-content errors/warnings"] = f"{errors}/{warnings}"


def markdown(rows: list[dict[str, Any]]) -> str:
    sizes = ["ours", *GLTFPACK_VARIANTS]
    lines = [
        "| scene | input | " + " | ".join(sizes) + " | ours / -kn -cc |",
        "|---|" + "---:|" * (len(sizes) + 2),
    ]
    for row in rows:
        cells = [f"{row[k]:,}" for k in ["input", *sizes]]
        lines.append(f"| {row['scene']} | " + " | ".join(cells) + f" | {row['ours / -kn -cc']} |")
    total = {k: sum(row[k] for row in rows) for k in ["input", *sizes]}
    ratio = total["ours"] / total["gltfpack -kn -cc"]
    cells = [f"{total[k]:,}" for k in ["input", *sizes]]
    lines.append("| **all** | " + " | ".join(cells) + f" | {ratio:.3f} |")
    lines += [
        "",
        "| scene | position, per axis (mm) | position, distance (mm) | normal (°) | "
        "UV (texels) | colour | draw calls | nodes merged | vr-content | Khronos |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scene']} | {row['max_position_error_mm']:.3f} | "
            f"{row['max_position_distance_mm']:.3f} | {row['max_normal_error_deg']:.2f} | "
            f"{row['max_uv_error_texels']:.3f} | "
            f"{row['max_color_error']:.4f} | {row['primitives_before']} → "
            f"{row['primitives_after']} | {row['merged_nodes']} | "
            f"{row.get('vr-content errors/warnings', '-')} | "
            f"{row.get('khronos errors/warnings', '-')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--scenes", help="comma-separated scene folder names (default: all)")
    parser.add_argument(
        "--no-generate", action="store_true", help="use generated models that exist already"
    )
    args = parser.parse_args(argv)
    names = args.scenes.split(",") if args.scenes else None
    with tempfile.TemporaryDirectory(prefix="vr-bench-pack-") as tmp:
        rows = [measure(d, Path(tmp), not args.no_generate) for d in scene_dirs(names)]
        validate(rows)
    for row in rows:
        del row["glb"], row["bundle"]
    print(json.dumps(rows, indent=1))
    if args.markdown:
        print(markdown(rows))
    worse = [row["scene"] for row in rows if row["ours"] > row["gltfpack -kn -cc"]]
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
