"""The order in which the xdist workers take the test files: the longest first.

`scripts/test.sh` runs the suite on three workers with `--dist loadfile --no-loadscope-reorder`:
a worker takes the next whole file when it is done with one. Left to itself xdist sorts the
files by their number of tests, so a file of one long test (`test_run_command`: run.sh
packages every scene) came last and ran alone on one worker while the other had finished.
Taking the files in the order of their likely length instead (longest-processing-time first)
ends both workers together: the files with tests marked `slow` first (most slow tests
first), then the other end-to-end files (a server process each), then the fast tier's files
(milliseconds a test), which fill the gaps at the end.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["longest_files_first"]


def longest_files_first(items: list[pytest.Item]) -> None:
    """Reorder `items` (in place, in an xdist worker only; each file's tests keep their order)
    so that the files likely to take longest come first."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def weight(tests: list[pytest.Item]) -> tuple[int, int, int]:
        slow = sum(1 for item in tests if item.get_closest_marker("slow"))
        e2e = any(item.get_closest_marker("e2e") for item in tests)
        return (-slow, 0 if e2e else 1, -len(tests))

    ordered = sorted(files.values(), key=weight)  # stable: equal files keep their order
    items[:] = [item for tests in ordered for item in tests]
