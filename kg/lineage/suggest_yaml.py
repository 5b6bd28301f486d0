"""Suggestions as ready-to-edit ``lineage.yaml`` entries (``kg lineage suggest --format yaml``).

The text loads as it is with the strict curation loader (it is tested so), but every
entry says what the curator must still do: pick the relation (a guess from the signals
is filled in), replace the evidence sentence, and delete the entries that do not hold.
References are ``arxiv:ID`` when the paper has one, else ``paper:KEY``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from kg.lineage.suggest import Suggestion
from kg.lineage.works import Work
from kg.model import KnowledgeBase, Relation

__all__ = ["EVIDENCE_PLACEHOLDER", "guess_relation", "to_lineage_yaml"]

#: The evidence text of a suggested entry, to be replaced by the curator.
EVIDENCE_PLACEHOLDER = "TODO: one sentence on how the newer work builds on the older one"


def guess_relation(suggestion: Suggestion) -> Relation:
    """The relation the signals point to: a survey surveys, a used method is applied, else extends.

    >>> from kg.lineage.suggest import Signal
    >>> from kg.lineage.works import Work
    >>> s = Suggestion(Work("paper:a", "paper", "A"), Work("paper:b", "paper", "B"), 1.0,
    ...                (Signal("survey", 1.0, "the newer paper is a survey"),))
    >>> guess_relation(s).value
    'surveys'
    """
    names = {signal.name for signal in suggestion.signals}
    if "survey" in names:
        return Relation.SURVEYS
    if "uses" in names:
        return Relation.APPLIES_METHOD_OF
    return Relation.EXTENDS


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ref(work: Work) -> str:
    return f"arxiv:{work.arxiv_id}" if work.arxiv_id else work.ref


def _source(work: Work, kb: KnowledgeBase) -> str:
    """Where the newer paper can be read: its arXiv page, else its first link."""
    if work.arxiv_id:
        return f"https://arxiv.org/abs/{work.arxiv_id}"
    key = work.ref.partition(":")[2]
    paper = next((p for p in kb.papers if p.key == key), None)
    if paper is not None and paper.links:
        return paper.links[0].url
    return "https://example.org/replace-with-the-evidence-link"


def to_lineage_yaml(suggestions: Sequence[Suggestion], kb: KnowledgeBase) -> str:
    """``lineage.yaml`` text with one commented entry per suggestion, best first."""
    relations = ", ".join(r.value for r in Relation)
    lines = [
        "# Suggested lineage (kg lineage suggest --format yaml): NOT curated yet.",
        "# For each entry: check it holds, choose the relation, replace the evidence text",
        "# with a sentence you can point to at the source link, and delete entries that do",
        "# not hold. Then add the entries to your curation folder's lineage.yaml.",
        f"# Relations: {relations} (docs/curating.md says when to use each).",
        "lineage:",
    ]
    if not suggestions:
        lines[-1] = "lineage: []  # no suggestions: every likely pair is curated already"
    for rank, s in enumerate(suggestions, 1):
        lines += [
            f"  # {rank}. score {s.score:.2f}: {_one_line(s.newer.describe())}",
            f"  #    builds on {_one_line(s.older.describe())}?",
            *(f"  #    - {_one_line(str(signal))}" for signal in s.signals),
            f"  - from: {_ref(s.newer)}",
            f"    to: {_ref(s.older)}",
            f"    relation: {guess_relation(s).value}  # a guess from the signals: check it",
            "    evidence:",
            f"      text: {json.dumps(EVIDENCE_PLACEHOLDER)}",
            f"      source: {json.dumps(_source(s.newer, kb))}",
        ]
    return "\n".join(lines) + "\n"
