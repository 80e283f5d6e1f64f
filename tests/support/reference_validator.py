"""The Khronos glTF-Validator (npm `gltf-validator`) as the reference, for tests and benchmarks.

`reference_reports(paths)` validates every file in ONE Node process (scripts/gltf_validator.mjs)
and returns the validator's JSON report for each, in order. It needs Node.js and the npm
packages that `bash scripts/setup.sh` installs (`npm ci`); without them it raises
ReferenceValidatorUnavailable with what to run, so a test that uses it fails instead of being
skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

__all__ = [
    "REPO",
    "VALIDATOR_SCRIPT",
    "ReferenceValidatorUnavailable",
    "error_messages",
    "reference_reports",
]

REPO = Path(__file__).resolve().parents[2]
VALIDATOR_SCRIPT = REPO / "scripts" / "gltf_validator.mjs"
_PACKAGE = REPO / "node_modules" / "gltf-validator"


class ReferenceValidatorUnavailable(RuntimeError):
    """Node.js or the gltf-validator npm package is missing."""


def reference_reports(
    paths: list[Path], *, timeout_s: float = 120.0, allow_errors: bool = False
) -> list[dict[str, Any]]:
    """The glTF-Validator report of each file (same order). Raises RuntimeError when the
    validator cannot run or cannot read a file; with `allow_errors`, a file it fails on (it
    throws on some hostile inputs) gets {"uri": ..., "error": ...} instead of a report."""
    if not paths:
        return []
    node = shutil.which("node")
    if node is None:
        raise ReferenceValidatorUnavailable(
            "Node.js is not installed: the glTF reference validator needs it (node 18 or newer)"
        )
    if not (_PACKAGE / "package.json").is_file():
        raise ReferenceValidatorUnavailable(
            f"{_PACKAGE} is missing: run `bash scripts/setup.sh` (it runs `npm ci`)"
        )
    listing = "".join(f"{Path(path).resolve()}\n" for path in paths)
    completed = subprocess.run(
        [node, str(VALIDATOR_SCRIPT)],
        input=listing,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
        cwd=REPO,
    )
    if completed.returncode not in (0, 2) or not completed.stdout.strip():
        raise RuntimeError(
            f"{VALIDATOR_SCRIPT.name} failed (exit {completed.returncode}): "
            f"{completed.stderr.strip()[-2000:]}"
        )
    reports: list[dict[str, Any]] = json.loads(completed.stdout)
    failed = [report for report in reports if "error" in report]
    if failed and not allow_errors:
        raise RuntimeError(
            "the reference validator could not validate: "
            + "; ".join(f"{report['uri']}: {report['error']}" for report in failed)
        )
    if len(reports) != len(paths):
        raise RuntimeError(f"asked for {len(paths)} reports, got {len(reports)}")
    return reports


def error_messages(report: dict[str, Any]) -> list[str]:
    """The error-severity messages of a report, as 'CODE at POINTER: message'."""
    return [
        f"{message['code']} at {message.get('pointer', '?')}: {message['message']}"
        for message in report["issues"]["messages"]
        if message["severity"] == 0
    ]
