"""Groups kept as a dict of sets (vr_server/groups.py)."""

from __future__ import annotations

from vr_server.groups import leave_group


def test_a_key_goes_with_its_last_member() -> None:
    groups = {"a": {1, 2}, "b": {3}}
    assert leave_group(groups, "a", 1)
    assert groups == {"a": {2}, "b": {3}}
    assert leave_group(groups, "a", 2)
    assert groups == {"b": {3}}


def test_leaving_a_group_one_is_not_in_changes_nothing() -> None:
    groups = {"b": {3}}
    assert not leave_group(groups, "b", 4)
    assert not leave_group(groups, "c", 3)
    assert groups == {"b": {3}}
