"""Where the built-in budget profiles live and what they are called (without loading the
profile model, `budget.py`, so that listing them in `--help` stays cheap)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROFILE_DIR", "profile_names"]

PROFILE_DIR = Path(__file__).parent / "profiles"


def profile_names() -> list[str]:
    """The built-in profiles' names (`quest2`, ...)."""
    return sorted(path.stem for path in PROFILE_DIR.glob("*.json"))
