"""How deep a composed YAML tree nests, walked without recursion.

Curated files nest a few levels; a file that nests hundreds is a mistake or an attack on
recursive code. The walk keeps its own stack, counts keys as nesting (as the composer
does), and enters a node met twice (an alias) only once, so a node that contains itself
ends.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

__all__ = ["too_deep"]


def too_deep(root: Node | None, limit: int) -> Any:
    """The mark of the first collection nested more than ``limit`` deep, or None.

    Keys count as nesting too, as they do for the composer. A node met twice (an alias)
    is not entered again, so a node that contains itself ends.
    """
    stack = [(root, 1)] if root is not None else []
    entered: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ScalarNode) or id(node) in entered:
            continue
        if depth > limit:
            return node.start_mark
        entered.add(id(node))
        children = (
            [part for pair in node.value for part in pair]
            if isinstance(node, MappingNode)
            else node.value
        )
        stack.extend((child, depth + 1) for child in reversed(children))
    return None
