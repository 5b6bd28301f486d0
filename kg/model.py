"""The validated data of a knowledge base: pydantic models and dataclasses, no I/O, no RDF.

Parsers and the curation loader validate at the boundary and produce these; everything
downstream (identity resolution, RDF, views) trusts them. Every model is frozen and
forbids unknown fields, so a typo in curated data is an error, not a silent default.
What a large build holds by the hundred thousand (papers, listings, authorships...) is a
validated slots dataclass rather than a model, for memory; :func:`evolve` changes one.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass

from kg.text import clean_text
from kg.urls import normalise_url

__all__ = [
    "Authorship",
    "Category",
    "CleanStr",
    "Contribution",
    "ContributionKind",
    "Diagnostic",
    "Evidence",
    "KnowledgeBase",
    "LineageEdge",
    "Link",
    "LinkKind",
    "ListReport",
    "Listing",
    "Model",
    "Paper",
    "PaperList",
    "PaperMerge",
    "Person",
    "Relation",
    "Skip",
    "SourceRef",
    "WorkRef",
    "YearSource",
    "evolve",
]

R = TypeVar("R")

CleanStr = Annotated[str, AfterValidator(clean_text)]
NonEmptyStr = Annotated[CleanStr, Field(min_length=1)]
HttpUrl = Annotated[str, AfterValidator(normalise_url)]
Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", max_length=200)]


class Model(BaseModel):
    """Base of every model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __reduce__(self) -> tuple[Any, ...]:
        # Parsed models come back from worker processes pickled (kg.runtime.workers). pydantic's
        # own pickling goes through __getstate__/__setstate__ with four attributes per
        # object, about 20x slower than this; a validated model needs no new validation.
        return _unpickle, (type(self), self.__dict__, self.__pydantic_fields_set__)


def _unpickle(cls: type[Model], values: dict[str, Any], fields_set: set[str]) -> Model:
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class SourceRef:
    """Where a record came from, for messages that name file and line.

    A validated slots dataclass, as the other values a large build holds by the hundred
    thousand (:class:`Link`, :class:`Person`, :class:`Authorship`): no ``__dict__`` and no
    fields set per object (72 bytes for an :class:`Authorship` against 490 as a model).
    """

    file: str
    line: int = Field(ge=1)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Diagnostic(Model):
    """A warning about the input: kept as written, reported, never silently fixed."""

    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.source}: warning: {self.message}"


class LinkKind(StrEnum):
    """What a link points at; each kind is its own RDF property."""

    PDF = "pdf"
    CODE = "code"
    HOMEPAGE = "homepage"
    DATASET = "dataset"
    MODEL = "model"
    PAPER_PAGE = "paper-page"
    VIDEO = "video"
    BLOG = "blog"


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Link:
    """A typed, validated http(s) link of a paper (a slots dataclass, as :class:`SourceRef`)."""

    kind: LinkKind
    url: HttpUrl
    label: CleanStr = ""


class YearSource(StrEnum):
    """Where a paper's year comes from: the list itself, or its new-style arXiv id."""

    LIST = "list"
    ARXIV_ID = "arxiv-id"


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Listing:
    """One paper's entry in one input (a list, a .bib or CSL file), as that input wrote it.

    A paper several inputs name has one listing per input: membership, categories and the
    year, venue and authors each input gives stay visible after the paper nodes merge.
    A slots dataclass, as :class:`Paper`.
    """

    list_key: Key
    source_file: str
    line: int = Field(ge=1)
    entry_text: CleanStr = ""
    categories: tuple[NonEmptyStr, ...] = ()
    year: int | None = Field(default=None, ge=1000, le=2100)
    venue: NonEmptyStr | None = None
    authors: tuple[NonEmptyStr, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Paper:
    """One paper entry of a list, with everything the list says about it.

    Many real lists state no year or no venue for an entry: both are optional. When the
    list gives no year, a reader may take year and month from a new-style arXiv id
    (``2308.09583`` -> 2023-08) and says so in ``year_source``.

    A validated slots dataclass, as :class:`Authorship`: a build of 100,000 papers holds
    each paper and its listings through every stage, and a model's ``__dict__`` and
    fields set took about 2 KB per paper. Change one with :func:`evolve`.
    """

    key: Key
    title: NonEmptyStr
    year: int | None = Field(default=None, ge=1000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    year_source: YearSource | None = None
    venue: NonEmptyStr | None = None
    venue_as_written: NonEmptyStr | None = None
    track: CleanStr | None = None
    presentation: CleanStr | None = None
    categories: tuple[NonEmptyStr, ...] = ()
    hybrid_label: CleanStr | None = None
    authors: tuple[NonEmptyStr, ...] = ()
    authors_truncated: bool = False
    links: tuple[Link, ...] = ()
    arxiv_id: Annotated[str, Field(pattern=r"^\d{4}\.\d{4,5}$")] | None = None
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$", max_length=300)] | None = None
    list_key: Key
    source: SourceRef
    #: Every input's entry for this paper (filled by the pipeline when a reader leaves it empty).
    listings: tuple[Listing, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Paper:
        if self.year is None and (self.month is not None or self.year_source is not None):
            raise ValueError("a month or a year source needs a year")
        if self.year is not None and self.year_source is None:
            object.__setattr__(self, "year_source", YearSource.LIST)
        if self.venue is None and (self.venue_as_written or self.track or self.presentation):
            raise ValueError("a venue as written, track or presentation needs a venue")
        return self


def evolve(record: R, **changes: Any) -> R:
    """``record`` with some fields changed, not validated again (as ``model_copy`` of a model).

    For the slots dataclasses above (:class:`Paper`, :class:`Listing`...), whose
    ``dataclasses.replace`` would validate every field again: callers change fields to
    values that were validated already (another paper's, a merge of both).

    >>> link = Link(kind=LinkKind.CODE, url="https://github.com/a/b")
    >>> evolve(link, label="code").label
    'code'
    >>> evolve(link, colour="red")
    Traceback (most recent call last):
    TypeError: Link has no field 'colour'
    """
    names = [field.name for field in dataclasses.fields(record)]  # type: ignore[arg-type]
    for name in changes:
        if name not in names:
            raise TypeError(f"{type(record).__name__} has no field {name!r}")
    new = object.__new__(type(record))
    for name in names:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(record, name))
    return new


class Category(Model):
    """A heading of a list, as a SKOS concept."""

    key: Key
    label: NonEmptyStr
    definition: CleanStr | None = None
    alt_labels: tuple[NonEmptyStr, ...] = ()
    broader: Key | None = None


class PaperList(Model):
    """One curated list document (its H1 title and where it was read from)."""

    key: Key
    title: NonEmptyStr
    file: str


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Person:
    """One real person, with every spelling the lists use for them (a slots dataclass, as :class:`SourceRef`)."""

    key: Key
    name: NonEmptyStr
    variants: tuple[NonEmptyStr, ...]
    nicknames: tuple[NonEmptyStr, ...] = ()
    merged_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Authorship:
    """One author position on one paper (DBLP's "signature").

    A validated dataclass with slots rather than a model: a large build holds one per
    author of every paper (511,000 at 100,000 papers), and a model's ``__dict__`` and
    fields-set took 490 bytes each against 72 here.
    """

    paper_key: Key
    position: int = Field(ge=1)
    person_key: Key
    name_as_written: NonEmptyStr


class ContributionKind(StrEnum):
    """What a paper can introduce."""

    METHOD = "method"
    DATASET = "dataset"
    MODEL = "model"
    BENCHMARK = "benchmark"


class Evidence(Model):
    """Why a curated statement holds: a short sentence and where it can be checked."""

    text: NonEmptyStr
    source: HttpUrl


class Contribution(Model):
    """A method, dataset, model or benchmark that papers introduce and use."""

    id: Key
    label: NonEmptyStr
    kind: ContributionKind = ContributionKind.METHOD
    introduced_by: tuple[Key, ...] = ()
    used_by: tuple[Key, ...] = ()
    variant_of: Key | None = None
    aliases: tuple[NonEmptyStr, ...] = ()
    description: CleanStr | None = None
    evidence: Evidence | None = None
    source: SourceRef


class Relation(StrEnum):
    """Typed lineage: ``newer <relation> older``; each is a sub-property of prov:wasDerivedFrom."""

    EXTENDS = "extends"
    APPLIES_METHOD_OF = "appliesMethodOf"
    USES_DATA_FROM = "usesDataFrom"
    FILTERS_DATA_OF = "filtersDataOf"
    AUTOMATES = "automates"
    IMPROVES_ON = "improvesOn"
    SURVEYS = "surveys"
    GENERATED_WITH = "generatedWith"


class WorkRef(Model):
    """A reference to a paper or a contribution, the two things lineage connects."""

    kind: Annotated[str, Field(pattern=r"^(paper|method)$")]
    key: Key

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class LineageEdge(Model):
    """A curated lineage edge with its evidence."""

    newer: WorkRef
    older: WorkRef
    relation: Relation
    evidence: Evidence
    source: SourceRef


class Skip(Model):
    """A place of a list that looked like an entry but was not read as a paper, and why."""

    source: SourceRef
    reason: NonEmptyStr
    text: CleanStr = ""

    def __str__(self) -> str:
        return f"{self.source}: skipped ({self.reason}): {self.text}"


class ListReport(Model):
    """How one list file was read: candidates, papers, and every skip with its reason."""

    file: str
    candidates: int = Field(ge=0)
    papers: int = Field(ge=0)
    skipped: tuple[Skip, ...] = ()

    def reasons(self) -> list[tuple[str, int]]:
        """Skip reasons, most common first."""
        counts: dict[str, int] = {}
        for skip in self.skipped:
            counts[skip.reason] = counts.get(skip.reason, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


class PaperMerge(Model):
    """One decision of paper identity: entries of the inputs merged into one paper, or kept apart.

    ``rule`` names the rule that decided (``same arXiv id``, ``same DOI``, ``same title
    and year``, ``curated same_as``; or, for entries kept apart, ``title match, years
    disagree``, ``curated distinct``, ``title match, ids disagree``) and ``evidence``
    says what matched, so ``kg stats --merges`` can show why.
    """

    key: Key
    title: NonEmptyStr
    merged: bool
    rule: NonEmptyStr
    evidence: str
    sources: tuple[SourceRef, ...]


class KnowledgeBase(Model):
    """Everything one build knows, resolved and validated; the input of every output."""

    lists: tuple[PaperList, ...] = ()
    papers: tuple[Paper, ...] = ()
    categories: tuple[Category, ...] = ()
    persons: tuple[Person, ...] = ()
    authorships: tuple[Authorship, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    lineage: tuple[LineageEdge, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    identity_notes: tuple[str, ...] = ()
    reports: tuple[ListReport, ...] = ()
    paper_merges: tuple[PaperMerge, ...] = ()
