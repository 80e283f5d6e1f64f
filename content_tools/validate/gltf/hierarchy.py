"""The node hierarchy (parent links after linking) analysed in linear time: nodes on loops,
each node's root and ancestor tests. A hostile file can
hold a 100 000-node chain or loops; nothing here walks a chain more than once."""

from __future__ import annotations

from collections.abc import Sequence

from content_tools.validate.gltf.objects import Node

__all__ = ["Hierarchy"]


class Hierarchy:
    def __init__(self, nodes: Sequence[Node | None]) -> None:
        self.in_loop: set[int] = set()
        self.root: dict[int, Node | None] = {}
        self._tin: dict[int, int] = {}
        self._tout: dict[int, int] = {}
        real = [n for n in nodes if n is not None]
        self._find_loops(real)
        self._find_roots(real)
        self._number(real)

    def _find_loops(self, nodes: list[Node]) -> None:
        state: dict[int, int] = {}  # 1: on the current walk, 2: done
        for start in nodes:
            if start.index in state:
                continue
            path: list[Node] = []
            cur: Node | None = start
            while cur is not None and cur.index not in state:
                state[cur.index] = 1
                path.append(cur)
                cur = cur.parent
            if cur is not None and state[cur.index] == 1:
                # `cur` is on this walk: the nodes from it to the walk's end form a loop.
                pos = next(i for i, n in enumerate(path) if n is cur)
                self.in_loop.update(n.index for n in path[pos:])
            for n in path:
                state[n.index] = 2

    def _find_roots(self, nodes: list[Node]) -> None:
        """Root of every node (None on or below a loop); a walk stops at the first node
        already known, so each link is seen once."""
        for start in nodes:
            if start.index in self.root:
                continue
            path: list[Node] = []
            cur: Node | None = start
            found: Node | None = None
            while cur is not None:
                if cur.index in self.root:
                    found = self.root[cur.index]
                    break
                if cur.index in self.in_loop:
                    found = None
                    break
                path.append(cur)
                if cur.parent is None:
                    found = cur
                    break
                cur = cur.parent
            for n in path:
                self.root[n.index] = found

    def _number(self, nodes: list[Node]) -> None:
        clock = 0
        for top in nodes:
            if top.parent is not None or self.root.get(top.index) is not top:
                continue
            stack: list[tuple[Node, int]] = [(top, 0)]
            self._tin[top.index] = clock
            clock += 1
            while stack:
                node, pos = stack[-1]
                if pos < len(node.children):
                    stack[-1] = (node, pos + 1)
                    child = node.children[pos]
                    if child.parent is node and child.index not in self._tin:
                        self._tin[child.index] = clock
                        clock += 1
                        stack.append((child, 0))
                else:
                    self._tout[node.index] = clock
                    clock += 1
                    stack.pop()

    def is_ancestor_or_self(self, ancestor: Node, node: Node) -> bool:
        a_in = self._tin.get(ancestor.index)
        n_in = self._tin.get(node.index)
        if a_in is None or n_in is None:
            return False
        return a_in <= n_in and self._tout[node.index] <= self._tout[ancestor.index]
