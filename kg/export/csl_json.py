"""``papers.csl.json``: every paper of a knowledge base as a CSL-JSON item.

CSL-JSON is what Zotero, Mendeley, pandoc (``--citeproc``) and citeproc-js/-py read.
Items are sorted by ``id`` (the citation key of :mod:`kg.export.citations`, the same as
in ``papers.bib``), keys sorted, no export date: the same papers give the same bytes.
An arXiv preprint is written as Zotero writes one: type ``article``, publisher
``arXiv``, number ``arXiv:<id>``; a conference paper is ``paper-conference``, a journal
article ``article-journal``, with the venue as ``container-title``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.export.citations import Kind, citation_keys, entry_kind, name_parts, paper_url
from kg.export.json_text import dumps_indented
from kg.model import KnowledgeBase, Paper

__all__ = ["to_csl_json", "to_csl_items", "write_csl_json"]

_TYPES = {
    Kind.PREPRINT: "article",
    Kind.CONFERENCE: "paper-conference",
    Kind.JOURNAL: "article-journal",
    Kind.OTHER: "article",
}


def _item(paper: Paper, key: str) -> dict[str, Any]:
    kind = entry_kind(paper)
    item: dict[str, Any] = {"id": key, "type": _TYPES[kind], "title": paper.title}
    names = [name_parts(name) for name in paper.authors]
    if paper.authors_truncated:
        names.append({"literal": "others"})
    if names:
        item["author"] = names
    if paper.year is not None:
        item["issued"] = {"date-parts": [[paper.year, *((paper.month,) if paper.month else ())]]}
    if kind is Kind.PREPRINT:
        item["publisher"] = "arXiv"
    elif paper.venue is not None:
        item["container-title"] = paper.venue
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"
    if paper.doi:
        item["DOI"] = paper.doi
    url = paper_url(paper) or (
        f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None
    )
    if url is not None:
        item["URL"] = url
    if paper.categories:
        item["keyword"] = ", ".join(paper.categories)
    return item


def to_csl_items(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The CSL-JSON items of every paper of ``kb``, sorted by id."""
    keys = citation_keys(kb.papers)
    return sorted((_item(paper, keys[paper.key]) for paper in kb.papers), key=lambda i: i["id"])


def to_csl_json(kb: KnowledgeBase) -> str:
    """The CSL-JSON text (an array of items) of every paper of ``kb``.

    >>> from kg.model import SourceRef
    >>> paper = Paper(key="p", title="Common Spatial Pattern", year=2010, venue="MMSP Workshop",
    ...     authors=("Alexandre Barachant", "Marco Congedo"), doi="10.1109/MMSP.2010.5662067",
    ...     list_key="l", source=SourceRef(file="l.bib", line=3))
    >>> import json
    >>> item = json.loads(to_csl_json(KnowledgeBase(papers=(paper,))))[0]
    >>> item["id"], item["type"], item["author"][1], item["issued"]
    ('barachant2010common', 'paper-conference', {'family': 'Congedo', 'given': 'Marco'}, {'date-parts': [[2010]]})
    """
    return dumps_indented(to_csl_items(kb), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_csl_json(kb: KnowledgeBase, path: str | Path) -> None:
    """Write :func:`to_csl_json` of ``kb`` to ``path`` (UTF-8)."""
    Path(path).write_text(to_csl_json(kb), encoding="utf-8")
