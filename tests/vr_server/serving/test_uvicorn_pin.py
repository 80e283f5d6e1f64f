"""vr_server/serving/ extends uvicorn's private protocol classes: the installed uvicorn must be
the exact version pyproject.toml pins (see vr_server/serving/__init__.py for how to move it)."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"
_PIN = re.compile(r"^uvicorn(\[[^\]]*\])?\s*==\s*(?P<version>[0-9][0-9A-Za-z.+-]*)$")


def pinned_uvicorn(pyproject: str) -> str:
    """The version pyproject.toml pins uvicorn to; AssertionError unless it is one exact pin."""
    dependencies = tomllib.loads(pyproject)["project"]["dependencies"]
    specs = [d for d in dependencies if re.match(r"uvicorn\b", d)]
    assert len(specs) == 1, f"expected one uvicorn dependency, found {specs}"
    match = _PIN.match(specs[0].strip())
    assert match, f"uvicorn must be pinned exactly (uvicorn[standard]==X.Y.Z), not {specs[0]!r}"
    return match["version"]


def test_installed_uvicorn_is_the_pinned_version() -> None:
    pinned = pinned_uvicorn(PYPROJECT.read_text())
    installed = importlib.metadata.version("uvicorn")
    assert installed == pinned, (
        f"uvicorn {installed} is installed, pyproject.toml pins {pinned}: vr_server/serving/ "
        "extends uvicorn's private classes; re-check it against the new release, then move the pin"
    )


def test_a_range_is_not_a_pin() -> None:
    ranged = '[project]\ndependencies = ["uvicorn[standard]>=0.54,<0.55"]\n'
    exact = '[project]\ndependencies = ["uvicorn[standard]==0.54.0"]\n'
    assert pinned_uvicorn(exact) == "0.54.0"
    with pytest.raises(AssertionError, match="pinned exactly"):
        pinned_uvicorn(ranged)
