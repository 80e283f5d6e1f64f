"""Validator and packager benchmark: our validator against the Khronos reference, and
packaged sizes against the input and against `gltfpack -kn`.

    .venv/bin/python -m bench.validate [--repeat 3] [--markdown]

Validation speed, twice: the real models of ../shared/gltf-corpus/models, and the models of
this project's scenes (scenes/*/, generated first where missing); each file validated once per
round by (a) `vr-content validate --format json --profile none FILE...`, one Python process,
and (b) `node scripts/gltf_validator.mjs FILE...` (npm `gltf-validator`), one Node process,
over the same file list. Both wall times include the process start; the best of `--repeat`
rounds is kept, in the same run, so the ratio compares like with like. Agreement is measured
on the same run: for each Khronos test case (khronos-tests), whether our set of error codes
equals the expected report's; for each model, whether we report errors exactly where the
reference does; and the whole report (the multiset of code, severity and pointer over all
severities) against the npm reference run now, for every Khronos test case and model.

Sizes: every scene in scenes/ is generated, then packaged with `vr-content package`
(no compression, and each compression method it offers), and the generated model is also run
through `gltfpack -kn` (npm `gltfpack`: keep named nodes, its default quantisation and
meshopt-free output). Sizes in bytes.

Prints one JSON object, and Markdown tables with --markdown.

Fuzz comparison (tests/support/gltf_fuzz.py): `--fuzz N [--seed S]` generates N valid glTF
documents with one field broken each, validates them with ours (this process) and with the
reference (one Node process per 500 files), and compares whole reports: the multiset of (code,
severity, pointer) over all severities. It prints the agreement rate and every disagreeing case;
the disagreeing files (and the reference's crashes) are saved to `--save` (default
var/validator-fuzz/seed-S/) with a `.json` each saying what was mutated and what differs, and
`--findings FILE` writes them grouped by code as Markdown. `--replay DIR` compares the files of
such a folder again (after a fix).
"""

from __future__ import annotations

import argparse
import json
import re
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


def scene_models() -> list[Path]:
    """The models of the scenes in scenes/ (other real models of this project: generated
    Blender-free GLBs with textures and many nodes), generated first where missing."""
    from content_tools.source import load_scene_source, run_generator, scene_file

    models = []
    for scene_dir in sorted(p.parent for p in (ROOT / "scenes").glob("*/scene.yaml")):
        source = load_scene_source(scene_dir)
        model = scene_file(scene_dir, source.model, what="model")
        if not model.is_file():
            run_generator(scene_dir, source)
        models.append(model)
    return models


def speed(repeat: int, models: list[Path]) -> dict[str, Any]:
    files = [str(p) for p in models]
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


def whole_reports() -> dict[str, Any]:
    """Whole-report agreement with the npm reference, run now on the same files: the multiset
    of (code, severity, pointer) over all severities, for every Khronos test case and model.
    Files the npm build refuses (empty or too short to detect the format: its `validateBytes`
    throws) are not judged and are listed."""
    from tests.support.validator_parity import compare, describe

    parts = {
        "khronos_cases": [case for case, _ in khronos_cases()],
        "models": corpus_models(),
    }
    result: dict[str, Any] = {}
    for name, paths in parts.items():
        comparisons = compare(paths)
        unjudged = [c for c in comparisons if c.reference_error is not None]
        differing = [c for c in comparisons if c.reference_error is None and not c.agrees]
        result[name] = {
            "files": len(paths) - len(unjudged),
            "agree": len(paths) - len(unjudged) - len(differing),
            "same_order_and_text": sum(c.same_order_and_text for c in comparisons),
            "reference_refused": {
                str(c.path.relative_to(CORPUS)): c.reference_error for c in unjudged
            },
            "differing": [
                {**describe(c, "-"), "case": str(c.path.relative_to(CORPUS))} for c in differing
            ],
        }
    files = sum(part["files"] for part in result.values())
    refused = sum(len(part["reference_refused"]) for part in result.values())
    agree = sum(part["agree"] for part in result.values())
    result["total"] = {
        "files": files,
        "agree": agree,
        "rate": round(agree / files, 4),
        "reference_refused": refused,
    }
    return result


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
    choices = re.search(r"--compress \{([^}]*)\}", help_text)
    return choices.group(1).split(",") if choices else ["none"]


def markdown(result: dict[str, Any]) -> str:
    a, w = result["agreement"], result["whole_reports"]
    lines = [
        "| files | n | MB | ours (s) | reference (s) | ratio | verdicts agree |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, key in (("corpus models", "speed"), ("scene models", "speed_scene_models")):
        s = result[key]
        lines.append(
            f"| {label} | {s['files']} | {s['bytes'] / 1048576:.1f} | {s['ours_s']} | "
            f"{s['reference_s']} | {s['ratio']} | {s['model_verdicts_agree']}/{s['files']} |"
        )
    k, m, t = w["khronos_cases"], w["models"], w["total"]
    lines += [
        "",
        "| agreement with the reference | Khronos cases | models | shared corpus |",
        "|---|---:|---:|---:|",
        f"| error-code sets (expected reports) | {a['matched']}/{a['cases']} | - | - |",
        f"| whole report (code, severity, pointer; all severities; npm run now) | "
        f"{k['agree']}/{k['files']} | {m['agree']}/{m['files']} | "
        f"{t['agree']}/{t['files']} ({100 * t['rate']:.1f}%) |",
        f"| ... and the same message order and text | {k['same_order_and_text']} | "
        f"{m['same_order_and_text']} | {k['same_order_and_text'] + m['same_order_and_text']} |",
        "",
        f"({t['reference_refused']} files the npm build refuses to read are not judged.)",
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


def fuzz(count: int, seed: int, save: Path) -> dict[str, Any]:
    from tests.support.gltf_fuzz import draw_cases
    from tests.support.validator_parity import compare, write_cases

    started = time.perf_counter()
    cases = draw_cases(count, seed)
    drawn_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_cases(cases, Path(tmp))
        started = time.perf_counter()
        comparisons = compare(paths)
        compared_s = time.perf_counter() - started
        result = _fuzz_result(comparisons, [case.mutation for case in cases], save)
    result.update(seed=seed, drawn_s=round(drawn_s, 1), compared_s=round(compared_s, 1))
    return result


def replay(folder: Path) -> dict[str, Any]:
    from tests.support.validator_parity import compare

    paths = sorted(p for p in folder.iterdir() if p.suffix in (".gltf", ".glb"))
    mutations = []
    for path in paths:
        record = path.with_suffix(".json")
        mutations.append(json.loads(record.read_text())["mutation"] if record.is_file() else "?")
    return _fuzz_result(compare(paths), mutations, None)


def _fuzz_result(comparisons: list[Any], mutations: list[str], save: Path | None) -> dict[str, Any]:
    from tests.support.validator_parity import describe, differing_codes

    crashed = [c for c in comparisons if c.reference_error is not None]
    disagreeing = [c for c in comparisons if c.reference_error is None and not c.agrees]
    judged = len(comparisons) - len(crashed)
    by_code: dict[str, int] = {}
    for comparison in disagreeing:
        if comparison.reference_bug is not None:
            continue  # listed in docs/validator.md, counted in "reference_bugs"
        for code in differing_codes(comparison):
            by_code[code] = by_code.get(code, 0) + 1
    described = {id(c): describe(c, m) for c, m in zip(comparisons, mutations, strict=True)}
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        for comparison in [*disagreeing, *crashed]:
            (save / comparison.path.name).write_bytes(comparison.path.read_bytes())
            record = save / (comparison.path.stem + ".json")
            record.write_text(json.dumps(described[id(comparison)], indent=1) + "\n")
    return {
        "cases": len(comparisons),
        "reference_crashed": len(crashed),
        "agree": judged - len(disagreeing),
        "agreement": round((judged - len(disagreeing)) / judged, 4) if judged else None,
        "same_order_and_text": sum(c.same_order_and_text for c in comparisons),
        "reference_bugs": sum(c.reference_bug is not None for c in disagreeing),
        "ours_to_fix": sum(c.reference_bug is None for c in disagreeing),
        "by_code": dict(sorted(by_code.items(), key=lambda item: -item[1])),
        "saved_to": None if save is None else str(save),
        "disagreeing": [described[id(c)] for c in disagreeing],
        "crashed": [described[id(c)] for c in crashed],
    }


def findings_markdown(result: dict[str, Any]) -> str:
    """The disagreements grouped by code, most frequent first, with an example of each kind
    of mutation (numbers aside) that shows it."""
    lines = [
        f"{result['agree']} of {result['cases'] - result['reference_crashed']} generated cases "
        f"agree ({100 * (result['agreement'] or 0):.1f}%; {result['same_order_and_text']} "
        "also in message order and text); of the others, "
        f"{result['reference_bugs']} are a known bug of the reference "
        "(tests/support/reference_bugs.py); the reference crashed on "
        f"{result['reference_crashed']}. Files: {result['saved_to']} "
        "(replay: `.venv/bin/python -m bench.validate --replay DIR`).",
        "",
    ]
    for code, count in result["by_code"].items():
        lines.append(f"## {code} ({count} cases)")
        lines.append("")
        shapes: set[str] = set()
        for case in result["disagreeing"]:
            ours = [line for line in case["only_ours"] if line.startswith(code + " ")]
            theirs = [line for line in case["only_reference"] if line.startswith(code + " ")]
            shape = re.sub(r"\d+", "N", case["mutation"])
            if not (ours or theirs) or shape in shapes or len(shapes) == 6:
                continue
            shapes.add(shape)
            lines.append(f"- `{case['case']}` {case['mutation']}")
            lines.append(f"  - only ours: {'; '.join(ours) or '-'}")
            lines.append(f"  - only reference: {'; '.join(theirs) or '-'}")
        lines.append("")
    if result["crashed"]:
        lines.append(f"## reference crashed ({len(result['crashed'])} cases)")
        lines.append("")
        for case in result["crashed"][:8]:
            lines.append(f"- `{case['case']}` {case['mutation']}: {case['reference_error']}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds (best is kept)")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--no-sizes", action="store_true", help="skip the packaging sizes")
    parser.add_argument("--fuzz", type=int, metavar="N", help="compare N generated cases")
    parser.add_argument("--seed", type=int, default=0, help="seed of --fuzz")
    parser.add_argument("--save", type=Path, help="folder for the disagreeing fuzz cases")
    parser.add_argument("--findings", type=Path, help="write the fuzz disagreements (Markdown)")
    parser.add_argument("--replay", type=Path, metavar="DIR", help="compare saved cases again")
    args = parser.parse_args()
    if args.fuzz is not None or args.replay is not None:
        if args.replay is not None:
            found = replay(args.replay)
        else:
            save = args.save or ROOT / "var" / "validator-fuzz" / f"seed-{args.seed}"
            found = fuzz(args.fuzz, args.seed, save)
        for case in found["disagreeing"]:
            print(json.dumps(case))
        summary = {k: v for k, v in found.items() if k not in ("disagreeing", "crashed")}
        print(json.dumps(summary, indent=2))
        if args.findings is not None:
            args.findings.write_text(findings_markdown(found), encoding="utf-8")
        return 0
    result = {
        "speed": speed(args.repeat, corpus_models()),
        "speed_scene_models": speed(args.repeat, scene_models()),
        "agreement": agreement(),
        "whole_reports": whole_reports(),
        "sizes": [] if args.no_sizes else sizes(),
    }
    print(json.dumps(result, indent=2))
    if args.markdown:
        print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
