"""``papers.yaml``: curated paper identity (which entries are one paper, which never are).

``same_as:`` is a list of groups, each ``papers:`` (two or more references) and an
optional ``note``; ``distinct:`` a list of pairs. References are ``arxiv:ID``,
``doi:10.x/y``, ``paper:KEY`` (a key as a reader made it, see ``kg stats --papers``) or
``paper:KEY@LIST`` (that key in the list LIST only). The rules are applied by
:func:`kg.ingest.paper_identity.merge_papers`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from kg.curation.strict_yaml import load_yaml, validate
from kg.ingest.paper_identity import PaperRules
from kg.model import CleanStr, Model, SourceRef

__all__ = ["paper_rules"]

PaperRef = Annotated[
    str,
    Field(
        strict=True,
        pattern=r"^(arxiv:\d{4}\.\d{4,5}|doi:10\.\d{4,9}/\S+|paper:[a-z0-9][a-z0-9.\-]*(@[a-z0-9][a-z0-9.\-]*)?)$",
    ),
]


class _SameAs(Model):
    papers: list[PaperRef] = Field(min_length=2)
    note: CleanStr | None = None


class _PapersFile(Model):
    same_as: list[_SameAs] = []
    distinct: list[tuple[PaperRef, PaperRef]] = []


def paper_rules(folder: Path) -> PaperRules:
    """``papers.yaml`` of ``folder``: curated same_as groups and distinct pairs, with their lines."""
    path = folder / "papers.yaml"
    if not path.is_file():
        return PaperRules()
    data, lines = load_yaml(path)
    parsed = validate(_PapersFile, data, lines, source=path)

    def where(*key: str | int) -> SourceRef:
        return SourceRef(file=str(path), line=lines.get(key, 1))

    return PaperRules(
        same_as=tuple(
            (tuple(group.papers), where("same_as", i)) for i, group in enumerate(parsed.same_as)
        ),
        distinct=tuple((a, b, where("distinct", i)) for i, (a, b) in enumerate(parsed.distinct)),
    )
