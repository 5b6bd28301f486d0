"""Research groups: communities of the weighted co-authorship graph, found deterministically.

Weighted label propagation, run over nodes in a fixed order with ties broken by the
smallest label, so the same graph always gives the same groups whatever the Python hash
seed. It is linear per round and needs no numpy; the people who write papers together
end up in one group, and a giant connected component still splits into its clusters.

Why not networkx's community algorithms: measured on the co-authorship graphs of
``data/`` (179 people) and of the 10,000-paper benchmark (2,000 people),
``louvain_communities(seed=0)`` and ``greedy_modularity_communities`` find groups of
slightly higher modularity (0.604 and 0.600 against 0.596; 0.889 against 0.875) but
different ones, so every co-authorship view would change, for a gain too small to see;
Louvain took 5 times as long (0.10 s against 0.02 s at 2,000 people) and greedy
modularity 25 times. Louvain's output also rests on the iteration order of the sets it
aggregates, which a fixed ``seed`` does not pin down; this loop's order is explicit.
``asyn_lpa_communities`` is this algorithm with random order and ties.
"""

from __future__ import annotations

from collections import defaultdict

__all__ = ["label_propagation"]


def label_propagation(
    nodes: list[str], weights: dict[tuple[str, str], int], *, rounds: int = 30
) -> list[list[str]]:
    """Split ``nodes`` into communities.

    Args:
        nodes: Every node, in a fixed (sorted) order.
        weights: Undirected edge weights, keyed ``(a, b)`` with ``a < b``.
        rounds: Upper bound on the number of passes.

    Returns:
        The communities, each sorted, largest first (ties: by first member).

    >>> label_propagation(["a", "b", "c", "d"], {("a", "b"): 2, ("c", "d"): 1})
    [['a', 'b'], ['c', 'd']]
    """
    adjacency: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (a, b), w in sorted(weights.items()):
        adjacency[a].append((b, w))
        adjacency[b].append((a, w))
    label = {node: node for node in nodes}
    for _ in range(rounds):
        changed = False
        for node in nodes:
            score: dict[str, int] = defaultdict(int)
            for other, w in adjacency.get(node, []):
                score[label[other]] += w
            if not score:
                continue
            best = max(score.values())
            choice = min(lab for lab, s in score.items() if s == best)
            if label[node] in score and score[label[node]] == best:
                choice = label[node]
            if choice != label[node]:
                label[node] = choice
                changed = True
        if not changed:
            break
    members: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        members[label[node]].append(node)
    return sorted((sorted(m) for m in members.values()), key=lambda m: (-len(m), m[0]))
