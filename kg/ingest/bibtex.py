"""BibTeX and biblatex files -> papers, keyword categories, and a report of every entry.

What Zotero (Better BibLaTeX), JabRef, DBLP and Google Scholar export and what LaTeX
papers keep: bibtexparser 2 splits the file into blocks (with line numbers) and expands
``@string`` macros; pylatexenc turns LaTeX accents and braces into Unicode. Names are
split by BibTeX's own rules (``Last, First``, ``von``, ``Jr``) and shown ``First von Last
Jr``; ``and others`` marks a truncated author list.

Which entries are papers (the rest are skipped with a reason in the report, as the
Markdown reader does): ``article``, ``inproceedings``/``conference``, ``incollection``,
``inbook``, ``report``/``techreport``, theses, ``unpublished`` and ``preprint`` always;
``misc`` when it has an arXiv id, a DOI or a journal/booktitle; ``online`` when it has an
arXiv id or a DOI (a preprint, not a web page). Books, proceedings volumes, manuals,
software and datasets are not papers.

Never a crash on a bad entry: an entry the parser cannot read, a duplicate citation key,
an undefined macro, a year or DOI that is not one are warnings at ``file:line``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import Entry
from pydantic import ValidationError

from kg.errors import ParseError
from kg.ingest.files import read_input_text
from kg.ingest.latex import latex_to_text, latex_url
from kg.ingest.links import is_paper_url, link_kind
from kg.ingest.markdown import ListDocument
from kg.ingest.ref_fields import (
    ARXIV,
    arxiv_id_in,
    clean_doi,
    month_of,
    paper_venue,
    read_iso_date,
)
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
from kg.text import fold, slugify
from kg.urls import InvalidUrlError, normalise_url

__all__ = ["PAPER_TYPES", "parse_bibtex", "read_bibtex"]

_MAX_BYTES = 50 * 1024 * 1024
#: Entry types read as papers whatever fields they have.
PAPER_TYPES = frozenset(
    "article inproceedings conference incollection inbook report techreport thesis "
    "phdthesis mastersthesis unpublished preprint".split()
)
_NEEDS_EVIDENCE = {"misc": "misc entry", "online": "web page", "electronic": "web page"}
_NEEDS_EVIDENCE |= {"www": "web page", "webpage": "web page"}
_NOT_PAPERS = {
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "proceedings": "proceedings volume",
    "mvproceedings": "proceedings volume",
    "collection": "edited collection",
    "mvcollection": "edited collection",
    "manual": "manual",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "periodical": "periodical",
    "audio": "media",
    "video": "media",
    "image": "media",
    "music": "media",
}
_VENUE_FIELDS = ("journaltitle", "journal", "booktitle", "eventtitle")
_INSTITUTION_FIELDS = ("school", "institution")
_ETAL = {"others", "et al", "et al.", "and others"}
# The splitter logs each broken block; this reader reports it as a warning at file:line
# instead, so the library's log line must not reach stderr through logging's last resort.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def read_bibtex(path: str | Path, *, jobs: int | None = None) -> ListDocument:
    """Read one ``.bib`` file (``jobs`` is accepted for the reader protocol; one process).

    Raises:
        IngestError: the file cannot be read or is not UTF-8 text.
    """
    del jobs
    text = read_input_text(path, max_bytes=_MAX_BYTES)
    return parse_bibtex(text, source=str(path))


def parse_bibtex(text: str, *, source: str = "<string>") -> ListDocument:
    """Parse BibTeX/biblatex text into papers, keyword categories, warnings and a report.

    >>> doc = parse_bibtex('@string{acl = "ACL"}\\n@inproceedings{w,\\n title={Self-{I}nstruct},'
    ...     ' author={Wang, Yizhong and Smith, Noah A. and others},\\n booktitle=acl, year=2023}')
    >>> p = doc.papers[0]
    >>> p.title, p.authors, p.authors_truncated, p.venue, p.year, p.source.line
    ('Self-Instruct', ('Yizhong Wang', 'Noah A. Smith'), True, 'ACL', 2023, 2)
    """
    try:
        library = parse_string(text)
    except (ValueError, IndexError, KeyError, AttributeError) as err:  # pragma: no cover
        raise ParseError(f"not readable as BibTeX ({err})", source=source) from err
    stem = Path(source).name
    paper_list = PaperList(key=slugify(Path(source).stem or "bibtex"), title=stem, file=source)
    reader = _Reader(source=source, list_key=paper_list.key, library=library)
    for block in library.failed_blocks:
        reader.failed((block.start_line or 0) + 1, getattr(block, "error", None), block.raw or "")
    for entry in library.entries:
        reader.entry(entry)
    order = sorted(reader.events, key=lambda item: item[0])
    skipped = tuple(s for _, s in order if isinstance(s, Skip))
    papers = tuple(p for _, p in order if isinstance(p, Paper))
    report = ListReport(
        file=source,
        candidates=len(library.entries) + len(library.failed_blocks),
        papers=len(papers),
        skipped=skipped,
    )
    return ListDocument(
        list=paper_list,
        papers=papers,
        categories=tuple(sorted(reader.categories.values(), key=lambda c: c.key)),
        diagnostics=tuple(d for _, d in order if isinstance(d, Diagnostic)),
        report=report,
    )


class _Reader:
    """The state of one file's reading: events in file order, categories, keys seen."""

    def __init__(self, *, source: str, list_key: str, library: Library) -> None:
        self.source = source
        self.list_key = list_key
        self.strings = {k.lower(): v.value for k, v in library.strings_dict.items()}
        self.events: list[tuple[int, Diagnostic | Skip | Paper]] = []
        self.categories: dict[str, Category] = {}
        self.keys: dict[str, int] = {}

    def warn(self, line: int, message: str) -> None:
        self.events.append((line, Diagnostic(source=self.at(line), message=message)))

    def skip(self, line: int, reason: str, text: str) -> None:
        self.events.append((line, Skip(source=self.at(line), reason=reason, text=text[:120])))

    def at(self, line: int) -> SourceRef:
        return SourceRef(file=self.source, line=max(line, 1))

    def failed(self, line: int, error: Exception | None, raw: str) -> None:
        first = raw.strip().split("\n", 1)[0][:80]
        why = str(error).split("\n")[-1].strip() if error is not None else "cannot be parsed"
        self.warn(line, f"BibTeX entry not read: {why}")
        self.skip(line, "unreadable BibTeX entry", first)

    def entry(self, entry: Entry) -> None:
        line = (entry.start_line or 0) + 1
        kind = entry.entry_type.lower()
        fields = {key.lower(): self.value(field, line) for key, field in entry.fields_dict.items()}
        label = f"@{kind}{{{entry.key}}}"
        title = latex_to_text(fields.get("title", ""))
        if kind in _NOT_PAPERS:
            self.skip(line, f"not a paper: {_NOT_PAPERS[kind]}", title or label)
            return
        arxiv_id = self.arxiv_id(fields)
        doi = self.doi(fields, line)
        venue_raw = next((fields[k] for k in _VENUE_FIELDS if fields.get(k)), None)
        if kind in {"thesis", "phdthesis", "mastersthesis", "report", "techreport"}:
            venue_raw = venue_raw or next(
                (fields[k] for k in _INSTITUTION_FIELDS if fields.get(k)), None
            )
        howpublished = latex_url(fields.get("howpublished", ""))
        if kind == "misc" and not venue_raw and paper_venue(howpublished)[0] == ARXIV:
            venue_raw = howpublished  # an arXiv preprint without its id; "Fortune" is not
        if kind in _NEEDS_EVIDENCE:
            evidence = arxiv_id or doi or (venue_raw if kind == "misc" else None)
            if not evidence and not _arxiv_prefixed(fields):
                what = _NEEDS_EVIDENCE[kind]
                self.skip(
                    line, f"not a paper: {what} without arXiv id, DOI or venue", title or label
                )
                return
        elif kind not in PAPER_TYPES:
            self.skip(line, f"not a paper: unknown entry type @{kind}", title or label)
            return
        if not title:
            self.warn(line, f"{label} has no title; not read")
            self.skip(line, "no title", label)
            return
        self.paper(line, fields, title=title, arxiv_id=arxiv_id, doi=doi, venue_raw=venue_raw)

    def paper(
        self,
        line: int,
        fields: dict[str, str],
        *,
        title: str,
        arxiv_id: str | None,
        doi: str | None,
        venue_raw: str | None,
    ) -> None:
        venue, as_written, venue_arxiv = paper_venue(latex_to_text(venue_raw or "") or None)
        arxiv_id = arxiv_id or venue_arxiv
        if venue is None and (arxiv_id or _arxiv_prefixed(fields)):
            venue = ARXIV
        year, month, year_source = self.year(fields, line)
        if year is None and arxiv_id is not None:
            year, month, year_source = (
                2000 + int(arxiv_id[:2]),
                int(arxiv_id[2:4]),
                YearSource.ARXIV_ID,
            )
        authors, truncated = self.authors(fields.get("author", ""), line)
        key = arxiv_id or slugify(title)
        values: dict[str, Any] = {
            "key": key,
            "title": title,
            "year": year,
            "month": month if year is not None else None,
            "year_source": year_source if year is not None else None,
            "venue": venue,
            "venue_as_written": as_written if venue else None,
            "categories": self.keywords(fields.get("keywords", "")),
            "authors": authors,
            "authors_truncated": truncated,
            "links": self.links(fields, line),
            "arxiv_id": arxiv_id,
            "doi": doi,
            "list_key": self.list_key,
            "source": self.at(line),
        }
        if key in self.keys:
            self.skip(line, f"duplicate of line {self.keys[key]}", title)
            return
        try:
            paper = Paper(**values)
        except ValidationError as err:
            first = err.errors()[0]
            name = ".".join(str(p) for p in first["loc"])
            self.warn(line, f"entry {title!r} not read: {name}: {first['msg']}")
            self.skip(line, f"invalid {name}", title)
            return
        self.keys[key] = line
        self.events.append((line, paper))

    def value(self, field: Any, line: int) -> str:
        """A field's text: concatenations (``#``) joined, undefined macros warned about."""
        value = field.value
        if not isinstance(value, str):
            return str(value)
        if field.enclosing != "no-enclosing" or value.isdigit():
            return value
        parts = []
        for part in (p.strip() for p in value.split("#")):
            if part[:1] in {"{", '"'} and part[-1:] in {"}", '"'}:
                parts.append(part[1:-1])
            elif part.isdigit() or month_of(part) is not None:
                parts.append(part)
            elif part.lower() in self.strings:
                parts.append(self.strings[part.lower()])
            else:
                self.warn(
                    line + 0, f"{field.key} uses undefined @string macro {part!r}; kept as written"
                )
                parts.append(part)
        return "".join(parts)

    def arxiv_id(self, fields: dict[str, str]) -> str | None:
        eprint = fields.get("eprint", "")
        kind = fold(fields.get("eprinttype", "") or fields.get("archiveprefix", ""))
        if eprint and kind in {"", "arxiv"}:
            if (found := arxiv_id_in(eprint)) is not None:
                return found
        for name in ("doi", "url"):
            if fields.get(name) and (found := arxiv_id_in(latex_url(fields[name]))) is not None:
                if name == "doi" or "arxiv.org" in fields[name].lower():
                    return found
        return None

    def doi(self, fields: dict[str, str], line: int) -> str | None:
        raw = fields.get("doi", "").strip()
        if raw:
            doi = clean_doi(latex_url(raw))
            if doi is None:
                self.warn(line, f"doi {raw!r} is not a DOI; ignored")
            return doi
        url = latex_url(fields.get("url", ""))
        return clean_doi(url) if "doi.org/" in url.lower() else None

    def year(
        self, fields: dict[str, str], line: int
    ) -> tuple[int | None, int | None, YearSource | None]:
        month = month_of(fields["month"]) if fields.get("month") else None
        if fields.get("year"):
            found = _YEAR.search(fields["year"])
            if found is None or not 1000 <= int(found.group(1)) <= 2100:
                self.warn(line, f"year {fields['year']!r} is not a year; ignored")
            else:
                return int(found.group(1)), month, YearSource.LIST
        if fields.get("date"):
            dated = read_iso_date(fields["date"])
            if dated is None or not 1000 <= dated[0] <= 2100:
                self.warn(line, f"date {fields['date']!r} is not an ISO date; ignored")
            else:
                return dated[0], month or dated[1], YearSource.LIST
        return None, None, None

    def authors(self, raw: str, line: int) -> tuple[tuple[str, ...], bool]:
        names: list[str] = []
        truncated = False
        for written in split_multiple_persons_names(raw) if raw.strip() else []:
            if fold(written.strip()) in _ETAL:
                truncated = True
                continue
            try:
                parts = parse_single_name_into_parts(written, strict=True)
            except InvalidNameError as err:
                self.warn(line, f"author {written!r} kept as written: {err}")
                names.append(latex_to_text(written))
                continue
            ordered = [*parts.first, *parts.von, *parts.last, *parts.jr]
            name = latex_to_text(" ".join(ordered))
            if name:
                names.append(name)
        return tuple(names), truncated

    def keywords(self, raw: str) -> tuple[str, ...]:
        labels: list[str] = []
        for part in re.split(r"[,;]", latex_to_text(raw)):
            label = part.strip()
            if not label or not slugify(label):
                continue
            category = self.categories.setdefault(
                slugify(label), Category(key=slugify(label), label=label)
            )
            labels.append(category.label)
        return tuple(dict.fromkeys(labels))

    def links(self, fields: dict[str, str], line: int) -> tuple[Link, ...]:
        url = latex_url(fields.get("url", ""))
        if not url:
            return ()
        try:
            url = normalise_url(url)
        except InvalidUrlError as err:
            self.warn(line, f"url {url!r} not kept: {err}")
            return ()
        kind = link_kind("", url, is_title=True)
        if kind is LinkKind.HOMEPAGE and is_paper_url(url):
            kind = LinkKind.PAPER_PAGE
        return (Link(kind=kind, url=url),)


def _arxiv_prefixed(fields: dict[str, str]) -> bool:
    """Whether the entry says it is an arXiv preprint (``archivePrefix``/``eprinttype``)."""
    kind = fold(fields.get("eprinttype", "") or fields.get("archiveprefix", ""))
    return kind == "arxiv" and bool(fields.get("eprint"))
