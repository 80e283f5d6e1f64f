"""ErrorBudget: invalid frames counted in a sliding minute."""

from __future__ import annotations

from vr_server.ws.connection import ErrorBudget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_allows_per_minute_errors_then_refuses() -> None:
    budget = ErrorBudget(3, Clock())
    assert [budget.spend() for _ in range(4)] == [True, True, True, False]


def test_errors_older_than_a_minute_no_longer_count() -> None:
    clock = Clock()
    budget = ErrorBudget(2, clock)
    assert budget.spend()
    assert budget.spend()
    clock.now += 30
    assert not budget.spend()  # three within the minute
    clock.now += 30.5  # the first two are older than 60 s now
    assert budget.spend()
    assert len(budget.times) == 2


def test_a_zero_budget_refuses_the_first_error() -> None:
    assert ErrorBudget(0, Clock()).spend() is False
