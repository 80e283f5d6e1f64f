"""Under xdist the files likely to take longest come first (tests/support/schedule.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import pytest

from tests.support.schedule import longest_files_first


@dataclass
class Item:
    """What the ordering reads of a pytest.Item: its node id and markers."""

    nodeid: str
    markers: set[str] = field(default_factory=set)

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.markers else None


ITEMS = [
    Item("tests/test_units.py::test_1"),
    Item("tests/test_units.py::test_2"),
    Item("tests/test_units.py::test_3"),
    Item("tests/e2e/test_server.py::test_1", {"e2e"}),
    Item("tests/e2e/test_one_slow.py::test_1", {"e2e", "slow"}),
    Item("tests/e2e/test_one_slow.py::test_2", {"e2e"}),
    Item("tests/e2e/test_two_slow.py::test_b", {"e2e", "slow"}),
    Item("tests/e2e/test_two_slow.py::test_a", {"e2e", "slow"}),
]


def ordered() -> list[str]:
    items = cast(list[pytest.Item], list(ITEMS))
    longest_files_first(items)
    return [item.nodeid for item in items]


def test_a_worker_takes_the_slow_files_first_and_the_unit_tests_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    assert ordered() == [
        "tests/e2e/test_two_slow.py::test_b",  # a file's tests keep their order
        "tests/e2e/test_two_slow.py::test_a",
        "tests/e2e/test_one_slow.py::test_1",
        "tests/e2e/test_one_slow.py::test_2",
        "tests/e2e/test_server.py::test_1",
        "tests/test_units.py::test_1",
        "tests/test_units.py::test_2",
        "tests/test_units.py::test_3",
    ]


def test_a_run_without_workers_keeps_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert ordered() == [item.nodeid for item in ITEMS]
