"""Vocabulary loader: SKOS schemes, cue-phrase sets and reference data from ``ontology/**/*.ttl``.

Vocabulary is data, not code: every label, country name, city, cue phrase and regular
expression the extractor matches against lives in Turtle files under ``ontology/``. This
module only knows the *structure* (SKOS + a few ``dpag:`` properties) and the scheme IRIs.

    from graph.vocab import vocabulary
    V = vocabulary()
    V.scheme("data-categories").match("Kontaktdaten (E-Mail-Adresse, Telefonnummer)")
    V.scheme("countries").find_all("Dublin 4, Irland")
    V.cue("subprocessor-heading").search(line)

Label matching (``ConceptScheme.find_all``) works on word tokens, so it is word-boundary
aware by construction: a label matches a run of whole tokens. Comparison is case-insensitive
(``str.casefold``) except for labels listed as ``dpag:caseSensitiveLabel``. Whitespace and
hyphens between tokens are interchangeable ("E-Mail-Adresse" ~ "E-Mail Adresse"); other
punctuation between tokens must be as in the label ("U.S." is not "us"), and a token boundary
is never dropped ("to go" is not "Togo"). Labels whose last word has at least four letters also
match common German/English inflections of that word ("IP-Adressen", "Irlands", "customers"). In schemes
flagged ``dpag:matchCompoundHeads true``, a German single-word label also matches as the head
(last element) of a German compound ("Bestandskunden" -> "Kunden"). ``dpag:pattern`` regexes
(Python syntax, matched with ``re.IGNORECASE``; use ``(?-i:...)`` for case-sensitive parts)
are matched as well. Overlaps are resolved longest-first.

Beyond the core API: scheme "organisations" (the sub-processor registry); ``V.find_locations``
(countries and places together, with the ISO code); ``V.country_code`` (country, place,
organisation or loc: IRI -> code); ``V.normalise_code`` ("EL" -> "GR", "UK" -> "GB");
``V.is_eu``; ``V.concept(iri)``; ``V.cue_names``; ``ConceptScheme.candidates`` (overlapping raw
matches, for combining schemes); ``Concept.hidden_labels``, ``definitions``, ``definition()``,
``all_labels()``, ``notations``, ``alt_codes``, ``patterns_by_lang``, ``types``, ``schemes``.

The parsed vocabulary is cached as a pickle under ``~/.cache/dpagraph`` (``$XDG_CACHE_HOME``
respected), keyed by the sha256 of all TTL files; set ``DPAGRAPH_NO_CACHE=1`` to bypass it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rdflib is imported lazily: the pickle cache avoids it on warm starts
    import rdflib

# --------------------------------------------------------------------------------------------
# Namespaces and scheme IRIs (structure, not vocabulary)
# --------------------------------------------------------------------------------------------

DPAG = "https://w3id.org/dpagraph/ns#"
DPACUE = "https://w3id.org/dpagraph/cues#"
LOC = "https://w3id.org/dpv/loc#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

#: scheme name -> scheme IRI (the one place that ties names to IRIs)
SCHEMES: dict[str, str] = {
    "data-categories": "https://w3id.org/dpagraph/vocab/data-categories#scheme",
    "data-subjects": "https://w3id.org/dpagraph/vocab/data-subjects#scheme",
    "transfer-mechanisms": "https://w3id.org/dpagraph/vocab/transfer-mechanisms#scheme",
    "countries": "https://w3id.org/dpagraph/vocab/places#countries",
    "places": "https://w3id.org/dpagraph/vocab/places#places",
    "requirements": "https://w3id.org/dpagraph/requirements#scheme",
    "organisations": "https://w3id.org/dpagraph/vocab/organisations#registry",
}

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

_CACHE_FORMAT = 3  # bump when the pickled structure changes

_MAPPING_PROPS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
_LABEL_KIND_PRIORITY = {"pref": 0, "alt": 1, "hidden": 2, "cs": 1}

# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Concept:
    """A SKOS concept (or a cue set / known organisation) as plain Python data.

    ``extra`` holds the values of every other ``dpag:`` property by local name, always as a list
    of strings (IRIs or lexical forms), e.g. ``extra["seatCountry"] == ["https://w3id.org/dpv/loc#US"]``,
    ``extra["memberOf"] == [".../loc#EU", ".../loc#EEA"]``.
    """

    iri: str
    notation: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # skos:prefLabel per language ("" = untagged)
    alt_labels: list[str] = field(default_factory=list)  # skos:altLabel, all languages
    patterns: list[str] = field(default_factory=list)  # dpag:pattern, all languages
    broader: list[str] = field(default_factory=list)
    mappings: dict[str, list[str]] = field(default_factory=dict)  # "exactMatch" -> [IRI, ...]
    extra: dict[str, list[str]] = field(default_factory=dict)
    # additions beyond the core API
    hidden_labels: list[str] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)  # skos:definition per language
    notations: list[str] = field(default_factory=list)  # every skos:notation (first = .notation)
    alt_codes: list[str] = field(default_factory=list)  # dpag:alternativeCode, e.g. "UK" for GB
    schemes: list[str] = field(default_factory=list)  # skos:inScheme IRIs
    types: list[str] = field(default_factory=list)  # rdf:type IRIs
    patterns_by_lang: dict[str, list[str]] = field(default_factory=dict)
    case_sensitive_labels: list[str] = field(default_factory=list)
    labels_by_lang: dict[str, list[str]] = field(default_factory=dict)  # every label (pref/alt/hidden) per language

    def label(self, lang: str = "en") -> str:
        """The prefLabel in `lang`, falling back to English, untagged, any language, notation, local name."""
        for key in (lang, "en", ""):
            if key in self.labels:
                return self.labels[key]
        if self.labels:
            return next(iter(self.labels.values()))
        return self.notation or self.local_name

    def definition(self, lang: str = "en") -> str | None:
        for key in (lang, "en", ""):
            if key in self.definitions:
                return self.definitions[key]
        return None

    @property
    def local_name(self) -> str:
        return re.split(r"[#/]", self.iri)[-1]

    def all_labels(self) -> list[str]:
        """prefLabels, altLabels, hiddenLabels and case-sensitive labels, without duplicates."""
        seen: dict[str, None] = {}
        for text in [*self.labels.values(), *self.alt_labels, *self.hidden_labels, *self.case_sensitive_labels]:
            seen.setdefault(text, None)
        return list(seen)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Concept) and other.iri == self.iri

    def __hash__(self) -> int:
        return hash(self.iri)

    def __repr__(self) -> str:
        code = f" {self.notation!r}" if self.notation else ""
        return f"<Concept {self.local_name}{code} {self.label()!r}>"


# --------------------------------------------------------------------------------------------
# Label matching
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[\w\u0300-\u036f]+")
_SOFT_SEP_RE = re.compile(r"[\s\-\u00ad\u2010-\u2015\u2212]+")
_MAX_SEP = 4  # a separator (after removing whitespace/hyphens) longer than this breaks a span
# inflection endings tried on the last word of a span (longest first); "+e" restores a stem vowel
_SUFFIXES = ("innen", "nen", "ern", "ies", "in", "en", "er", "es", "n", "s", "e")
_MIN_INFLECTABLE = 4  # the label's last word needs this many characters to accept inflections
_MIN_COMPOUND_HEAD = 6  # a German compound head label needs this many characters
_MIN_COMPOUND_PREFIX = 3


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _sep_key(sep: str) -> str | None:
    """Normalised separator between two tokens; None when it breaks a span.

    Whitespace and hyphens are "soft" and all normalise to one space, so "E-Mail-Adresse" and
    "E-Mail Adresse" share a key; other punctuation is kept ("U.S." -> "u.s"), so it must match.
    Token boundaries are never dropped: "to go" is not "Togo"."""
    core = _SOFT_SEP_RE.sub("", sep)
    if len(core) > _MAX_SEP or "\n\n" in sep:
        return None
    return core or " "


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


_TAIL_RE = re.compile(r"^[.)]+")


def _label_tail(label: str) -> str:
    """Closing punctuation right after the label's last token ("Inc." -> ".", "(Main)" -> ")"):
    a match extends over it when the text has it too."""
    toks = _tokens(label)
    m = _TAIL_RE.match(label[toks[-1][1] :]) if toks else None
    return m.group() if m else ""


def _label_key(label: str, fold: bool = True) -> tuple[str, int, str] | None:
    """(key, number of tokens, last token) of a label, or None when it has no word characters."""
    toks = _tokens(label)
    if not toks:
        return None
    parts = []
    for i, (start, _end, tok) in enumerate(toks):
        if i:
            sep = _sep_key(label[toks[i - 1][1] : start])
            parts.append(sep if sep is not None else label[toks[i - 1][1] : start].strip())
        parts.append(_fold(tok) if fold else unicodedata.normalize("NFC", tok))
    return "".join(parts), len(toks), toks[-1][2]


def _inflection_bases(token: str) -> list[str]:
    """Possible base forms of an inflected (case-folded) last token."""
    out = []
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            base = token[: -len(suffix)]
            out.append(base)
            if suffix == "ies":
                out.append(base + "y")
            else:
                out.append(base + "e")
    return out


@dataclass
class _Entry:
    concept: Concept
    priority: int  # 0 pref, 1 alt, 2 hidden
    exact: str | None  # case-sensitive form of the key, when the label is case-sensitive
    inflectable: bool
    compound_head: bool  # may match as the head of a German compound
    tails: set[str] = field(default_factory=set)  # closing punctuation included in a match when present


class _LabelIndex:
    """Token-based dictionary matcher over the labels of one scheme, plus its regex patterns."""

    def __init__(self, concepts: list[Concept], compound_heads: bool) -> None:
        self.keys: dict[str, list[_Entry]] = {}
        self.prefixes: set[str] = set()
        self.max_tokens = 1
        self.heads: dict[str, list[_Entry]] = {}
        self.patterns: list[tuple[re.Pattern[str], Concept]] = []
        for concept in concepts:
            cs = set(concept.case_sensitive_labels)
            labelled: list[tuple[str, str, str]] = []  # (text, kind, lang)
            for lang, text in concept.labels.items():
                labelled.append((text, "pref", lang))
            hidden = set(concept.hidden_labels)
            for lang, texts in concept.labels_by_lang.items():
                for text in texts:
                    labelled.append((text, "hidden" if text in hidden else "alt", lang))
            for text in concept.case_sensitive_labels:
                labelled.append((text, "cs", ""))
            for text, kind, lang in labelled:
                self._add(concept, text, kind, lang, text in cs, compound_heads)
            for pattern in concept.patterns:
                self.patterns.append((re.compile(pattern, re.IGNORECASE), concept))

    def _add(self, concept: Concept, text: str, kind: str, lang: str, case_sensitive: bool, compound: bool) -> None:
        info = _label_key(text)
        if info is None:
            return
        key, ntok, last = info
        priority = _LABEL_KIND_PRIORITY[kind]
        exact = _label_key(text, fold=False)[0] if case_sensitive else None
        inflectable = not case_sensitive and len(last) >= _MIN_INFLECTABLE and last.isalpha()
        is_head = compound and not case_sensitive and ntok == 1 and lang == "de" and len(key) >= _MIN_COMPOUND_HEAD
        tail = _label_tail(text)
        entry = _Entry(concept, priority, exact, inflectable, is_head, {tail} if tail else set())
        bucket = self.keys.setdefault(key, [])
        if any(e.concept is concept and e.exact == exact for e in bucket):
            for e in bucket:  # keep the best priority / widest permissions for the same concept
                if e.concept is concept and e.exact == exact:
                    e.priority = min(e.priority, priority)
                    e.inflectable = e.inflectable or inflectable
                    e.compound_head = e.compound_head or is_head
                    if tail:
                        e.tails.add(tail)
        else:
            bucket.append(entry)
            bucket.sort(key=lambda e: e.priority)
        if is_head:
            self.heads.setdefault(key, [])
            if entry not in self.heads[key]:
                self.heads[key].append(entry)
        self.max_tokens = max(self.max_tokens, ntok)
        # token-boundary prefixes of the key, for pruning span extension
        toks = _tokens(text)
        acc = []
        for i, (start, _end, tok) in enumerate(toks[:-1]):
            if i:
                sep = _sep_key(text[toks[i - 1][1] : start])
                acc.append(sep if sep is not None else "")
            acc.append(_fold(tok))
            self.prefixes.add("".join(acc))

    # -- lookup ---------------------------------------------------------------------------
    @staticmethod
    def _pick(entries: list[_Entry], raw_key: str, inflected: bool) -> _Entry | None:
        for e in entries:
            if inflected and not e.inflectable:
                continue
            if e.exact is not None and e.exact != raw_key:
                continue
            return e
        return None

    def candidates(self, text: str) -> list[tuple[int, int, int, Concept]]:
        """All candidate matches as (start, end, priority, concept); overlapping."""
        out: list[tuple[int, int, int, Concept]] = []
        toks = _tokens(text)
        n = len(toks)
        for i in range(n):
            key = ""
            raw = ""
            found = False
            for k in range(self.max_tokens):
                j = i + k
                if j >= n:
                    break
                if k:
                    sep = _sep_key(text[toks[j - 1][1] : toks[j][0]])
                    if sep is None:
                        break
                    if key not in self.prefixes:
                        break
                    key += sep
                    raw += sep
                tok = toks[j][2]
                ftok = _fold(tok)
                stem_key, stem_raw = key, raw
                key += ftok
                raw += unicodedata.normalize("NFC", tok)
                start, end = toks[i][0], toks[j][1]
                entries = self.keys.get(key)
                entry = self._pick(entries, raw, False) if entries else None
                if entry is None and len(ftok) > 3:
                    for base in _inflection_bases(ftok):
                        entries = self.keys.get(stem_key + base)
                        if entries:
                            entry = self._pick(entries, stem_raw + base, True)
                            if entry is not None:
                                break
                if entry is not None:
                    for tail in sorted(entry.tails, key=len, reverse=True):
                        if text.startswith(tail, end):
                            end += len(tail)
                            break
                    out.append((start, end, entry.priority, entry.concept))
                    found = True
            if not found and self.heads:
                entry = self._compound(toks[i][2])
                if entry is not None:
                    out.append((toks[i][0], toks[i][1], entry.priority + 3, entry.concept))
        for pattern, concept in self.patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    out.append((m.start(), m.end(), 1, concept))
        return out

    def _compound(self, token: str) -> _Entry | None:
        ftok = _fold(token)
        forms = [ftok, *_inflection_bases(ftok)]
        for cut in range(_MIN_COMPOUND_PREFIX, len(ftok) - _MIN_COMPOUND_HEAD + 1):
            for idx, form in enumerate(forms):
                head = form[cut:]
                if len(head) < _MIN_COMPOUND_HEAD:
                    continue
                entries = self.heads.get(head)
                if entries:
                    for e in entries:
                        if idx == 0 or e.inflectable:
                            return e
        return None


def _select(cands: list[tuple[int, int, int, Concept]]) -> list[tuple[Concept, int, int]]:
    """Non-overlapping selection: longest first, then better label kind, then earliest."""
    chosen: list[tuple[int, int, Concept]] = []
    for start, end, _prio, concept in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[2], c[0])):
        if all(end <= s or start >= e for s, e, _c in chosen):
            chosen.append((start, end, concept))
    chosen.sort(key=lambda c: (c[0], c[1]))
    return [(c, s, e) for s, e, c in chosen]


_HEAD_RE = re.compile(r"[(:]")


class ConceptScheme:
    """A SKOS concept scheme with label/pattern matchers."""

    def __init__(
        self,
        name: str,
        iri: str,
        concepts: list[Concept],
        compound_heads: bool = False,
        title: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.iri = iri
        self.concepts: list[Concept] = concepts
        self.compound_heads = compound_heads
        self.title: dict[str, str] = title or {}
        self._by_iri = {c.iri: c for c in concepts}
        self._by_notation: dict[str, Concept] = {}
        # several concepts may share a notation (loc:EU and loc:EEA both export as "EU"):
        # the one whose IRI local name equals the notation wins, then the first by IRI
        for c in sorted(concepts, key=lambda c: (c.local_name not in c.notations, c.iri)):
            for code in [*c.notations, *c.alt_codes]:
                self._by_notation.setdefault(code, c)
                self._by_notation.setdefault(code.upper(), c)
        self._index: _LabelIndex | None = None

    def __repr__(self) -> str:
        return f"<ConceptScheme {self.name} ({len(self.concepts)} concepts)>"

    def __iter__(self):
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    @property
    def index(self) -> _LabelIndex:
        if self._index is None:
            self._index = _LabelIndex(self.concepts, self.compound_heads)
        return self._index

    def by_notation(self, code: str) -> Concept | None:
        if not code:
            return None
        code = code.strip()
        return self._by_notation.get(code) or self._by_notation.get(code.upper())

    def by_iri(self, iri: str) -> Concept | None:
        return self._by_iri.get(str(iri))

    def candidates(self, text: str) -> list[tuple[int, int, int, Concept]]:
        """Every (start, end, priority, concept) candidate, overlapping; for combining schemes."""
        return self.index.candidates(text)

    def find_all(self, text: str) -> list[tuple[Concept, int, int]]:
        """Non-overlapping label and pattern matches in `text`, longest first, sorted by offset."""
        if not text:
            return []
        return _select(self.index.candidates(text))

    def match(self, text: str) -> Concept | None:
        """The best single concept for a short item: head (before the first "(" or ":") first,
        then the longest match, then the earliest."""
        found = self.find_all(text)
        if not found:
            return None
        m = _HEAD_RE.search(text)
        head_end = m.start() if m else len(text)
        in_head = [f for f in found if f[2] <= head_end]
        pool = in_head or found
        best = min(pool, key=lambda f: (-(f[2] - f[1]), f[1]))
        return best[0]


# --------------------------------------------------------------------------------------------
# The vocabulary
# --------------------------------------------------------------------------------------------


class Vocabulary:
    """All schemes, cue sets and reference data loaded from one ontology directory."""

    def __init__(self, root: Path, data: dict) -> None:
        self.root = root
        self.files: list[Path] = [root / rel for rel in data["files"]]
        self._concepts: dict[str, Concept] = {iri: Concept(**c) for iri, c in data["concepts"].items()}
        self._scheme_meta: dict[str, dict] = data["schemes"]
        self._cues: dict[str, dict[str, list[str]]] = data["cues"]
        self._schemes: dict[str, ConceptScheme] = {}
        self._cue_cache: dict[str, re.Pattern[str]] = {}
        self._graph = None
        self.known_organisations: list[Concept] = sorted(
            (c for c in self._concepts.values() if DPAG + "KnownOrganisation" in c.types), key=lambda c: c.iri
        )
        countries = self.scheme("countries")
        self.eu: frozenset[str] = self._members(countries, LOC + "EU")
        self.eea: frozenset[str] = self._members(countries, LOC + "EEA")

    # -- schemes --------------------------------------------------------------------------
    @property
    def scheme_names(self) -> list[str]:
        return list(SCHEMES)

    def scheme(self, name: str) -> ConceptScheme:
        if name not in self._schemes:
            iri = SCHEMES.get(name)
            if iri is None:
                raise KeyError(f"unknown concept scheme {name!r}; known: {', '.join(SCHEMES)}")
            members = sorted(
                (c for c in self._concepts.values() if iri in c.schemes), key=lambda c: (c.notation or "", c.iri)
            )
            meta = self._scheme_meta.get(iri, {})
            self._schemes[name] = ConceptScheme(
                name, iri, members, compound_heads=meta.get("compound_heads", False), title=meta.get("title", {})
            )
        return self._schemes[name]

    def concept(self, iri: str) -> Concept | None:
        """Any loaded concept, cue set or organisation by IRI."""
        return self._concepts.get(str(iri))

    # -- cues -----------------------------------------------------------------------------
    @property
    def cue_names(self) -> list[str]:
        return sorted(self._cues)

    def cue_patterns(self, name: str, lang: str | None = None) -> list[str]:
        if name not in self._cues:
            raise KeyError(
                f"cue set dpacue:{name} not found in {self.root} (known: {', '.join(self.cue_names) or 'none'})"
            )
        by_lang = self._cues[name]
        if lang is None:
            return [p for ps in by_lang.values() for p in ps]
        return list(by_lang.get(lang, [])) + (list(by_lang.get("", [])) if lang else [])

    def cue(self, name: str) -> re.Pattern[str]:
        """All dpag:pattern of dpacue:<name> (every language) as one case-insensitive regex."""
        if name not in self._cue_cache:
            patterns = self.cue_patterns(name)
            if not patterns:
                raise KeyError(f"cue set dpacue:{name} has no dpag:pattern")
            self._cue_cache[name] = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        return self._cue_cache[name]

    # -- countries ------------------------------------------------------------------------
    @staticmethod
    def _members(countries: ConceptScheme, region: str) -> frozenset[str]:
        return frozenset(c.notation for c in countries.concepts if c.notation and region in c.extra.get("memberOf", []))

    def normalise_code(self, code: str | None) -> str | None:
        """ISO code as used in the graph: upper case, EU aliases ("EL" -> "GR", "UK" -> "GB") resolved."""
        if not code:
            return None
        concept = self.scheme("countries").by_notation(code.strip())
        return concept.notation if concept is not None else code.strip().upper()

    def is_eu(self, code: str | None) -> bool:
        code = self.normalise_code(code)
        return code is not None and (code == "EU" or code in self.eu)

    def is_eea(self, code: str | None) -> bool:
        """True for EEA members (EU-27 + IS, LI, NO) and for the pseudo-codes "EU"/"EEA"."""
        if not code:
            return False
        if code.strip().upper() in ("EU", "EEA"):
            return True
        code = self.normalise_code(code)
        return code in self.eea

    def country_name(self, code: str, lang: str = "en") -> str:
        concept = self.scheme("countries").by_notation(code)
        if concept is None:
            raise KeyError(f"unknown country code {code!r}")
        return concept.label(lang)

    def country_code(self, concept_or_iri: Concept | str | None) -> str | None:
        """ISO code (or "EU") for a country concept, a place (via skos:broader), an organisation
        (via dpag:seatCountry) or a loc: IRI."""
        if concept_or_iri is None:
            return None
        iri = concept_or_iri.iri if isinstance(concept_or_iri, Concept) else str(concept_or_iri)
        countries = self.scheme("countries")
        seen: set[str] = set()
        todo = [iri]
        while todo:
            cur = todo.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            country = countries.by_iri(cur)
            if country is not None:
                return country.notation
            concept = self._concepts.get(cur)
            if concept is not None:
                todo.extend(concept.broader)
                todo.extend(concept.extra.get("seatCountry", []))
        return None

    def find_locations(self, text: str) -> list[tuple[Concept, int, int, str | None]]:
        """Countries, regions and places together (longest match wins across both schemes):
        (concept, start, end, ISO code or "EU")."""
        cands = self.scheme("countries").candidates(text) + self.scheme("places").candidates(text)
        return [(c, s, e, self.country_code(c)) for c, s, e in _select(cands)]

    # -- RDF ------------------------------------------------------------------------------
    @property
    def graph(self) -> rdflib.Graph:
        """The union of all reference TTL files as an rdflib Graph (parsed on first access)."""
        if self._graph is None:
            self._graph = _parse_graph(self.files)
        return self._graph


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _ttl_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.ttl") if p.is_file())


def _parse_graph(files: list[Path]) -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # name the file: a broken TTL should be easy to find
            raise ValueError(f"cannot parse {path}: {exc}") from exc
    return graph


def _local(iri: str, namespace: str) -> str | None:
    return iri[len(namespace) :] if iri.startswith(namespace) else None


def _extract(graph: rdflib.Graph, root: Path, files: list[Path]) -> dict:
    """The plain-data structure (picklable) behind a Vocabulary."""
    from rdflib import Literal, URIRef

    props: dict[str, dict[str, list]] = {}
    for s, p, o in graph:
        if not isinstance(s, URIRef):
            continue
        props.setdefault(str(s), {}).setdefault(str(p), []).append(o)

    def literal_pairs(values) -> list[tuple[str, str]]:
        return sorted((o.language or "", str(o)) for o in values if isinstance(o, Literal))

    def iris(values) -> list[str]:
        return sorted(str(o) for o in values if isinstance(o, URIRef))

    concepts: dict[str, dict] = {}
    schemes: dict[str, dict] = {}
    cues: dict[str, dict[str, list[str]]] = {}
    concept_types = {SKOS + "Concept", DPAG + "KnownOrganisation"}
    for subject, pv in props.items():
        types = iris(pv.get(RDF_TYPE, []))
        if SKOS + "ConceptScheme" in types:
            flag = [o for o in pv.get(DPAG + "matchCompoundHeads", []) if isinstance(o, Literal)]
            schemes[subject] = {
                "compound_heads": any(o.toPython() is True or str(o).lower() == "true" for o in flag),
                "title": dict(literal_pairs(pv.get("http://purl.org/dc/terms/title", []))),
            }
        if DPAG + "CueSet" in types:
            name = _local(subject, DPACUE) or re.split(r"[#/]", subject)[-1]
            by_lang: dict[str, list[str]] = {}
            for lang, text in literal_pairs(pv.get(DPAG + "pattern", [])):
                by_lang.setdefault(lang, []).append(text)
            cues[name] = by_lang
        in_scheme = iris(pv.get(SKOS + "inScheme", [])) + iris(pv.get(SKOS + "topConceptOf", []))
        if not (in_scheme or concept_types.intersection(types)):
            continue
        notations = sorted(str(o) for o in pv.get(SKOS + "notation", []) if isinstance(o, Literal))
        labels: dict[str, str] = {}
        for lang, text in literal_pairs(pv.get(SKOS + "prefLabel", [])):
            labels.setdefault(lang, text)
        labels_by_lang: dict[str, list[str]] = {}
        extra_pref = [
            (lang, text) for lang, text in literal_pairs(pv.get(SKOS + "prefLabel", [])) if labels.get(lang) != text
        ]
        alt = literal_pairs(pv.get(SKOS + "altLabel", []))
        hidden = literal_pairs(pv.get(SKOS + "hiddenLabel", []))
        for lang, text in [*extra_pref, *alt, *hidden]:
            labels_by_lang.setdefault(lang, []).append(text)
        patterns_by_lang: dict[str, list[str]] = {}
        for lang, text in literal_pairs(pv.get(DPAG + "pattern", [])):
            patterns_by_lang.setdefault(lang, []).append(text)
        extra: dict[str, list[str]] = {}
        for p, values in pv.items():
            name = _local(p, DPAG)
            if name and name not in ("pattern", "caseSensitiveLabel", "alternativeCode"):
                extra[name] = sorted(str(o) for o in values)
        concepts[subject] = {
            "iri": subject,
            "notation": notations[0] if notations else None,
            "notations": notations,
            "labels": labels,
            "alt_labels": [t for _l, t in alt],
            "hidden_labels": [t for _l, t in hidden],
            "labels_by_lang": labels_by_lang,
            "definitions": dict(literal_pairs(pv.get(SKOS + "definition", []))),
            "patterns": [p for ps in patterns_by_lang.values() for p in ps],
            "patterns_by_lang": patterns_by_lang,
            "broader": iris(pv.get(SKOS + "broader", [])),
            "mappings": {m: iris(pv[SKOS + m]) for m in _MAPPING_PROPS if SKOS + m in pv},
            "extra": extra,
            "alt_codes": sorted(str(o) for o in pv.get(DPAG + "alternativeCode", [])),
            "schemes": in_scheme,
            "types": types,
            "case_sensitive_labels": [t for _l, t in literal_pairs(pv.get(DPAG + "caseSensitiveLabel", []))],
        }
    return {
        "files": [str(p.relative_to(root)) for p in files],
        "concepts": concepts,
        "schemes": schemes,
        "cues": cues,
    }


def _digest(files: list[Path], root: Path) -> str:
    h = hashlib.sha256(f"dpagraph-vocab-{_CACHE_FORMAT}".encode())
    for path in files:
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dpagraph"


def load(root: Path) -> Vocabulary:
    """Load (uncached by functools) the vocabulary of one ontology directory."""
    root = Path(root)
    if (root / "ontology").is_dir():
        root = root / "ontology"
    if not root.is_dir():
        raise FileNotFoundError(f"ontology directory not found: {root}")
    files = _ttl_files(root)
    use_cache = not os.environ.get("DPAGRAPH_NO_CACHE")
    cache_file = _cache_dir() / f"vocab-{_digest(files, root)}.pickle" if use_cache else None
    data = None
    if cache_file is not None and cache_file.is_file():
        try:
            with cache_file.open("rb") as fh:
                data = pickle.load(fh)
        except Exception:
            data = None
    graph = None
    if data is None:
        graph = _parse_graph(files)
        data = _extract(graph, root, files)
        if cache_file is not None:
            try:
                cache_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
                with tmp.open("wb") as fh:
                    pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(cache_file)
            except OSError:
                pass
    vocab = Vocabulary(root, data)
    vocab._graph = graph
    return vocab


@functools.cache
def _cached(root: Path) -> Vocabulary:
    return load(root)


def vocabulary(root: Path | str | None = None) -> Vocabulary:
    """The shared vocabulary (loaded once per ontology directory and process)."""
    return _cached(Path(root).resolve() if root is not None else ONTOLOGY_DIR)


__all__ = ["SCHEMES", "Concept", "ConceptScheme", "Vocabulary", "load", "vocabulary"]
