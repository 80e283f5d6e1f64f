"""The packager's processing reports (dataclasses) as JSON-ready data."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["report_json"]


def report_json(report: DataclassInstance) -> dict[str, Any]:
    """`asdict(report)` with every tuple (an image's width and height) as a list."""
    return {name: _lists(value) for name, value in asdict(report).items()}


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value
