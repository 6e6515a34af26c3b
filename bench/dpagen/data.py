"""What the generator draws from: the phrase files beside this module and the project vocabularies.

Wording lives in `phrases/*.toml`; data categories, data subjects, country names, cities and
well-known sub-processors come from `ontology/vocab/` through `graph.vocab`, so the generator
speaks the same vocabulary the extractor matches against without copying it into code.
Everything is loaded once per process (`world()`), then only read.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph.vocab import vocabulary

PHRASES = Path(__file__).resolve().parent / "phrases"
LANGS = ("de", "en")
LOC = "https://w3id.org/dpv/loc#"


@dataclass(frozen=True)
class Category:
    """A vocabulary concept offered as a list item: labels per language and example labels."""

    code: str
    labels: dict[str, str]
    examples: dict[str, list[str]]
    special: bool = False


@dataclass(frozen=True)
class KnownOrg:
    """A well-known sub-processor from the registry: legal name, seat, service category."""

    name: str
    seat: str
    category: str


@dataclass
class World:
    phrases: dict[str, dict]
    world: dict
    html: dict
    categories: list[Category]
    special: list[Category]
    subjects: list[Category]
    known: list[KnownOrg]
    eea: frozenset[str]
    country_names: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code -> lang -> names
    cities: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code -> lang -> city labels
    regions: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code -> lang -> cloud-region labels

    def country(self, code: str, lang: str, pick: float = 0.0) -> str:
        """A name of the country as written in `lang`: the preferred one, or a short form ("USA")."""
        names = self.country_names[code][lang]
        return names[1] if pick > 0.7 and len(names) > 1 else names[0]

    def is_eea(self, code: str) -> bool:
        return code == "EU" or code in self.eea


def _load_toml(name: str) -> dict:
    with (PHRASES / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _hoist(phrases: dict) -> dict:
    """The `[clauses]` table groups the clause wording in the file; code reads it at the top level."""
    clauses = phrases.pop("clauses", {})
    clash = set(clauses) & set(phrases)
    if clash:
        raise ValueError(f"phrase keys defined twice: {sorted(clash)}")
    return {**phrases, **clauses}


def _code(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _categories(vocab) -> tuple[list[Category], list[Category]]:
    scheme = vocab.scheme("data-categories")
    concepts = list(scheme)
    narrower: dict[str, list] = {}
    for concept in concepts:
        for parent in concept.broader:
            narrower.setdefault(_code(parent), []).append(concept)
    ordinary, special = [], []
    for concept in concepts:
        code = concept.local_name
        parents = {_code(b) for b in concept.broader}
        if code == "SpecialCategoryData":
            continue
        examples = {lang: [c.label(lang) for c in narrower.get(code, [])] for lang in LANGS}
        item = Category(code, {lang: concept.label(lang) for lang in LANGS}, examples, "SpecialCategoryData" in parents)
        (special if item.special else ordinary).append(item)
    return ordinary, special


def _subjects(vocab) -> list[Category]:
    return [
        Category(c.local_name, {lang: c.label(lang) for lang in LANGS}, {lang: [] for lang in LANGS})
        for c in vocab.scheme("data-subjects")
    ]


def _country_names(vocab, codes: set[str], short_ok: set[str]) -> dict[str, dict[str, list[str]]]:
    """Preferred name per language, plus short upper-case forms ("USA", "UK") as alternatives."""
    out: dict[str, dict[str, list[str]]] = {}
    for concept in vocab.scheme("countries"):
        code = concept.notation
        if code not in codes:
            continue
        names: dict[str, list[str]] = {}
        for lang in LANGS:
            short = [label for label in concept.labels_by_lang.get(lang, []) if label in short_ok]
            names[lang] = [concept.label(lang), *short[:1]]
        out[code] = names
    return out


def _places(vocab) -> tuple[dict[str, dict[str, list[str]]], dict[str, dict[str, list[str]]]]:
    """Cities (plain place names) and cloud regions per country, from the places vocabulary."""
    cities: dict[str, dict[str, list[str]]] = {}
    regions: dict[str, dict[str, list[str]]] = {}
    for concept in vocab.scheme("places"):
        countries = [_code(b) for b in concept.broader if b.startswith(LOC)]
        if len(countries) != 1 or concept.notation:
            continue  # states and provinces carry a notation; they are not cities
        code = countries[0]
        name = concept.local_name
        if re.match(r"(?:aws|gcp|azure)-", name):
            for lang in LANGS:
                regions.setdefault(code, {}).setdefault(lang, []).append(concept.label(lang))
            continue
        if "-" in name or "(" in concept.label("de"):
            continue
        for lang in LANGS:
            cities.setdefault(code, {}).setdefault(lang, []).append(concept.label(lang))
    return cities, regions


def _known(vocab, usable: set[str]) -> list[KnownOrg]:
    out = []
    for concept in vocab.scheme("organisations"):
        seats = concept.extra.get("seatCountry") or []
        category = (concept.extra.get("serviceCategory") or [""])[0]
        if len(seats) == 1 and _code(seats[0]) in usable and category:
            out.append(KnownOrg(concept.label(), _code(seats[0]), category))
    return sorted(out, key=lambda k: k.name)


@lru_cache(maxsize=1)
def world() -> World:
    """Load phrases and vocabularies once per process."""
    vocab = vocabulary()
    phrases = {lang: _hoist(_load_toml(lang)) for lang in LANGS}
    geo = _load_toml("world")
    ordinary, special = _categories(vocab)
    cities, regions = _places(vocab)
    seats = set(geo["seats"]["eu"]) | set(geo["seats"]["third"])
    seats |= set(geo["seats"]["processor_de"]) | set(geo["seats"]["processor_en"])
    usable = {code for code in seats if code in cities and code in geo["legal_forms"]}
    eea = frozenset(
        c.notation
        for c in vocab.scheme("countries")
        if c.notation and vocab.is_eea(c.notation) and len(c.notation) == 2
    )
    w = World(
        phrases=phrases,
        world=geo,
        html=_load_toml("html"),
        categories=ordinary,
        special=special,
        subjects=_subjects(vocab),
        known=_known(vocab, usable),
        eea=eea,
        country_names=_country_names(vocab, usable | {"EU"}, set(geo["short_country_names"])),
        cities={code: cities[code] for code in usable},
        regions=regions,
    )
    missing = [c for c in usable if c not in w.country_names]
    if missing:
        raise RuntimeError(f"countries without a name in the vocabulary: {missing}")
    return w
