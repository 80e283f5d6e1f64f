"""Without the third-party glTF corpus, a fresh clone's run leaves out the tests that need it
and says so in one line; under CI=true the same run fails (tests/support/corpus.py,
tests/conftest.py).
Each case runs pytest on the corpus tests in a subprocess with VR_GLTF_CORPUS pointing nowhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS_TESTS = "tests/content_tools/validate/test_corpus.py"


def run_without_corpus(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VR_GLTF_CORPUS": str(tmp_path / "no-corpus-here"), "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", CORPUS_TESTS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_the_corpus_its_tests_are_left_out_and_the_run_says_so(tmp_path: Path) -> None:
    done = run_without_corpus(tmp_path, ci="")
    assert done.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, done.stdout + done.stderr
    header = [line for line in done.stdout.splitlines() if line.startswith("corpus:")]
    assert len(header) == 1, done.stdout
    assert "not collected" in header[0]
    assert "no-corpus-here" in header[0]
    assert "docs/testing.md" in header[0]
    assert "deselected" in done.stdout


def test_under_ci_a_missing_corpus_fails_the_run(tmp_path: Path) -> None:
    done = run_without_corpus(tmp_path, ci="true")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "no-corpus-here" in done.stderr
    assert "tests need it" in done.stderr
