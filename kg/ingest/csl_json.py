"""CSL-JSON files (Zotero's "CSL JSON" export, pandoc's) -> papers, keyword categories, report.

An array of items: ``author`` as ``{family, given}`` or ``{literal}``, ``issued`` as
``{"date-parts": [[year, month]]}`` (or a ``raw``/``literal`` date), ``container-title``,
``DOI``, ``URL``, ``type``, ``keyword``, and Zotero's ``number: "arXiv:2308.03958"`` /
``publisher: "arXiv"`` for preprints. JSON parsers keep no positions, so each item is
decoded on its own with :meth:`json.JSONDecoder.raw_decode` from its opening brace, whose
line every message names.

Which items are papers: the CSL article and paper types (``article``,
``article-journal``, ``paper-conference``, ``chapter``, ``report``, ``thesis``,
``manuscript``, ``preprint``); ``webpage``/``post`` only with an arXiv id or a DOI; books,
software, datasets and the rest are skipped with the reason in the report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kg.errors import ParseError
from kg.ingest.files import read_input_text
from kg.ingest.markdown import ListDocument
from kg.ingest.ref_fields import ARXIV, arxiv_id_in, clean_doi, paper_venue, read_iso_date
from kg.model import (
    Category,
    Diagnostic,
    Link,
    LinkKind,
    ListReport,
    Paper,
    PaperList,
    Skip,
    SourceRef,
    YearSource,
)
from kg.text import clean_text, slugify
from kg.urls import InvalidUrlError, normalise_url

__all__ = ["parse_csl_json", "read_csl_json"]

_MAX_BYTES = 50 * 1024 * 1024
_PAPER_TYPES = frozenset(
    "article article-journal article-magazine article-newspaper paper-conference chapter "
    "report thesis manuscript preprint speech".split()
)
_NEEDS_EVIDENCE = frozenset({"webpage", "post", "post-weblog", "document"})
_ETAL = {"others", "et al", "et al."}


def read_csl_json(path: str | Path, *, jobs: int | None = None) -> ListDocument:
    """Read one CSL-JSON file (``jobs`` is accepted for the reader protocol; one process).

    Raises:
        IngestError: the file cannot be read or is not UTF-8 text.
        ParseError: the file is not a JSON array of objects (with file and line).
    """
    del jobs
    text = read_input_text(path, max_bytes=_MAX_BYTES)
    return parse_csl_json(text, source=str(path))


def _items(text: str, source: str) -> list[tuple[int, Any]]:
    """``(line, value)`` of every element of the top-level JSON array."""
    decoder = json.JSONDecoder()
    at = len(text) - len(text.lstrip())
    if not text[at : at + 1] == "[":
        raise ParseError(
            "not a CSL-JSON file: expected a JSON array of items", source=source, line=1
        )
    at += 1
    items: list[tuple[int, Any]] = []
    while True:
        at = _skip_space(text, at)
        if text[at : at + 1] == "]":
            return items
        line = text.count("\n", 0, at) + 1
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as err:
            raise ParseError(
                f"invalid JSON: {err.msg}", source=source, line=err.lineno, column=err.colno
            ) from err
        items.append((line, value))
        at = _skip_space(text, at)
        if text[at : at + 1] == ",":
            at += 1
        elif text[at : at + 1] != "]":
            where = text.count("\n", 0, at) + 1
            raise ParseError(
                "invalid JSON: expected ',' or ']' after an item", source=source, line=where
            )


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def parse_csl_json(text: str, *, source: str = "<string>") -> ListDocument:
    """Parse CSL-JSON text into papers, keyword categories, warnings and a report.

    >>> doc = parse_csl_json('[{"id": "w", "type": "paper-conference", "title": "Self-Instruct",'
    ...     ' "author": [{"family": "Wang", "given": "Yizhong"}, {"literal": "others"}],'
    ...     ' "issued": {"date-parts": [[2023, 7]]}, "container-title": "ACL"}]')
    >>> p = doc.papers[0]
    >>> p.title, p.authors, p.authors_truncated, p.venue, p.year, p.month
    ('Self-Instruct', ('Yizhong Wang',), True, 'ACL', 2023, 7)
    """
    items = _items(text, source)
    paper_list = PaperList(
        key=slugify(Path(source).stem or "csl-json"), title=Path(source).name, file=source
    )
    papers: list[Paper] = []
    skipped: list[Skip] = []
    diagnostics: list[Diagnostic] = []
    categories: dict[str, Category] = {}
    seen: dict[str, int] = {}
    for line, item in items:
        where = SourceRef(file=source, line=line)
        result = _paper(item, where, paper_list.key, categories, diagnostics)
        if isinstance(result, Skip):
            skipped.append(result)
        elif result.key in seen:
            skipped.append(
                Skip(
                    source=where,
                    reason=f"duplicate of line {seen[result.key]}",
                    text=result.title[:120],
                )
            )
        else:
            seen[result.key] = line
            papers.append(result)
    return ListDocument(
        list=paper_list,
        papers=tuple(papers),
        categories=tuple(sorted(categories.values(), key=lambda c: c.key)),
        diagnostics=tuple(diagnostics),
        report=ListReport(
            file=source, candidates=len(items), papers=len(papers), skipped=tuple(skipped)
        ),
    )


def _text(value: Any) -> str:
    return clean_text(str(value)) if isinstance(value, str | int | float) else ""


def _paper(
    item: Any,
    where: SourceRef,
    list_key: str,
    categories: dict[str, Category],
    diagnostics: list[Diagnostic],
) -> Paper | Skip:
    if not isinstance(item, dict):
        diagnostics.append(
            Diagnostic(source=where, message="CSL-JSON item is not an object; not read")
        )
        return Skip(source=where, reason="not a CSL-JSON item", text=str(item)[:120])
    kind = _text(item.get("type")).lower()
    title = _text(item.get("title"))
    label = title or _text(item.get("id")) or "(no title)"
    number = _text(item.get("number"))
    arxiv_id = None
    for candidate in (number, _text(item.get("DOI")), _text(item.get("URL"))):
        if candidate and ("arxiv" in candidate.lower()) and (found := arxiv_id_in(candidate)):
            arxiv_id = found
            break
    doi = clean_doi(_text(item.get("DOI"))) if item.get("DOI") else None
    if item.get("DOI") and doi is None:
        diagnostics.append(
            Diagnostic(source=where, message=f"DOI {item.get('DOI')!r} is not a DOI; ignored")
        )
    if kind not in _PAPER_TYPES and not (kind in _NEEDS_EVIDENCE and (arxiv_id or doi)):
        reason = f"not a paper: CSL type {kind!r}" if kind else "not a paper: no CSL type"
        return Skip(source=where, reason=reason, text=label[:120])
    if not title:
        diagnostics.append(Diagnostic(source=where, message="CSL-JSON item has no title; not read"))
        return Skip(source=where, reason="no title", text=label[:120])
    written = _text(item.get("container-title")) or None
    if written is None and _text(item.get("publisher")).lower() == "arxiv":
        written = ARXIV
    venue, as_written, venue_arxiv = paper_venue(written)
    arxiv_id = arxiv_id or venue_arxiv
    if venue is None and arxiv_id:
        venue = ARXIV
    year, month = _issued(item.get("issued"), where, diagnostics)
    year_source = YearSource.LIST if year is not None else None
    if year is None and arxiv_id:
        year, month, year_source = 2000 + int(arxiv_id[:2]), int(arxiv_id[2:4]), YearSource.ARXIV_ID
    authors, truncated = _authors(item.get("author"), where, diagnostics)
    labels = []
    for part in re.split(r"[,;]", _text(item.get("keyword"))):
        if part.strip() and slugify(part.strip()):
            key = slugify(part.strip())
            labels.append(categories.setdefault(key, Category(key=key, label=part.strip())).label)
    links: tuple[Link, ...] = ()
    if item.get("URL"):
        try:
            links = (Link(kind=LinkKind.PAPER_PAGE, url=normalise_url(_text(item["URL"]))),)
        except InvalidUrlError as err:
            diagnostics.append(Diagnostic(source=where, message=f"URL not kept: {err}"))
    try:
        return Paper(
            key=arxiv_id or slugify(title),
            title=title,
            year=year,
            month=month if year is not None else None,
            year_source=year_source,
            venue=venue,
            venue_as_written=as_written if venue else None,
            categories=tuple(dict.fromkeys(labels)),
            authors=authors,
            authors_truncated=truncated,
            links=links,
            arxiv_id=arxiv_id,
            doi=doi,
            list_key=list_key,
            source=where,
        )
    except ValidationError as err:
        first = err.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        diagnostics.append(
            Diagnostic(source=where, message=f"item {title!r} not read: {name}: {first['msg']}")
        )
        return Skip(source=where, reason=f"invalid {name}", text=title[:120])


def _issued(
    value: Any, where: SourceRef, diagnostics: list[Diagnostic]
) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    parts = value.get("date-parts") if isinstance(value, dict) else None
    try:
        if parts:
            first = [int(x) for x in parts[0]]
            year, month = first[0], (first[1] if len(first) > 1 and 1 <= first[1] <= 12 else None)
            if 1000 <= year <= 2100:
                return year, month
        elif isinstance(value, dict) and (
            dated := read_iso_date(_text(value.get("raw") or value.get("literal")))
        ):
            if 1000 <= dated[0] <= 2100:
                return dated
    except (TypeError, ValueError, IndexError):
        pass
    diagnostics.append(Diagnostic(source=where, message=f"issued {value!r} is not a date; ignored"))
    return None, None


def _authors(
    value: Any, where: SourceRef, diagnostics: list[Diagnostic]
) -> tuple[tuple[str, ...], bool]:
    if value is None:
        return (), False
    if not isinstance(value, list):
        diagnostics.append(Diagnostic(source=where, message="author is not a list; ignored"))
        return (), False
    names: list[str] = []
    truncated = False
    for person in value:
        if not isinstance(person, dict):
            diagnostics.append(
                Diagnostic(source=where, message=f"author {person!r} is not a name; ignored")
            )
            continue
        if person.get("literal"):
            name = _text(person["literal"])
        else:
            order = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
            name = clean_text(" ".join(_text(person.get(k)) for k in order if person.get(k)))
        if name.lower() in _ETAL:
            truncated = True
        elif name:
            names.append(name)
    return tuple(names), truncated
