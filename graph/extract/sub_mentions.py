"""Statements about one listed entry outside the list: notes on an entry number, seat and
location sentences that name the entry, and clauses tying a transfer tool to it.

* "Hinweis zu Nr. 4: …" / "Note on item 2: …" below a numbered list is no entry of its own;
  its places and mechanisms (scope "footnote": they reach the entry through a reference) go
  to the entry with that number.
* "X hat seinen Sitz in Y" / "X is based in Y" gives the seat of entry X when its row had
  none; "die Server stehen in Z" / "hosted in Z" adds places of processing; a mechanism in a
  sentence that names exactly one entry is that entry's (scope "entry").
An entry is named by its name without the legal form, its first distinctive word or its
service label; a sentence that names two entries is ambiguous and left alone.
"""

from __future__ import annotations

import re

from graph.document import Document
from graph.extract.mechanisms import find_mechanisms, mask, mechanisms_in
from graph.extract.places import EU, address_country, codes, location_countries
from graph.extract.sub_cues import cue, legal_form
from graph.extract.sub_prose import sentence_spans
from graph.model import SubprocessorEntry

MIN_ALIAS = 4
PREAMBLE = 1200  # the parties block before the list: a word found there names a party
_NUMBER = re.compile(r"^\s*\(?(\d{1,2})[.)]\s")


def note_spans(doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, entry number) of every note line on a numbered entry."""
    out = []
    for line in doc.lines:
        m = cue("entry-note").search(line.text)
        number = next((g for g in m.groups() if g), None) if m else None
        if number:
            out.append((line.start, line.end, int(number)))
    return out


def apply_notes(doc: Document, entries: list[SubprocessorEntry], notes: list[tuple[int, int, int]]) -> None:
    """Add the places and mechanisms of each note to the entry it refers to by number."""
    for start, end, number in notes:
        target = _numbered(doc, entries, number, start)
        if target is None:
            continue
        text = doc.text[start:end]
        hits = location_countries(mask(text, find_mechanisms(text)))
        found = codes(hits)
        if len(found) > 1 and EU in found:
            found.remove(EU)
        _add_countries(target, found)
        for m in mechanisms_in(doc, start, end, "footnote"):
            if m.code not in {x.code for x in target.mechanisms}:
                target.mechanisms.append(m)


def _numbered(doc: Document, entries: list[SubprocessorEntry], number: int, before: int) -> SubprocessorEntry | None:
    """The last entry above `before` whose line is numbered `number`."""
    found = None
    for e in entries:
        if e.evidence is None or e.evidence.start > before:
            continue
        line = doc.line_at(e.evidence.start)
        m = _NUMBER.match(line.text)
        if m and int(m.group(1)) == number:
            found = e
    return found


def alias_table(doc: Document, entries: list[SubprocessorEntry]) -> list[tuple[SubprocessorEntry, list[str]]]:
    """Each entry with the names a sentence may call it by (see `_aliases`)."""
    first = min((e.evidence.start for e in entries if e.evidence is not None), default=0)
    preamble = doc.text[: min(PREAMBLE, first)]
    return [(e, _aliases(e, preamble)) for e in entries]


def named_entries(sentence: str, table: list[tuple[SubprocessorEntry, list[str]]]) -> list[SubprocessorEntry]:
    """The entries the sentence names."""
    return [e for e, aliases in table if any(_names(sentence, a) for a in aliases)]


def apply_mentions(doc: Document, entries: list[SubprocessorEntry], exclude: list[tuple[int, int]]) -> None:
    """Seat, places and mechanisms from sentences outside the list that name one entry."""
    table = alias_table(doc, entries)
    for start, end in sentence_spans(doc.text, 0, len(doc.text)):
        if any(start < x_end and x_start < end for x_start, x_end in exclude):
            continue
        named = named_entries(doc.text[start:end], table)
        if len(named) != 1:
            continue
        _apply(doc, named[0], start, end)


def _apply(doc: Document, entry: SubprocessorEntry, start: int, end: int) -> None:
    sentence = doc.text[start:end]
    hits = find_mechanisms(sentence)
    clean = mask(sentence, hits)
    seat = cue("seat-statement").search(clean)
    place = cue("location-statement").search(clean)
    if seat and entry.seat_country is None:
        stop = place.start() if place and place.start() > seat.end() else len(clean)
        rest = re.split(r";\s", clean[seat.end() : stop], maxsplit=1)[0]
        parts = re.split(r",\s", rest)
        # "in Karlsruhe, …" names the country by the city; "in Rastede, Deutschland" by the next part
        entry.seat_country = address_country(parts[0]) or address_country(", ".join(parts[:2]))
    if place:
        after = codes(location_countries(clean[place.start() :]))
        # "… in the Frankfurt (Germany) region": the places stand before a trailing cue
        before = clean[: place.start()]
        clause = re.split(r"[,;:]\s|\.\s", before)[-1]
        _add_countries(entry, after or codes(location_countries(clause)))
    elif cue("eu-place-adjective").search(clean):
        _add_countries(entry, [EU])
    if hits and (seat or place or cue("third-country").search(sentence) or _certifies(sentence)):
        for m in mechanisms_in(doc, start, end, "entry"):
            if m.code not in {x.code for x in entry.mechanisms}:
                entry.mechanisms.append(m)


def _certifies(sentence: str) -> bool:
    return bool(cue("mechanism-reliance").search(sentence))


def _add_countries(entry: SubprocessorEntry, found: list[str]) -> None:
    entry.processing_countries += [c for c in found if c not in entry.processing_countries]


def _aliases(entry: SubprocessorEntry, preamble: str) -> list[str]:
    """How a sentence may name the entry: core name, first distinctive word, service label.

    The first word does not count when the preamble uses it: "Acme" is then the party
    "Acme GmbH", and "Acme Ireland Limited" is only its affiliate."""
    out = []
    core = legal_form().sub(" ", entry.name)
    core = " ".join(core.replace(",", " ").split()).strip(" .&")
    if len(core) >= MIN_ALIAS:
        out.append(core)
    first = core.split()[0] if core.split() else ""
    if (
        len(first) >= MIN_ALIAS
        and first[0].isupper()
        and not cue("name-stopword").fullmatch(first)
        and not _names(preamble, first)
    ):
        out.append(first)
    acronym = _acronym(core)
    if acronym and not _names(preamble, acronym):
        out.append(acronym)
    if entry.service and len(entry.service) >= MIN_ALIAS and len(entry.service.split()) <= 3:
        out.append(entry.service)
    return out


def _acronym(core: str) -> str | None:
    """Initials of the leading capitalised words of a three-word name ("Big Data Store" -> "BDS")."""
    words = []
    for w in core.split():
        if not (w[:1].isupper() and w[1:2].islower()):
            break
        words.append(w)
    return "".join(w[0] for w in words[:3]) if len(words) >= 3 else None


def _names(sentence: str, alias: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", sentence) is not None
