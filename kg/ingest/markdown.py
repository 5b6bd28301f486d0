"""Paper lists in Markdown -> papers, categories, and a report of every entry's fate.

Any awesome list, not one style: entries are found in the CommonMark token tree
(:mod:`kg.ingest.md_blocks`: list items with their paragraphs and sub-items, paragraphs,
GFM table rows, HTML table rows), turned into styled pieces (:mod:`kg.ingest.inline`),
and their fields recognised from cues that generalise (:mod:`kg.ingest.entry_fields`).
Headings give categories, year sections and navigation (:mod:`kg.ingest.sections`).

Never silent: every candidate is read as a paper or skipped with a stated reason, and
the list's :class:`~kg.model.ListReport` counts both. A list's own mistakes (an empty
link, a year that disagrees with a proceedings link, a typo in a hybrid label) are kept
as written and reported as warnings.

Large lists are read by several processes (:mod:`kg.runtime.workers`): block parsing
happens once, then contiguous runs of candidates are inline-parsed and read apart, and
their results joined in document order, so the output is the same with any number of jobs.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import inline as core_inline
from markdown_it.rules_core import text_join as core_text_join

from kg.ingest.entries import (
    EntryContext,
    attach_links,
    join_split_items,
    may_attach,
    may_continue,
    read_candidate,
)
from kg.ingest.files import read_input_text
from kg.ingest.link_normal import fast_normalizer
from kg.ingest.md_blocks import collect
from kg.ingest.pieces import Candidate
from kg.ingest.sections import keep_used, read_sections
from kg.model import (
    Category,
    Diagnostic,
    ListReport,
    Model,
    Paper,
    PaperList,
    Skip,
    SourceRef,
    evolve,
)
from kg.runtime.workers import available_jobs, run_concurrently
from kg.text import clean_text, slugify

__all__ = ["ListDocument", "parse_markdown", "read_markdown"]

T = TypeVar("T")
_MAX_BYTES = 50 * 1024 * 1024
#: Lists shorter than this (characters) are parsed in one process: forking costs more.
PARALLEL_FROM_CHARS = 256 * 1024
#: Block nesting markdown-it follows (its default, 20, stops at ten levels of list).
MAX_NESTING = 120
_CANDIDATES_PER_BATCH = 512
_LEAF_BLOCKS = {"inline", "fence", "code_block", "html_block", "hr"}
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")


class ListDocument(Model):
    """What one list file yields: papers, categories, warnings, and how it was read."""

    list: PaperList
    papers: tuple[Paper, ...]
    categories: tuple[Category, ...]
    diagnostics: tuple[Diagnostic, ...]
    report: ListReport


def read_markdown(path: str | Path, *, jobs: int | None = None) -> ListDocument:
    """Read and parse one list file.

    Raises:
        IngestError: the file cannot be read or is not UTF-8 text.
    """
    text = read_input_text(path, max_bytes=_MAX_BYTES)
    return parse_markdown(text, source=str(path), jobs=jobs)


def parse_markdown(text: str, *, source: str = "<string>", jobs: int | None = None) -> ListDocument:
    """Parse a Markdown paper list into papers, categories, warnings and a report.

    Args:
        text: The Markdown document.
        source: A name for messages (usually the file path).
        jobs: Processes to use; ``None``: every CPU for a large list (``KG_JOBS`` caps it).

    >>> doc = parse_markdown("# L\\n## Distillation\\n- [Self-Instruct: Aligning LMs](https://aclanthology.org/2023.acl-long.754.pdf) - Yizhong Wang, Noah A. Smith. ACL 2023.\\n")
    >>> [(p.title, p.venue, p.year, p.authors) for p in doc.papers]
    [('Self-Instruct: Aligning LMs', 'ACL', 2023, ('Yizhong Wang', 'Noah A. Smith'))]
    >>> doc.report.candidates, doc.report.papers
    (1, 1)
    """
    text = clean_text(text, collapse_space=False)
    md, tokens, env = _block_tokens(text)
    lines = text.split("\n")
    candidates, headings = collect(tokens, lines)
    _parse_inlines(md, env, [h.inline for h in headings])
    title, sections = read_sections(headings)
    list_title = title or Path(source).stem or "Untitled list"
    paper_list = PaperList(key=slugify(list_title), title=list_title, file=source)
    diagnostics = _nesting_warning(tokens, lines, source)
    context = EntryContext(
        source=source,
        list_key=paper_list.key,
        sections=sections,
        categories={s.category.key: s.category for s in sections if s.category is not None},
    )
    if len(text) < PARALLEL_FROM_CHARS:
        jobs = 1
    chunks = _split(candidates, available_jobs(jobs))
    results = run_concurrently(
        [functools.partial(_read_chunk, md, env, chunk, context) for chunk in chunks], jobs=jobs
    )
    return _assemble(itertools.chain.from_iterable(results), paper_list, sections, diagnostics)


def _assemble(
    events: Iterator[Paper | Skip | Diagnostic | int],
    paper_list: PaperList,
    sections: list[Any],
    diagnostics: list[Diagnostic],
) -> ListDocument:
    """Join the events of every run: duplicates merged (and reported), counts kept."""
    papers: dict[str, Paper] = {}
    skipped: list[Skip] = []
    candidates = 0
    for event in events:
        if isinstance(event, int):
            candidates += event
        elif isinstance(event, Diagnostic):
            diagnostics.append(event)
        elif isinstance(event, Skip):
            skipped.append(event)
        elif event.key in papers:
            first = papers[event.key]
            skipped.append(
                Skip(
                    source=event.source,
                    reason=f"duplicate of line {first.source.line}",
                    text=event.title[:120],
                )
            )
            papers[event.key] = _merge(first, event)
        else:
            papers[event.key] = event
    used = {label for p in papers.values() for label in p.categories}
    categories = keep_used(
        sections, {s.category.key for s in sections if s.category and s.category.label in used}
    )
    report = ListReport(
        file=paper_list.file, candidates=candidates, papers=len(papers), skipped=tuple(skipped)
    )
    return ListDocument(
        list=paper_list,
        papers=tuple(papers.values()),
        categories=tuple(categories),
        diagnostics=tuple(diagnostics),
        report=report,
    )


def _block_tokens(text: str) -> tuple[MarkdownIt, list[Any], dict[str, Any]]:
    """CommonMark (+ GFM tables) block tokens of ``text``, their inline tokens not parsed yet.

    ``md.parse`` minus its two inline core rules; :func:`_parse_inlines` runs those on any
    subset of the inline tokens, which together gives exactly ``md.parse``'s tokens.
    """
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    md.disable(["inline", "text_join"])
    md.normalizeLink = fast_normalizer(md.normalizeLink)  # type: ignore[method-assign,assignment]
    env: dict[str, Any] = {}
    return md, md.parse(text, env), env


def _parse_inlines(md: MarkdownIt, env: dict[str, Any], tokens: list[Any]) -> None:
    """Run markdown-it's inline core rules (``inline``, ``text_join``) on these inline tokens."""
    state = StateCore("", md, env, tokens)
    core_inline(state)
    core_text_join(state)


def _nesting_warning(tokens: list[Any], lines: list[str], source: str) -> list[Diagnostic]:
    """A warning when markdown-it left text unread (blocks nested deeper than it follows).

    At its nesting limit markdown-it skips the rest of the innermost block without a
    word. Every non-blank line should lie in some leaf block (an inline run, code, HTML,
    a rule, a table); the first one that does not is where reading stopped.
    """
    covered = bytearray(len(lines) + 1)
    for token in tokens:
        if token.map and (token.type in _LEAF_BLOCKS or token.type.startswith("table")):
            covered[token.map[0] : token.map[1]] = b"\x01" * (token.map[1] - token.map[0])
    unread = [
        i
        for i, line in enumerate(lines)
        if not covered[i] and line.strip(" >\t-*+|:0123456789.)") and not _REFERENCE.match(line)
    ]
    if not unread:
        return []
    message = (
        f"reading stopped here: the Markdown nests blocks deeper than {MAX_NESTING} levels; "
        f"{len(unread)} non-empty lines were not read"
    )
    return [Diagnostic(source=SourceRef(file=source, line=unread[0] + 1), message=message)]


def _split(items: list[T], parts: int) -> list[list[T]]:
    """Contiguous runs of about equal size (document order kept across runs)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def _inlines(candidate: Candidate) -> Iterator[Any]:
    """The inline tokens of a candidate to parse (a heading's are parsed with the headings)."""
    if candidate.kind == "heading":
        return
    for block in candidate.blocks:
        if block.inline is not None:
            yield block.inline
    for child in candidate.children:
        yield from _inlines(child)


def _read_chunk(
    md: MarkdownIt, env: dict[str, Any], chunk: list[Candidate], context: EntryContext
) -> list[Paper | Skip | Diagnostic | int]:
    """Events of a run of candidates, in document order (runs in a worker for large lists).

    Inline tokens are parsed a batch of candidates at a time and dropped once read: a
    100,000-paper list has millions of them, over a gigabyte if all were alive together.
    """
    events: list[Paper | Skip | Diagnostic | int] = []
    parsed = 0
    index = 0
    while index < len(chunk):
        if index >= parsed:
            batch = chunk[index : index + _CANDIDATES_PER_BATCH]
            _parse_inlines(md, env, [t for c in batch for t in _inlines(c)])
            parsed = index + len(batch)
        candidate = chunk[index]
        read = read_candidate(candidate, context)
        following = chunk[index + 1] if index + 1 < len(chunk) else None
        joined = None
        if following is not None and (
            may_attach(candidate, following, read) or may_continue(candidate, following, read)
        ):
            if index + 1 >= parsed:  # parsed once: a second parse would double its pieces
                _parse_inlines(md, env, list(_inlines(following)))
                parsed = index + 2
            joined = _read_together(candidate, following, read, context)
        if joined is not None and following is not None:
            events.extend(joined)
            _drop(candidate)
            _drop(following)
            index += 2
            continue
        events.extend(read)
        _drop(candidate)
        index += 1
    return events


def _read_together(
    first: Candidate,
    second: Candidate,
    read: list[Paper | Skip | Diagnostic | int],
    context: EntryContext,
) -> list[Paper | Skip | Diagnostic | int] | None:
    """Two candidates read as one entry, or ``None`` when they are not one.

    ``**Title**. ICML19.`` then a paragraph of its links (or a heading entry and the line
    under it); ``* **Title** <br>`` then ``* Authors <br> Venue [Paper]``.
    """
    if may_attach(first, second, read):
        paper = read[1]
        assert isinstance(paper, Paper)
        return attach_links(first, second, context, title=paper.title)
    return join_split_items(first, second, context)


def _drop(candidate: Candidate) -> None:
    candidate.blocks = []
    candidate.made = None
    for child in candidate.children:
        _drop(child)


def _merge(first: Paper, second: Paper) -> Paper:
    """Fold a duplicate entry into the first: categories and links are united."""
    categories = tuple(dict.fromkeys(first.categories + second.categories))
    seen = {link.url for link in first.links}
    links = first.links + tuple(link for link in second.links if link.url not in seen)
    return evolve(first, categories=categories, links=links)
