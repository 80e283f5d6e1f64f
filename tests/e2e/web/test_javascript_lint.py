"""ESLint (eslint.config.js) covers every JavaScript file in the repository and finds nothing.

One Node process asks ESLint, for each file git tracks, whether it is ignored and which globals
its config gives (a file no environment block names gets none: not covered), then lints them
all. scripts/test.sh runs `eslint .` too; this test is what fails when a new file or folder
falls outside the config's globs, and it needs `npm ci` (scripts/setup.sh) to have run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_PROBE = """
import { ESLint } from 'eslint';
const files = JSON.parse(process.argv[1]);
const eslint = new ESLint();
const out = { files: {}, problems: [] };
for (const file of files) {
  const ignored = await eslint.isPathIgnored(file);
  const config = ignored ? null : await eslint.calculateConfigForFile(file);
  const names = Object.keys(config?.languageOptions?.globals ?? {});
  out.files[file] = {
    ignored,
    environment: names.includes('document') ? 'browser' : names.includes('process') ? 'node' : null,
    eqeqeq: config?.rules?.eqeqeq?.[0] ?? null,
  };
}
for (const result of await eslint.lintFiles(files)) {
  for (const m of result.messages) {
    out.problems.push(`${result.filePath}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
  }
}
console.log(JSON.stringify(out));
"""


def _tracked_javascript() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", "*.js", "*.mjs", "*.cjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [f for f in listed if (ROOT / f).is_file()]


def test_every_tracked_javascript_file_is_linted_and_clean() -> None:
    files = _tracked_javascript()
    assert "vr_server/web/shared/api.js" in files
    assert "headset_client/web/app.js" in files
    assert (ROOT / "node_modules" / "eslint").is_dir(), "run scripts/setup.sh (npm ci) first"
    run = subprocess.run(
        ["node", "--input-type=module", "-e", _PROBE, json.dumps(files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    uncovered = {
        f: info
        for f, info in report["files"].items()
        if info["ignored"] or info["environment"] is None or info["eqeqeq"] != 2
    }
    assert not uncovered, f"JavaScript outside eslint.config.js's globs: {uncovered}"
    assert report["problems"] == []
