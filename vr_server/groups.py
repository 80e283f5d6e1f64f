"""Groups kept as a dict of sets (the bus's subscribers by channel, the sockets of a revocation
key, the headsets a staff connection watches): a key stays only while its group has members."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def leave_group(groups: dict[K, set[V]], key: K, member: V) -> bool:
    """Take `member` out of the group of `key`, and `key` out once its group is empty; False
    when it was not a member."""
    members = groups.get(key)
    if members is None or member not in members:
        return False
    members.discard(member)
    if not members:
        del groups[key]
    return True
