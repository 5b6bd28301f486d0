"""Person resolution: the spellings of our list merge, different people stay apart."""

from __future__ import annotations

import pytest

from kg.ingest.identity import AliasRules, name_key, resolve_people


def people_by_variant(default_kb):
    return {variant: person for person in default_kb.persons for variant in person.variants}


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        ("Jianguang Lou", "Jian-Guang Lou", "spelling"),
        ("Andrew M. Dai", "Andrew Dai", "middle-initial"),
        ("Dahai Li", "dahai li", "spelling"),
    ],
)
def test_spelling_variants_in_the_list_resolve_to_one_person(default_kb, a, b, rule):
    people = people_by_variant(default_kb)
    assert people[a] is people[b]
    assert rule in people[a].merged_by


def test_nickname_in_parentheses(default_kb):
    person = people_by_variant(default_kb)["Nanyun (Violet) Peng"]
    assert person.name == "Nanyun Peng" and person.nicknames == ("Violet",)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yi Zhang", "Yong Zhang"),
        ("Zhen Zhang", "Yi Zhang"),
        ("Chang Zhou", "Chunting Zhou"),
        ("Jing Ma", "Jinmeng Rao"),
    ],
)
def test_similar_names_stay_apart(default_kb, a, b):
    people = people_by_variant(default_kb)
    assert people[a] is not people[b]


def test_canonical_names_prefer_the_informative_properly_cased_form(default_kb):
    people = people_by_variant(default_kb)
    assert people["Jianguang Lou"].name == "Jian-Guang Lou"
    assert people["Andrew Dai"].name == "Andrew M. Dai"
    assert people["dahai li"].name == "Dahai Li"


def test_every_printed_form_is_kept_on_its_authorship(default_kb):
    written = {(a.paper_key, a.position): a.name_as_written for a in default_kb.authorships}
    assert written[("2308.09583", 5)] == "Jianguang Lou"
    assert written[("2406.00770", 4)] == "Jian-Guang Lou"


def test_counts_for_the_default_list(default_kb):
    assert len(default_kb.authorships) == 210
    # 210 positions, 4 distinct-spelling merges; the rest are repeated identical names.
    assert len(default_kb.persons) == 179


def test_ambiguous_middle_initials_are_not_merged():
    people, _, notes = resolve_people(
        [("p1", 1, "Andrew B. Dai"), ("p2", 1, "Andrew M. Dai"), ("p3", 1, "Andrew Dai")]
    )
    assert len(people) == 3
    assert notes == ("ambiguous, not merged: andrew dai (middle initials b, m)",)


def test_bare_initial_is_not_merged_with_a_full_given_name():
    people, _, _ = resolve_people([("p1", 1, "Y. Zhang"), ("p2", 1, "Yi Zhang")])
    assert len(people) == 2


def test_curated_aliases_merge_and_veto():
    aliases = AliasRules(
        same=(("Xiang Lisa Li", ("Lisa Li", "Xiang Lisa Li")),),
        distinct=(("Jason Weston", "Jason E Weston"),),
    )
    people, authorships, notes = resolve_people(
        [
            ("p1", 1, "Lisa Li"),
            ("p2", 1, "Xiang Lisa Li"),
            ("p3", 1, "Jason Weston"),
            ("p4", 1, "Jason E Weston"),
        ],
        aliases=aliases,
    )
    names = sorted(p.name for p in people)
    assert names == ["Jason E Weston", "Jason Weston", "Xiang Lisa Li"]
    [lisa] = [p for p in people if p.name == "Xiang Lisa Li"]
    assert lisa.merged_by == ("curated",)
    assert notes == (
        "not merged (middle-initial, vetoed by aliases.yaml): Jason Weston / Jason E Weston",
    )
    assert {a.person_key for a in authorships if a.paper_key in {"p1", "p2"}} == {lisa.key}


def test_resolution_does_not_depend_on_input_order():
    sigs = [
        ("p1", 1, "Jianguang Lou"),
        ("p2", 1, "Jian-Guang Lou"),
        ("p3", 1, "Andrew Dai"),
        ("p4", 2, "Andrew M. Dai"),
    ]
    forward, _, _ = resolve_people(sigs)
    backward, _, _ = resolve_people(list(reversed(sigs)))
    assert forward == backward


def test_name_key_folds_accents_case_and_periods():
    assert name_key("Alizée Pace").exact == name_key("ALIZEE PACE").exact
    assert name_key("J. R. R. Tolkien").given == "jrr"


def test_curated_aliases_in_data_are_applied(default_kb):
    people = people_by_variant(default_kb)
    assert people["Nanyun (Violet) Peng"].merged_by == ("curated",)
    assert people["Yi Zhang"] is not people["Yong Zhang"]


def test_a_name_wholly_in_quotes_is_kept_not_emptied():
    from kg.ingest.identity import strip_nickname

    assert strip_nickname('"Learning"') == ('"Learning"', None)
    assert strip_nickname("Nanyun (Violet) Peng") == ("Nanyun Peng", "Violet")
