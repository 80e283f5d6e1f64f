"""The e2e line (tests/support/e2e.py): tests under an e2e folder are marked `e2e`, and a test
outside it that would start a real component stops the run (a fixture) or fails (a harness
start function) before anything starts. Each case runs pytest on a few files in a temporary
folder, with this suite's own hooks and `server` fixture."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.support import e2e

REPO = Path(__file__).resolve().parents[1]
# pytester forgets the modules an in-process run imported; hypothesis's plugin would import
# hypothesis again at the end of every run (about 1.5 s of CPU each), and none is used here.
PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")

CONFTEST = """
from tests.conftest import (  # noqa: F401 (hooks and fixtures pytest finds by name)
    pytest_collection_modifyitems,
    pytest_ignore_collect,
    pytest_runtest_setup,
    pytest_runtest_teardown,
    server,
    test_bundles,
)
"""


@pytest.fixture
def folder(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A temporary test folder whose `e2e/` sub-folder stands for tests/e2e/."""
    monkeypatch.setattr(e2e, "E2E_DIR", pytester.path / "e2e")
    monkeypatch.setattr(e2e, "_current", None)
    pytester.makeconftest(CONFTEST)
    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    del options["testpaths"]
    lines = ["[pytest]"]
    for key, value in options.items():  # this suite's settings: markers, warnings as errors...
        lines += (
            [f"{key} =", *(f"    {v}" for v in value)]
            if isinstance(value, list)
            else [f"{key} = {value}"]
        )
    pytester.makeini("\n".join(lines) + "\n")
    (pytester.path / "e2e").mkdir()
    (pytester.path / "e2e" / "test_inside.py").write_text(
        "from tests.support.e2e import require_e2e\n\n"
        "def test_inside(request):\n"
        "    assert request.node.get_closest_marker('e2e')\n"
        "    require_e2e('a server')\n"
    )
    return pytester


def test_tests_in_the_e2e_folder_are_marked_and_left_out_of_the_fast_tier(
    folder: pytest.Pytester,
) -> None:
    folder.runpytest(*PLUGINS).assert_outcomes(passed=1)
    fast = folder.runpytest(*PLUGINS, "-m", "not e2e")
    assert fast.ret == pytest.ExitCode.NO_TESTS_COLLECTED  # the e2e folder is not even read
    fast.assert_outcomes()
    slow = folder.runpytest(*PLUGINS, "-m", "not e2e or slow")
    slow.assert_outcomes(deselected=1)  # it may select an e2e test: collected, then left out


def test_a_test_outside_asking_for_the_server_fixture_stops_the_collection(
    folder: pytest.Pytester,
) -> None:
    folder.makepyfile(test_outside="def test_outside(server):\n    pass\n")
    result = folder.runpytest(*PLUGINS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*tests outside tests/e2e/ may not start a server*",
            "*test_outside.py::test_outside uses server",
        ]
    )


def test_a_test_outside_starting_a_server_fails_before_it_starts(folder: pytest.Pytester) -> None:
    folder.makepyfile(
        test_outside=(
            "from tests.support.harness import ServerProcess\n\n"
            "def test_outside(tmp_path):\n"
            "    ServerProcess(tmp_path / 'server', []).start()\n"
        )
    )
    result = folder.runpytest(*PLUGINS)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_outside.py::test_outside starts a vr-server process, but only tests under*"]
    )
    assert not list(Path(folder.path).rglob("server.log"))  # nothing was started


def test_a_test_marked_e2e_by_hand_may_start_one(folder: pytest.Pytester) -> None:
    folder.makepyfile(
        test_marked=(
            "import pytest\n"
            "from tests.support.e2e import require_e2e\n\n"
            "@pytest.mark.e2e\n"
            "def test_marked():\n"
            "    require_e2e('a server')\n"
        )
    )
    folder.runpytest(*PLUGINS, "test_marked.py").assert_outcomes(passed=1)
