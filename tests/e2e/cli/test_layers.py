"""The layer order of docs/architecture.md holds: `lint-imports` keeps every contract of
pyproject.toml's `[tool.importlinter]`, and those contracts do catch a broken import. It runs
as a process of its own (so e2e); what can be read from the files alone is
tests/test_layers.py.

Each run builds the import graph of the four checked packages (under 2 s). The packages are
found on the path of the working directory, not through the editable install, so that a copy
of the source tree is checked as itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.test_layers import ROOT, contract, linter_config

LINT = """
import sys
# The editable install's finder would resolve the packages to the repository's own copy.
sys.meta_path[:] = [f for f in sys.meta_path if not f.__module__.startswith("__editable__")]
from importlinter.cli import lint_imports_command
sys.argv[0] = "lint-imports"
sys.exit(lint_imports_command())
"""


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_import_contract_is_kept() -> None:
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _copy_tree(into: Path) -> None:
    """The Python files of the checked packages, and the contracts."""
    for package in linter_config()["root_packages"]:
        for source in (ROOT / package).rglob("*.py"):
            target = into / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(ROOT / "pyproject.toml", into / "pyproject.toml")


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(f"\n{line}\n")


def test_the_contracts_catch_each_kind_of_broken_import(tmp_path: Path) -> None:
    """One copy of the tree with one wrong import per contract; each must be reported."""
    _copy_tree(tmp_path)
    # a low layer importing a high one
    _append(tmp_path / "vr_server/protocol/version.py", "import vr_server.services.fleet")
    # two sibling layers that must stay independent
    _append(tmp_path / "vr_server/api/results.py", "import vr_server.ws.kiosk")
    # a module nobody placed in the layers
    (tmp_path / "vr_server/newcomer.py").write_text('"""Not in any layer."""\n')
    # the content tools reaching into the server
    _append(tmp_path / "content_tools/hashing.py", "import vr_server.protocol.version")
    # the headset client reaching past the protocol
    _append(tmp_path / "headset_client/identity.py", "import vr_server.storage.records")
    # a scene generator reaching into the headset client
    _append(tmp_path / "scenes/kit/__init__.py", "import headset_client.errors")
    # an import cycle between two modules of one folder
    _append(tmp_path / "vr_server/bus/channels.py", "import vr_server.bus.memory")
    _append(tmp_path / "vr_server/bus/memory.py", "import vr_server.bus.channels")

    run = _lint(tmp_path)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    for contract_id in (
        "server-layers",
        "content-alone",
        "client-protocol-only",
        "scenes-content-only",
        "no-cycles",
    ):
        assert f"{contract(contract_id)['name']} BROKEN" in out, contract_id
    assert "vr_server.protocol.version -> vr_server.services.fleet" in out
    assert "vr_server.api.results -> vr_server.ws.kiosk" in out
    assert "vr_server.newcomer" in out
    assert "content_tools.hashing -> vr_server.protocol.version" in out
    assert "headset_client.identity -> vr_server.storage.records" in out
    assert "scenes.kit -> headset_client.errors" in out
    assert "No cycles are allowed in vr_server.bus" in out
