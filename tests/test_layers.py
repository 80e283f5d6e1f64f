"""The import contracts (pyproject.toml's `[tool.importlinter]`) name every package and every
server layer of docs/architecture.md, and every exemption says why. That `lint-imports` keeps
them, and that they catch each kind of broken import, is tests/e2e/cli/test_layers.py (it
starts a process). No server module outgrows its concept (500 lines)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def linter_config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)["tool"]["importlinter"]
    return config


def contract(contract_id: str) -> dict[str, Any]:
    return next(c for c in linter_config()["contracts"] if c["id"] == contract_id)


def test_every_package_and_server_layer_is_named() -> None:
    """Every package of the repository is either checked or named as free (bench, tests),
    and docs/architecture.md names every layer of the server's contract."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages == set(linter_config()["root_packages"]) | {"bench", "tests"}
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    for layer in contract("server-layers")["layers"]:
        for name in layer.replace("|", ":").split(":"):
            name = name.strip().strip("()")
            assert f"`{name}" in doc or f"{name}/" in doc or f"{name}.py" in doc, name


CLIENT_ALLOWANCE = {"vr_server.protocol", "vr_server.protocol.**", "vr_server.tasks"}
"""What of vr_server the headset client may import: the wire format, the event-loop helpers."""


def test_every_ignored_import_names_its_reason() -> None:
    """An ignored import is either a known violation, marked with the issue that removes it
    (`# issue N, ...`), or the client's own allowance (the protocol and vr_server.tasks)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text[text.index("[tool.importlinter]") :]
    lines = section.splitlines()
    for i, line in enumerate(lines):
        entry = line.strip()
        if entry.startswith('"') and " -> " in entry:
            if entry.split(" -> ")[1].strip('",') in CLIENT_ALLOWANCE:
                continue
            assert re.match(r"# issue \d+\b", lines[i - 1].strip()), entry


MODULE_LIMIT = 500
"""Issue 16: no module of the server over 500 lines; split it by concept instead."""


def test_no_server_module_is_over_the_limit() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): n
        for path in (ROOT / "vr_server").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LIMIT
    }
    assert not long, f"over {MODULE_LIMIT} lines (split by concept): {long}"
