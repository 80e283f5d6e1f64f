"""Message arguments printed as the reference (a Dart program compiled to JavaScript) prints
them: numbers as JavaScript does, lists of choices in Dart's short iterable form."""

from __future__ import annotations

import pytest

from content_tools.validate.gltf.context import fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.0, "2"),
        (0.5, "0.5"),
        (-1.0, "-1"),
        (100.0, "100"),
        (1e-7, "1e-7"),
        (1.0000000116860974e-07, "1.0000000116860974e-7"),
        (0.000001, "0.000001"),
        (1.2345678901234568e20, "123456789012345680000"),
        (1e21, "1e+21"),
        (1.4142135623730951, "1.4142135623730951"),
        (-0.0, "-0.0"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_numbers_print_as_javascript(value: float, text: str) -> None:
    assert fmt(value) == text


def test_short_lists_of_choices_print_whole() -> None:
    choices = (
        "{VEC2, FLOAT}",
        "{VEC2, UNSIGNED_BYTE normalized}",
        "{VEC2, UNSIGNED_SHORT normalized}",
    )
    assert fmt(choices) == (
        "('{VEC2, FLOAT}', '{VEC2, UNSIGNED_BYTE normalized}', '{VEC2, UNSIGNED_SHORT normalized}')"
    )


def test_long_lists_of_choices_elide_the_middle() -> None:
    colours = tuple(
        f"{{{t}, {c}}}"
        for t in ("VEC3", "VEC4")
        for c in ("FLOAT", "UNSIGNED_BYTE normalized", "UNSIGNED_SHORT normalized")
    )
    assert fmt(colours) == (
        "('{VEC3, FLOAT}', '{VEC3, UNSIGNED_BYTE normalized}', '{VEC3, UNSIGNED_SHORT normalized}'"
        ", ..., '{VEC4, UNSIGNED_BYTE normalized}', '{VEC4, UNSIGNED_SHORT normalized}')"
    )
    assert fmt(tuple(range(8))) == "(0, 1, 2, 3, 4, 5, 6, 7)"  # short items: all fit in 80
