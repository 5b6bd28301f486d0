"""Awesome-list Markdown -> papers, read from CommonMark tokens (markdown-it-py).

The format (our first list, ``awesome-paper-list-synthetic-data.md``)::

    # List title
    ## Category heading
    [**2024 ICLR poster**] [**Title**](pdf-url), *Author One, Author Two* | [[github]](url) [[HOME PAGE]](url)
    [**2024 NeurIPS**] **Distill+Enviroment**：[**Title**](url), *Authors* | ...

An entry is a paragraph line that starts with a bold venue badge in brackets, or (the
other common style, e.g. in list items) a bold title link followed by italic authors and
a trailing venue and year: ``[**Title**](url) *A. One, B. Two.* NeurIPS 2023.``. Headings
of level 2 and deeper are categories (a deeper heading is narrower than the one above
it); a bold ``A+B`` label before the title names the categories of a hybrid entry.

Limits: links are whatever CommonMark makes of them (``javascript:`` and other unsafe
destinations are not links); a link that is empty or not absolute http(s) is reported
and skipped. The list's own mistakes (typos, years that disagree with a proceedings link)
are kept as written and reported as warnings, never silently fixed.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import inline as core_inline
from markdown_it.rules_core import text_join as core_text_join
from markdown_it.token import Token
from pydantic import ValidationError

from kg.errors import ParseError
from kg.ingest.files import read_input_text
from kg.ingest.links import arxiv_id_of, link_kind
from kg.ingest.venues import parse_badge, year_in_url
from kg.model import Category, Diagnostic, Link, Model, Paper, PaperList, SourceRef
from kg.runtime.workers import available_jobs, run_concurrently
from kg.text import clean_text, fold, slugify
from kg.urls import InvalidUrlError, normalise_url

__all__ = ["ListDocument", "parse_markdown", "read_markdown"]

T = TypeVar("T")
_MAX_BYTES = 50 * 1024 * 1024
_TRAILING_VENUE = re.compile(r"^[.,;:]?\s*(.*?)\s*\b((?:19|20)\d\d)\b\.?$")
_BROKEN_LINK = re.compile(r"\[+[^\[\]\n]*\]+\([^)\n]*\)?")


class ListDocument(Model):
    """What one list file yields: its papers and categories, and warnings about it."""

    list: PaperList
    papers: tuple[Paper, ...]
    categories: tuple[Category, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class _Item:
    """One inline element of a paragraph, flattened from the token stream."""

    kind: str  # text | strong | link | em | break
    text: str = ""
    href: str = ""
    bold: bool = False
    line: int = 0


@dataclass
class _Heading:
    level: int
    category: Category
    parent: str | None


@dataclass
class _State:
    source: str
    categories: dict[str, Category] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(source=SourceRef(file=self.source, line=line), message=message)
        )


def read_markdown(path: str | Path, *, jobs: int | None = None) -> ListDocument:
    """Read and parse one list file.

    Raises:
        IngestError: the file cannot be read or is not UTF-8 text.
        ParseError: an entry is malformed beyond what a warning can cover.
    """
    text = read_input_text(path, max_bytes=_MAX_BYTES)
    return parse_markdown(text, source=str(path), jobs=jobs)


def parse_markdown(text: str, *, source: str = "<string>", jobs: int | None = None) -> ListDocument:
    """Parse awesome-list Markdown into papers, categories and warnings.

    The document is split into blocks first; the paragraphs' inline parsing (most of the
    time: markdown-it-py is pure Python) is then shared among ``jobs`` processes for a
    large list (:mod:`kg.runtime.workers`), in contiguous runs of paragraphs whose results are
    put back in document order, so the output is the same with any number of jobs.

    Args:
        text: The Markdown document.
        source: A name for messages (usually the file path).
        jobs: Processes to use; ``None``: every CPU for a large list (``KG_JOBS`` caps it).

    Returns:
        The list's papers (in document order), its categories and its warnings.

    Raises:
        ParseError: an entry names a badge year that cannot be a year, and similar
            defects that no warning can cover.

    >>> doc = parse_markdown("# L\\n## Distillation\\n[**2023 ACL**] [**Self-Instruct**](https://aclanthology.org/2023.acl-long.754.pdf), *Yizhong Wang, Noah A. Smith*\\n")
    >>> [(p.title, p.venue, p.authors) for p in doc.papers]
    [('Self-Instruct', 'ACL', ('Yizhong Wang', 'Noah A. Smith'))]
    """
    md, tokens, env = _block_tokens(clean_text(text, collapse_space=False))
    _parse_inlines(
        md, env, [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    )
    heading_at = _headings(tokens)
    headings = list(heading_at.values())
    title = next((h.category.label for h in headings if h.level == 1), None)
    list_title = title or Path(source).stem or "Untitled list"
    paper_list = PaperList(key=slugify(list_title), title=list_title, file=source)
    categories = {h.category.key: h.category for h in headings if h.level >= 2}
    paragraphs: list[tuple[Token, Category | None]] = []
    current: list[_Heading] = []
    for index, token in enumerate(tokens):
        if (heading := heading_at.get(index)) is not None:
            current = [h for h in current if h.level < heading.level] + [heading]
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            category = current[-1].category if current and current[-1].level >= 2 else None
            paragraphs.append((token, category))
    if len(text) < PARALLEL_FROM_CHARS:
        jobs = 1
    chunks = _split(paragraphs, available_jobs(jobs))
    results = run_concurrently(
        [
            functools.partial(_read_paragraphs, md, env, chunk, categories, paper_list, source)
            for chunk in chunks
        ],
        jobs=jobs,
    )
    state = _State(source=source)
    papers: dict[str, Paper] = {}
    for event in itertools.chain.from_iterable(results):
        if isinstance(event, Diagnostic):
            state.diagnostics.append(event)
            continue
        paper = event
        if paper.key in papers:
            first = papers[paper.key]
            state.warn(
                paper.source.line,
                f"duplicate entry for {paper.title!r} (first at line {first.source.line}); merged",
            )
            papers[paper.key] = _merge(first, paper)
        else:
            papers[paper.key] = paper
    return ListDocument(
        list=paper_list,
        papers=tuple(papers.values()),
        categories=tuple(categories.values()),
        diagnostics=tuple(state.diagnostics),
    )


#: Lists shorter than this (characters) are parsed in one process: forking costs more.
PARALLEL_FROM_CHARS = 256 * 1024


_PARAGRAPHS_PER_BATCH = 512


def _block_tokens(text: str) -> tuple[MarkdownIt, list[Token], dict[str, Any]]:
    """CommonMark block tokens of ``text``, their inline tokens not parsed yet.

    ``md.parse`` minus its two inline core rules; :func:`_parse_inlines` runs those on any
    subset of the inline tokens, which together gives exactly ``md.parse``'s tokens.
    """
    md = MarkdownIt("commonmark").disable(["inline", "text_join"])
    env: dict[str, Any] = {}
    return md, md.parse(text, env), env


def _parse_inlines(md: MarkdownIt, env: dict[str, Any], tokens: list[Token]) -> None:
    """Run markdown-it's inline core rules (``inline``, ``text_join``) on these inline tokens."""
    state = StateCore("", md, env, tokens)
    core_inline(state)
    core_text_join(state)


def _split(paragraphs: list[T], parts: int) -> list[list[T]]:
    """Contiguous runs of about equal size (document order kept across runs)."""
    parts = max(1, min(parts, len(paragraphs)))
    size, extra = divmod(len(paragraphs), parts)
    runs, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        runs.append(paragraphs[start:end])
        start = end
    return runs


def _read_paragraphs(
    md: MarkdownIt,
    env: dict[str, Any],
    paragraphs: list[tuple[Token, Category | None]],
    categories: dict[str, Category],
    paper_list: PaperList,
    source: str,
) -> list[Paper | Diagnostic]:
    """Papers and warnings of a run of paragraphs, in the order a single pass makes them.

    Runs in a worker process for large lists: it returns values (pickled back), never
    changes shared state. Duplicates across runs are merged by the caller.
    """
    state = _State(source=source)
    events: list[Paper | Diagnostic] = []
    for index, (token, category) in enumerate(paragraphs):
        # Inline tokens a batch of paragraphs at a time, dropped once read: a 100,000-paper
        # list has millions of them, over a gigabyte if all were alive together.
        if index % _PARAGRAPHS_PER_BATCH == 0:
            batch = paragraphs[index : index + _PARAGRAPHS_PER_BATCH]
            _parse_inlines(md, env, [inline for inline, _ in batch])
        items = _items(token)
        token.children = None
        for entry in _entries(items, state):
            paper = _paper(entry, category, categories, paper_list, state)
            events.extend(state.diagnostics)
            state.diagnostics.clear()
            if paper is not None:
                events.append(paper)
        events.extend(state.diagnostics)
        state.diagnostics.clear()
    return events


def _inline_text(token: Token) -> str:
    return clean_text(
        "".join(c.content for c in token.children or () if c.type in {"text", "code_inline"})
    )


def _headings(tokens: Sequence[Token]) -> dict[int, _Heading]:
    """Every non-empty heading, by the index of its ``heading_open`` token."""
    found: dict[int, _Heading] = {}
    stack: list[_Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1:])
        label = _inline_text(tokens[index + 1])
        if not label:
            continue
        stack = [h for h in stack if h.level < level]
        parent = stack[-1].category.key if stack and stack[-1].level >= 2 else None
        heading = _Heading(level, Category(key=slugify(label), label=label, broader=parent), parent)
        stack.append(heading)
        found[index] = heading
    return found


def _items(token: Token) -> list[_Item]:
    """Flatten a paragraph's inline tokens into text, strong, em, link and break items."""
    base = (token.map[0] + 1) if token.map else 1
    items: list[_Item] = []
    line = base
    open_: list[_Item] = []
    bold_depth = 0
    for child in token.children or ():
        kind = child.type
        if kind in {"softbreak", "hardbreak"}:
            line += 1
            items.append(_Item("break", line=line))
        elif kind == "link_open":
            open_.append(_Item("link", href=str(child.attrs.get("href", "")), line=line))
        elif kind == "link_close" and open_:
            items.append(open_.pop())
        elif kind in {"strong_open", "em_open"}:
            if kind == "strong_open":
                bold_depth += 1
            if open_:
                open_[-1].bold = open_[-1].bold or kind == "strong_open"
            else:
                open_.append(_Item("strong" if kind == "strong_open" else "em", line=line))
        elif kind in {"strong_close", "em_close"}:
            if kind == "strong_close":
                bold_depth -= 1
            if open_ and open_[-1].kind in {"strong", "em"}:
                items.append(open_.pop())
        elif kind in {"text", "code_inline", "html_inline"}:
            target = open_[-1] if open_ else None
            if target is not None:
                target.text += child.content
            else:
                items.append(_Item("text", text=child.content, line=line))
    items.extend(open_)
    return items


def _entries(items: list[_Item], state: _State) -> Iterator[list[_Item]]:
    """Split a paragraph into entries: each starts with ``[`` + bold badge + ``]``."""
    entry: list[_Item] = []
    for index, item in enumerate(items):
        starts = (
            item.kind == "strong"
            and parse_badge(clean_text(item.text)) is not None
            and index > 0
            and items[index - 1].kind == "text"
            and items[index - 1].text.rstrip().endswith("[")
            and index + 1 < len(items)
            and items[index + 1].kind == "text"
            and items[index + 1].text.lstrip().startswith("]")
        )
        if starts:
            if entry:
                yield entry
            entry = [item]
        elif entry:
            entry.append(item)
    if entry:
        yield entry
    elif (trailing := _trailing_venue_entry(items)) is not None:
        if parse_badge(trailing[0].text) is None:
            title = next(i.text for i in trailing if i.kind == "link" and i.bold)
            state.warn(
                trailing[0].line,
                f"entry {clean_text(title)!r} gives no venue before its year; skipped",
            )
        else:
            yield trailing


def _trailing_venue_entry(items: list[_Item]) -> list[_Item] | None:
    """Read the other common style, ``[**Title**](url) *Authors.* Venue 2024.``, as an entry.

    The venue and year that trail the authors become the entry's badge, so the rest of
    the parser treats both styles alike.
    """
    title = next((i for i in items if i.kind == "link" and i.bold), None)
    if title is None:
        return None
    after = items[items.index(title) + 1 :]
    em = next((i for i in after if i.kind == "em"), None)
    if em is None:
        return None
    tail = "".join(i.text for i in after[after.index(em) + 1 :] if i.kind == "text")
    match = _TRAILING_VENUE.match(clean_text(tail))
    if match is None:
        return None
    venue, year = match.group(1).strip(), match.group(2)
    badge = _Item("strong", text=f"{year} {venue}".strip(), line=title.line)
    return [badge, *items]


def _category_for(part: str, categories: dict[str, Category]) -> tuple[Category | None, bool]:
    """Match one part of a hybrid label to a category; the flag says it was a fuzzy match."""
    wanted = re.sub(r"[^a-z0-9]", "", fold(part))
    if not wanted:
        return None, False
    by_norm = {re.sub(r"[^a-z0-9]", "", fold(c.label)): c for c in categories.values()}
    for norm, category in sorted(by_norm.items()):
        alts = [re.sub(r"[^a-z0-9]", "", fold(a)) for a in category.alt_labels]
        if wanted == norm or wanted in alts:
            return category, False
    for norm, category in sorted(by_norm.items()):
        if len(wanted) >= 4 and (norm.startswith(wanted) or wanted.startswith(norm)):
            return category, False
    first = fold(part).split()[0] if fold(part).split() else ""
    for category in sorted(categories.values(), key=lambda c: c.key):
        words = re.split(r"[^a-z0-9]+", fold(category.label))
        if first and words and words[0] == re.sub(r"[^a-z0-9]", "", first) and len(first) >= 4:
            return category, False
    close = difflib.get_close_matches(wanted, sorted(by_norm), n=1, cutoff=0.8)
    if close:
        return by_norm[close[0]], True
    return None, False


def _paper(
    entry: list[_Item],
    category: Category | None,
    categories: dict[str, Category],
    paper_list: PaperList,
    state: _State,
) -> Paper | None:
    badge_item = entry[0]
    line = badge_item.line
    badge = parse_badge(clean_text(badge_item.text))
    assert badge is not None  # _entries only starts an entry on a badge
    links = [i for i in entry if i.kind == "link"]
    title_link = next((i for i in links if i.bold), None)
    strongs = [i for i in entry[1:] if i.kind == "strong"]
    if title_link is not None:
        title = clean_text(title_link.text)
        before_title = [s for s in strongs if entry.index(s) < entry.index(title_link)]
    elif strongs:
        title = clean_text(strongs[-1].text)
        before_title = strongs[:-1]
    else:
        state.warn(line, f"entry with badge [{badge_item.text}] has no bold title; skipped")
        return None
    if not title:
        state.warn(line, "entry has an empty title; skipped")
        return None
    if badge.correction:
        state.warn(line, badge.correction)
    hybrid_label = clean_text(" ".join(s.text for s in before_title)) or None
    subjects = [category] if category is not None else []
    if category is None:
        state.warn(line, f"entry {title!r} stands under no category heading")
    for part in re.split(r"\s*\+\s*", hybrid_label or ""):
        if not part:
            continue
        matched, fuzzy = _category_for(part, categories)
        if matched is None:
            state.warn(line, f"hybrid label part {part!r} names no category of this list")
        else:
            if fuzzy:
                state.warn(
                    line, f"hybrid label part {part!r} read as category {matched.label!r} (typo?)"
                )
            subjects.append(matched)
    em = next(
        (
            i
            for i in entry
            if i.kind == "em" and (title_link is None or entry.index(i) > entry.index(title_link))
        ),
        None,
    )
    authors = _authors(em.text if em else "")
    if not authors:
        state.warn(line, f"entry {title!r} lists no authors")
    typed_links: list[Link] = []
    arxiv_ids: list[str] = []
    year_reported = False
    for item in links:
        label = clean_text(item.text).strip("[] ")
        if not item.href.strip():
            state.warn(item.line, f"empty link {label or '(no text)'!r}; skipped")
            continue
        try:
            url = normalise_url(item.href)
        except InvalidUrlError as err:
            state.warn(item.line, f"link {label!r} skipped: {err}")
            continue
        kind = link_kind(label, url, is_title=item is title_link)
        typed_links.append(Link(kind=kind, url=url, label=label))
        found = arxiv_id_of(url)
        if found and found not in arxiv_ids:
            arxiv_ids.append(found)
        filed = year_in_url(url)
        if filed is not None and filed != badge.year and not year_reported:
            state.warn(
                item.line, f"year {badge.year} disagrees with link filed under {filed}: {url}"
            )
            year_reported = True
    for item in entry:
        for broken in _BROKEN_LINK.findall(item.text) if item.kind == "text" else ():
            state.warn(
                item.line,
                f"{broken[:80]!r} looks like a link but is not one (unsafe or malformed destination); skipped",
            )
    if len(arxiv_ids) > 1:
        state.warn(line, f"links reveal several arXiv ids {arxiv_ids}; using {arxiv_ids[0]}")
    arxiv_id = arxiv_ids[0] if arxiv_ids else None
    unique_subjects = tuple(dict.fromkeys(c.label for c in subjects))
    fields: dict[str, Any] = {
        "key": arxiv_id or slugify(title),
        "title": title,
        "year": badge.year,
        "month": badge.month,
        "venue": badge.venue,
        "venue_as_written": badge.venue_as_written,
        "presentation": badge.presentation,
        "categories": unique_subjects,
        "hybrid_label": hybrid_label,
        "authors": authors,
        "links": tuple(typed_links),
        "arxiv_id": arxiv_id,
        "list_key": paper_list.key,
        "source": SourceRef(file=state.source, line=line),
    }
    try:
        return Paper(**fields)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ParseError(
            f"entry {title!r}: {where}: {first['msg']}", source=state.source, line=line
        ) from err


def _authors(text: str) -> tuple[str, ...]:
    """Split ``A, B and C`` into names, in order; ``et al.`` is dropped."""
    text = clean_text(text).rstrip(".")
    text = re.sub(r",?\s+et al\.?$", "", text)
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*", text)
    return tuple(p.strip() for p in parts if p.strip())


def _merge(first: Paper, second: Paper) -> Paper:
    """Fold a duplicate entry into the first: categories and links are united."""
    categories = tuple(dict.fromkeys(first.categories + second.categories))
    seen = {link.url for link in first.links}
    links = first.links + tuple(link for link in second.links if link.url not in seen)
    return first.model_copy(update={"categories": categories, "links": links})
