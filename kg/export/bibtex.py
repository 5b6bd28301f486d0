"""``papers.bib``: every paper of a knowledge base as a BibTeX entry.

Deterministic (entries sorted by citation key, fields in a fixed order, no date of
export) and readable by BibTeX, biber, pybtex and pandoc: text fields are LaTeX-escaped
by pylatexenc (:func:`kg.ingest.latex.text_to_latex`), URLs and DOIs are written as
they are. The entry type follows the venue (:func:`kg.export.citations.entry_kind`):
an arXiv preprint is ``@misc`` with ``eprint``/``archivePrefix``, a conference paper
``@inproceedings`` with ``booktitle``, a journal article ``@article`` with ``journal``, a paper with no known venue
``@unpublished``.
Reading the file back with :mod:`kg.ingest.bibtex` gives the same papers.

networkx's readwrite style: :func:`to_bibtex` returns the text, :func:`write_bibtex`
writes it.
"""

from __future__ import annotations

from pathlib import Path

from kg.export.citations import Kind, citation_keys, entry_kind, paper_url
from kg.ingest.latex import text_to_latex
from kg.model import KnowledgeBase, Paper

__all__ = ["to_bibtex", "write_bibtex"]

_TYPES = {
    Kind.PREPRINT: "misc",
    Kind.CONFERENCE: "inproceedings",
    Kind.JOURNAL: "article",
    # A paper whose venue no input names. Not @misc: reference managers put blog posts
    # and news in @misc, so the reader takes a @misc for a paper only with evidence.
    Kind.OTHER: "unpublished",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _braced(value: str) -> str:
    """``{value}``, or a quoted string when its braces do not balance (a URL may hold one)."""
    if "{" not in value and "}" not in value:
        return "{" + value + "}"
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth == 0:
        return "{" + value + "}"
    return '"' + value.replace("{", "%7B").replace("}", "%7D").replace('"', "%22") + '"'


def _author(name: str) -> str:
    """One name for an ``author`` list; a name BibTeX would split or reorder is braced."""
    latex = text_to_latex(name)
    if " and " in f" {name} " or "," in name:
        return "{" + latex + "}"
    return latex


def _entry(paper: Paper, key: str, keywords: tuple[str, ...]) -> str:
    kind = entry_kind(paper)
    fields: list[tuple[str, str]] = [("title", "{" + _braced(text_to_latex(paper.title)) + "}")]
    names = [_author(name) for name in paper.authors]
    if paper.authors_truncated:
        names.append("others")
    if names:
        fields.append(("author", _braced(" and ".join(names))))
    if paper.venue is not None and kind is Kind.CONFERENCE:
        fields.append(("booktitle", _braced(text_to_latex(paper.venue))))
    elif paper.venue is not None and kind is Kind.JOURNAL:
        fields.append(("journal", _braced(text_to_latex(paper.venue))))
    elif kind is Kind.PREPRINT and not paper.arxiv_id:
        fields.append(("howpublished", "{arXiv}"))
    if paper.year is not None:
        fields.append(("year", str(paper.year)))
        if paper.month is not None:
            fields.append(("month", _MONTHS[paper.month - 1]))
    if paper.doi:
        fields.append(("doi", _braced(paper.doi)))
    if paper.arxiv_id:
        fields.append(("eprint", _braced(paper.arxiv_id)))
        fields.append(("archivePrefix", "{arXiv}"))
    url = paper_url(paper)
    if url is None and paper.arxiv_id:
        url = f"https://arxiv.org/abs/{paper.arxiv_id}"
    if url is not None:
        fields.append(("url", _braced(url)))
    if keywords:
        fields.append(("keywords", _braced(text_to_latex(", ".join(keywords)))))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{_TYPES[kind]}{{{key},\n{body}\n}}\n"


def to_bibtex(kb: KnowledgeBase) -> str:
    """The ``.bib`` text of every paper of ``kb``, sorted by citation key.

    >>> from kg.model import SourceRef
    >>> paper = Paper(key="2212.10560", title="Self-Instruct: Q&A", year=2022, month=12,
    ...     venue="arXiv", authors=("Yizhong Wang",), arxiv_id="2212.10560", list_key="l",
    ...     source=SourceRef(file="l.md", line=3))
    >>> print(to_bibtex(KnowledgeBase(papers=(paper,))), end="")
    @misc{wang2022self,
      title = {{Self-Instruct: Q{\\&}A}},
      author = {Yizhong Wang},
      year = 2022,
      month = dec,
      eprint = {2212.10560},
      archivePrefix = {arXiv},
      url = {https://arxiv.org/abs/2212.10560}
    }
    """
    keys = citation_keys(kb.papers)
    entries = sorted(
        (keys[paper.key], _entry(paper, keys[paper.key], paper.categories)) for paper in kb.papers
    )
    return "\n".join(text for _, text in entries)


def write_bibtex(kb: KnowledgeBase, path: str | Path) -> None:
    """Write :func:`to_bibtex` of ``kb`` to ``path`` (UTF-8)."""
    Path(path).write_text(to_bibtex(kb), encoding="utf-8")
