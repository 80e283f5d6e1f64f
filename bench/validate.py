"""Validator and packager benchmark: our validator against the Khronos reference, and
packaged sizes against the input and against `gltfpack -kn`.

    .venv/bin/python -m bench.validate [--repeat 3] [--markdown]

Validation speed: the real models of ../shared/gltf-corpus/models, each validated once per
round by (a) `vr-content validate --format json --profile none FILE...`, one Python process,
and (b) `node scripts/gltf_validator.mjs FILE...` (npm `gltf-validator`), one Node process,
over the same file list. Both wall times include the process start; the best of `--repeat`
rounds is kept, in the same run, so the ratio compares like with like. Agreement is measured
on the same run: for each Khronos test case (khronos-tests), whether our set of error codes
equals the expected report's; for each model, whether we report errors exactly where the
reference does.

Sizes: every scene in scenes/ is generated, then packaged with `vr-content package`
(no compression, and each compression method it offers), and the generated model is also run
through `gltfpack -kn` (npm `gltfpack`: keep named nodes, its default quantisation and
meshopt-free output). Sizes in bytes.

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

from tests.support.corpus import corpus_dir

ROOT = Path(__file__).resolve().parents[1]
CORPUS = corpus_dir()
NODE_VALIDATOR = ROOT / "scripts" / "gltf_validator.mjs"
GLTFPACK = ROOT / "node_modules" / ".bin" / "gltfpack"
VR_CONTENT = Path(sys.executable).parent / "vr-content"


def corpus_models() -> list[Path]:
    expected = json.loads((CORPUS / "models-expected.json").read_text())["models"]
    return [CORPUS / "models" / name for name in sorted(expected)]


def khronos_cases() -> list[tuple[Path, Path]]:
    """(case file, its expected report): reports are named `<case file name>.report.json`."""
    reports = sorted((CORPUS / "khronos-tests").rglob("*.report.json"))
    return [(r.with_name(r.name[: -len(".report.json")]), r) for r in reports]


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def error_codes(messages: list[dict[str, Any]]) -> set[str]:
    return {m["code"] for m in messages if m["severity"] == 0}


def speed(repeat: int) -> dict[str, Any]:
    files = [str(p) for p in corpus_models()]
    ours_s, theirs_s = [], []
    ours_out = theirs_out = ""
    for _ in range(repeat):  # alternate, so drift in the machine's load hits both alike
        elapsed, ours_out = timed(
            [str(VR_CONTENT), "validate", "--format", "json", "--profile", "none", *files]
        )
        ours_s.append(elapsed)
        elapsed, theirs_out = timed(["node", str(NODE_VALIDATOR), *files])
        theirs_s.append(elapsed)
    ours, theirs = json.loads(ours_out), json.loads(theirs_out)
    verdicts = sum(
        bool(error_codes(a["issues"]["messages"])) == (b["issues"]["numErrors"] > 0)
        for a, b in zip(ours, theirs, strict=True)
    )
    total_bytes = sum(Path(f).stat().st_size for f in files)
    return {
        "files": len(files),
        "bytes": total_bytes,
        "ours_s": round(min(ours_s), 3),
        "reference_s": round(min(theirs_s), 3),
        "ratio": round(min(ours_s) / min(theirs_s), 3),
        "model_verdicts_agree": verdicts,
    }


def agreement() -> dict[str, Any]:
    from content_tools.validate.run import validate_model_file

    cases = khronos_cases()
    matched, disagreeing = 0, []
    for case, report in cases:
        expected = json.loads(report.read_text())
        want = error_codes(expected["issues"]["messages"])
        got = validate_model_file(case, root=case.parent).issues.codes()
        if got == want:
            matched += 1
        else:
            disagreeing.append(
                {
                    "case": str(case.relative_to(CORPUS)),
                    "expected": sorted(want),
                    "got": sorted(got),
                }
            )
    return {"cases": len(cases), "matched": matched, "disagreeing": disagreeing}


def sizes() -> list[dict[str, Any]]:
    from content_tools.source import load_scene_source, run_generator, scene_file

    methods = _compression_methods()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for scene_dir in sorted(p.parent for p in (ROOT / "scenes").glob("*/scene.yaml")):
            source = load_scene_source(scene_dir)
            run_generator(scene_dir, source)
            model = scene_file(scene_dir, source.model, what="model")
            row: dict[str, Any] = {"scene": source.id, "input": model.stat().st_size}
            for method in methods:
                dist = out / f"dist-{method}"
                command = [str(VR_CONTENT), "package", str(scene_dir), "-o", str(dist), "--json"]
                if method != "none":
                    command += ["--compress", method]
                subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
                glbs = list((dist / f"{source.id}-{source.version}").glob("*.glb"))
                row[method] = glbs[0].stat().st_size
            packed = out / f"{source.id}-gltfpack.glb"
            subprocess.run(
                [str(GLTFPACK), "-kn", "-i", str(model), "-o", str(packed)],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            row["gltfpack -kn"] = packed.stat().st_size
            rows.append(row)
    return rows


def _compression_methods() -> list[str]:
    help_text = subprocess.run(
        [str(VR_CONTENT), "package", "--help"], capture_output=True, text=True, check=True
    ).stdout
    methods = ["none"]
    for name in ("meshopt", "draco"):
        if "--compress" in help_text and name in help_text:
            methods.append(name)
    return methods


def markdown(result: dict[str, Any]) -> str:
    s, a = result["speed"], result["agreement"]
    lines = [
        "| models | MB | ours (s) | reference (s) | ratio | model verdicts agree | "
        "Khronos cases agree |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {s['files']} | {s['bytes'] / 1048576:.1f} | {s['ours_s']} | {s['reference_s']} | "
        f"{s['ratio']} | {s['model_verdicts_agree']}/{s['files']} | "
        f"{a['matched']}/{a['cases']} ({100 * a['matched'] / a['cases']:.1f}%) |",
        "",
    ]
    rows = result["sizes"]
    if rows:
        keys = [k for k in rows[0] if k != "scene"]
        lines.append("| scene | " + " | ".join(keys) + " |")
        lines.append("|---|" + "---:|" * len(keys))
        for row in rows:
            lines.append(f"| {row['scene']} | " + " | ".join(f"{row[k]:,}" for k in keys) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds (best is kept)")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--no-sizes", action="store_true", help="skip the packaging sizes")
    args = parser.parse_args()
    result = {
        "speed": speed(args.repeat),
        "agreement": agreement(),
        "sizes": [] if args.no_sizes else sizes(),
    }
    print(json.dumps(result, indent=2))
    if args.markdown:
        print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
