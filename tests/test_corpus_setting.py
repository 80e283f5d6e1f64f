"""Without the third-party glTF corpus, a fresh clone's run leaves out the tests that need it
and says so in one line; under CI=true the same run fails (tests/support/corpus.py,
tests/conftest.py).
Each case runs pytest on the corpus tests (in process, with pytester: a subprocess costs a
fresh interpreter's imports) with VR_GLTF_CORPUS pointing nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS_TESTS = "tests/content_tools/validate/test_corpus.py"


def run_without_corpus(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> pytest.RunResult:
    monkeypatch.setenv("VR_GLTF_CORPUS", str(pytester.path / "no-corpus-here"))
    monkeypatch.setenv("CI", ci)
    monkeypatch.chdir(REPO)
    # --assert=plain: this suite's modules are imported already and cannot be rewritten again;
    # no hypothesis plugin: it would import hypothesis again (pytester forgets what a run imports)
    return pytester.runpytest_inprocess(
        *("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q", "--assert=plain"),
        *(f"--rootdir={REPO}", CORPUS_TESTS),
    )


def test_without_the_corpus_its_tests_are_left_out_and_the_run_says_so(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = run_without_corpus(pytester, monkeypatch, ci="")
    stdout = done.stdout.str()
    assert done.ret == pytest.ExitCode.NO_TESTS_COLLECTED, stdout + done.stderr.str()
    header = [line for line in done.stdout.lines if line.startswith("corpus:")]
    assert len(header) == 1, stdout
    assert "not collected" in header[0]
    assert "no-corpus-here" in header[0]
    assert "docs/testing.md" in header[0]
    assert "deselected" in stdout


def test_under_ci_a_missing_corpus_fails_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = run_without_corpus(pytester, monkeypatch, ci="true")
    stderr = done.stderr.str()
    assert done.ret == pytest.ExitCode.USAGE_ERROR, done.stdout.str() + stderr
    assert "no-corpus-here" in stderr
    assert "tests need it" in stderr
