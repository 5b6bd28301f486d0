"""Person identity: one person per real author across the spellings lists use.

Rules, applied in this order (each merge records the rule that made it):

1. ``spelling``: names equal after folding case and accents, dropping periods and a
   nickname in parentheses, and ignoring how given names are split ("Jian-Guang Lou",
   "Jianguang Lou", "jianguang lou" are one key).
2. ``middle-initial``: "Andrew Dai" joins "Andrew M. Dai" when exactly one person with
   that given name and surname carries middle initials (two different initials make it
   ambiguous, and nothing is merged).
3. ``curated``: ``data/aliases.yaml`` groups that the rules cannot see; its ``distinct``
   pairs veto any automatic merge.

Deliberately not merged: a bare initial for a given name ("Y. Zhang" could be Yi, Yong
or Yue Zhang), or names that differ in any full word. Same-name different people cannot
be told apart from a list alone; curated data is the way to split them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.model import Authorship, Person
from kg.text import clean_text, fold, slugify

__all__ = ["AliasRules", "NameKey", "name_key", "resolve_people"]

_NICKNAME = re.compile(r"\s*[(\"“]([^)\"”]+)[)\"”]\s*")


@dataclass(frozen=True)
class NameKey:
    """A written name reduced to what identifies it."""

    given: str
    initials: str
    surname: str

    @property
    def exact(self) -> str:
        """The key of rule 1 (``spelling``)."""
        return f"{self.given}|{self.initials}|{self.surname}"

    @property
    def loose(self) -> str:
        """Given name and surname only: the key of rule 2 (``middle-initial``)."""
        return f"{self.given}|{self.surname}"


@dataclass(frozen=True)
class AliasRules:
    """Curated identity knowledge: groups that are one person, pairs that are not."""

    same: tuple[tuple[str | None, tuple[str, ...]], ...] = ()
    distinct: tuple[tuple[str, str], ...] = ()


def strip_nickname(name: str) -> tuple[str, str | None]:
    """Split ``"Nanyun (Violet) Peng"`` into ``("Nanyun Peng", "Violet")``."""
    match = _NICKNAME.search(name)
    if not match:
        return clean_text(name), None
    plain = clean_text(name[: match.start()] + " " + name[match.end() :])
    if not plain:  # the whole name is in quotes or brackets ('"Learning"'): no nickname
        return clean_text(name), None
    return plain, clean_text(match.group(1))


def name_key(name: str) -> NameKey:
    """Reduce a written name to its identity key.

    >>> name_key("Jian-Guang Lou").exact == name_key("jianguang lou").exact
    True
    >>> name_key("Andrew M. Dai")
    NameKey(given='andrew', initials='m', surname='dai')
    """
    plain, _ = strip_nickname(name)
    tokens = [t for t in re.split(r"[\s\-‐]+", fold(plain).replace(".", ". ")) if t]
    tokens = [re.sub(r"[^\w]", "", t) for t in tokens]
    tokens = [t for t in tokens if t]
    if not tokens:
        return NameKey("", "", "")
    surname = tokens[-1]
    given_tokens = tokens[:-1]
    # Leading initials ("J. R. R. Tolkien") are the given name; later ones are middle initials.
    full = [t for t in given_tokens if len(t) > 1]
    if not full:
        return NameKey("".join(given_tokens), "", surname)
    first_full = given_tokens.index(full[0])
    given = "".join(t for t in given_tokens[first_full:] if len(t) > 1)
    initials = "".join(t for t in given_tokens[first_full:] if len(t) == 1)
    prefix = "".join(given_tokens[:first_full])
    return NameKey(prefix + given, initials, surname)


class _UnionFind:
    """Disjoint sets of name keys; the smallest key is a set's root, so results are order-free."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}

    def find(self, item: str) -> str:
        if item not in self.parent:
            self.parent[item] = item
            self.members[item] = {item}
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            root, child = min(ra, rb), max(ra, rb)
            self.parent[child] = root
            self.members[root] |= self.members.pop(child)


def _display_score(name: str, count: int) -> tuple[int, int, int, str]:
    properly_cased = int(any(c.isupper() for c in name) and not name.isupper())
    return (properly_cased, count, len(name), name)


def resolve_people(
    signatures: Iterable[tuple[str, int, str]],
    *,
    aliases: AliasRules = AliasRules(),
) -> tuple[tuple[Person, ...], tuple[Authorship, ...], tuple[str, ...]]:
    """Resolve written author names to persons.

    Args:
        signatures: ``(paper_key, position, name_as_written)`` for every author position.
        aliases: Curated groups and vetoes.

    Returns:
        Persons (sorted by key), authorships (in input order) and notes on merges that
        were ambiguous or vetoed, for the user to review.

    >>> people, _, _ = resolve_people([("p1", 1, "Dahai Li"), ("p2", 1, "dahai li"), ("p2", 2, "Yi Zhang"), ("p3", 1, "Yong Zhang")])
    >>> [(p.name, p.variants) for p in people]
    [('Dahai Li', ('Dahai Li', 'dahai li')), ('Yi Zhang', ('Yi Zhang',)), ('Yong Zhang', ('Yong Zhang',))]
    """
    sigs: Sequence[tuple[str, int, str]] = list(signatures)
    counts = Counter(name for _, _, name in sigs)
    keys = {name: name_key(name) for name in counts}
    union = _UnionFind()
    rules: dict[str, set[str]] = defaultdict(set)
    notes: list[str] = []
    vetoes = {frozenset((name_key(a).exact, name_key(b).exact)) for a, b in aliases.distinct}
    written_of = {key.exact: name for name, key in sorted(keys.items(), reverse=True)}

    def vetoed(a: str, b: str) -> bool:
        if not vetoes:
            return False
        ga, gb = union.members[union.find(a)], union.members[union.find(b)]
        return any(frozenset((x, y)) in vetoes for x in ga for y in gb)

    def merge(a: str, b: str, rule: str) -> None:
        if union.find(a) == union.find(b):
            return
        if vetoed(a, b):
            notes.append(
                f"not merged ({rule}, vetoed by aliases.yaml): {written_of.get(a, a)} / {written_of.get(b, b)}"
            )
            return
        ra, rb = union.find(a), union.find(b)
        union.union(a, b)
        rules[union.find(a)] = rules.pop(ra, set()) | rules.pop(rb, set()) | {rule}

    for exact in sorted({k.exact for k in keys.values()}):
        union.find(exact)
    spelled: dict[str, set[str]] = defaultdict(set)
    for written, key in keys.items():
        spelled[key.exact].add(written)
    for exact, spellings in spelled.items():
        if len(spellings) > 1:
            rules[union.find(exact)].add("spelling")

    by_loose: dict[str, set[NameKey]] = defaultdict(set)
    for key in keys.values():
        by_loose[key.loose].add(key)
    for loose, group in sorted(by_loose.items()):
        bare = [k for k in group if not k.initials]
        full = sorted({k.initials for k in group if k.initials})
        if bare and len(full) == 1:
            target = next(k for k in group if k.initials == full[0])
            for k in bare:
                merge(k.exact, target.exact, "middle-initial")
        elif bare and len(full) > 1:
            notes.append(
                f"ambiguous, not merged: {loose.replace('|', ' ')} (middle initials {', '.join(full)})"
            )

    canonical_of: dict[str, str] = {}
    for canonical, variants in aliases.same:
        curated = [name_key(v).exact for v in variants]
        for other in curated[1:]:
            union.find(other)
            merge(curated[0], other, "curated")
        if canonical:
            canonical_of[union.find(curated[0])] = canonical

    clusters: dict[str, list[str]] = defaultdict(list)
    for written, key in keys.items():
        clusters[union.find(key.exact)].append(written)

    persons: list[Person] = []
    person_of_name: dict[str, str] = {}
    used: set[str] = set()
    for root in sorted(clusters, key=lambda r: sorted(clusters[r])):
        names = sorted(clusters[root])
        plain: Counter[str] = Counter()
        nicks: set[str] = set()
        for name in names:
            stripped, nick = strip_nickname(name)
            plain[stripped] += counts[name]
            if nick:
                nicks.add(nick)
        display = canonical_of.get(root) or max(plain, key=lambda n: _display_score(n, plain[n]))
        person_key = slugify(display)
        suffix = 2
        while person_key in used:
            person_key = f"{slugify(display)}-{suffix}"
            suffix += 1
        used.add(person_key)
        persons.append(
            Person(
                key=person_key,
                name=display,
                variants=tuple(names),
                nicknames=tuple(sorted(nicks)),
                merged_by=tuple(sorted(rules.get(root, set())))
                if len(names) > 1 or root in canonical_of
                else (),
            )
        )
        for name in names:
            person_of_name[name] = person_key
    authorships = tuple(
        Authorship(
            paper_key=paper,
            position=position,
            person_key=person_of_name[name],
            name_as_written=name,
        )
        for paper, position, name in sigs
    )
    return tuple(sorted(persons, key=lambda p: p.key)), authorships, tuple(notes)
