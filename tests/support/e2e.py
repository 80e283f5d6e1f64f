"""The line between the fast tier and the end-to-end tests.

Every test under tests/e2e/ is marked `e2e`; so is a parameter marked so by hand (the
PostgreSQL half of `database_url`). Only those may start a real component: a `vr-server`
process, PostgreSQL, Redis, the S3 fake or Chromium. A test outside that asks for a fixture
marked `@e2e_only` stops the run at collection; one that starts a component another way (the
harness's start functions call `require_e2e`) fails. So `pytest -m "not e2e"` never starts a
server, and a new test that needs one has to say so by living in tests/e2e/.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from _pytest.mark.expression import Expression  # what -m uses (no public equivalent)

E2E_DIR = Path(__file__).resolve().parents[1] / "e2e"
E2E_ONLY = "_starts_a_real_component"

F = TypeVar("F", bound=Callable[..., object])

# The test being set up or run (None outside pytest, e.g. in bench/): require_e2e reads it.
_current: pytest.Item | None = None


def e2e_only(fixture_function: F) -> F:
    """Mark a fixture function (below `@pytest.fixture`) as starting a real component."""
    setattr(fixture_function, E2E_ONLY, True)
    return fixture_function


def is_e2e(item: pytest.Item) -> bool:
    return item.get_closest_marker("e2e") is not None


def mark_e2e(items: list[pytest.Item]) -> None:
    """Mark the tests under tests/e2e/, then refuse the run if a test outside asks for a
    fixture that starts a real component."""
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
    wrong = [
        f"{item.nodeid} uses {name}"
        for item in items
        if not is_e2e(item)
        for name in _starting_fixtures(item)
    ]
    if wrong:
        raise pytest.UsageError(
            "tests outside tests/e2e/ may not start a server, PostgreSQL, Redis, S3 or a "
            "browser (move them to tests/e2e/):\n  " + "\n  ".join(wrong)
        )


def _starting_fixtures(item: pytest.Item) -> list[str]:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    return [
        name
        for name, defs in info.name2fixturedefs.items()
        if defs and getattr(defs[-1].func, E2E_ONLY, False)
    ]


def not_collected(collection_path: Path, config: pytest.Config) -> bool:
    """tests/e2e/ itself, when `-m` leaves out every e2e test."""
    return collection_path == E2E_DIR and leaves_out_e2e(config)


def leaves_out_e2e(config: pytest.Config) -> bool:
    """Whether `-m` leaves out every e2e test whatever its other markers (`-m "not e2e"`):
    then tests/e2e/ need not even be imported, which saves the fast tier a few seconds."""
    text = config.getoption("markexpr", "")
    if not text:
        return False
    expression = Expression.compile(text)
    # Only the markers the expression names change its value: try each set of them with e2e.
    others = sorted(set(re.findall(r"[A-Za-z_]\w*", text)) - {"and", "or", "not", "e2e"})
    return not any(
        expression.evaluate(_marked_e2e_and(chosen))
        for size in range(len(others) + 1)
        for chosen in itertools.combinations(others, size)
    )


def _marked_e2e_and(chosen: tuple[str, ...]) -> Callable[..., bool]:
    def matches(name: str, /, **kwargs: str | int | bool | None) -> bool:
        return name == "e2e" or name in chosen

    return matches


def set_current(item: pytest.Item | None) -> None:
    global _current
    _current = item


def require_e2e(what: str) -> None:
    """Fail the running test unless it is an e2e test (no-op outside pytest)."""
    if _current is not None and not is_e2e(_current):
        pytest.fail(
            f"{_current.nodeid} starts {what}, but only tests under tests/e2e/ may",
            pytrace=False,
        )
