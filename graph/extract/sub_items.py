"""One-line list items: "- Acme Ltd (Ireland) – hosting – EU", "1. Acme GmbH, Berlin – Hosting".

The first segment is the entity (its bracket, when it names a country, is the seat; a town
after a comma is the address); later segments are classified by content: places become the
place of processing, mechanism names the safeguard, the first other text the purpose.
A street address right after the name ("Acme B.V. – Kade 1, 1011 AB Amsterdam, Netherlands –
Hosting") is the address; a bracket after the purpose that holds only places and transfer
tools ("hosting (location: USA; SCC)") gives location and safeguard fields.
"""

from __future__ import annotations

import re

from graph.document import Document, Line
from graph.extract.mechanisms import find_mechanisms
from graph.extract.places import address_country, mostly_places
from graph.extract.sub_cues import cue, legal_form
from graph.extract.sub_fields import Field, RawEntry, field_role, is_header_line
from graph.extract.sub_lines import content
from graph.extract.sub_names import (
    cut_lead_words,
    has_legal_form,
    is_entity_name,
    looks_like_name,
    lower_case_entity,
    split_name_address,
)
from graph.extract.sub_prose import org_names

MAX_PHRASE_WORDS = 12
_SEPARATOR = re.compile(r"\s+[–—]\s+|\s+-\s+|\s*\|\s*|;\s+|\t+")
_TRAILING_BRACKET = re.compile(r"\s*\(([^()]*)\)\s*$")
_INLINE_SEPARATOR = re.compile(r";\s+|\s+\|\s+|\s+[–—]\s+(?=[^:;|]{1,40}:\s)")
_INLINE_KV = re.compile(r"\s*(?P<key>[^:;|]{1,40}?)\s*:\s*(?P<value>\S[^;|]*)")


def item_entries(doc: Document, lines: list[Line], used: set[int]) -> tuple[list[RawEntry], set[int]]:
    """Entries of one-line items among the lines not used by tables or blocks.

    A name without a legal form is accepted when most items of the same list have one, so
    "n8n" in a list of companies counts, while "Stammdaten: Name" in a data list does not.
    """
    runs = _runs([ln for ln in lines if ln.number not in used and not ln.is_blank])
    entries, taken = [], set()
    for run in runs:
        parsed = [(ln, _parse(doc, ln)) for ln in run]
        parsed = [(ln, p) for ln, p in parsed if p is not None]
        legal = sum(1 for _, (_, strong) in parsed if strong)
        for ln, (entry, strong) in parsed:
            if not (strong or (legal * 2 >= len(parsed) and legal >= 1)):
                continue
            if not content(ln).bullet and len(parsed) < 2:
                continue  # a lone plain line (a footer "Acme GmbH · Street 1 · Town") is no list
            entries.append(entry)
            taken.add(ln.number)
    return entries, taken


def _runs(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines (line numbers without gaps other than blank lines) form one list."""
    runs: list[list[Line]] = []
    for ln in lines:
        if runs and ln.number - runs[-1][-1].number <= 2:
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _parse(doc: Document, line: Line) -> tuple[RawEntry, bool] | None:
    """The item as an entry and whether its name is certain (legal form), or None."""
    c = content(line)
    text = c.text
    if not text or cue("not-subprocessor").search(text) or cue("non-entry").search(text) or is_header_line(text):
        return None
    layout = "bullets"  # one entry per line, with or without a list marker
    inline = _inline_fields(doc, c.start, text, layout)
    if inline is not None:
        return inline
    parts = _segments(text)
    if not parts:
        return None
    name_start, name_end = parts[0]
    entry = RawEntry(layout, c.start, c.end)
    name_start, name_end = _embedded_name(doc, entry, c.start, text, name_start, name_end)
    name_end = _take_bracket(doc, entry, c.start, text, name_start, name_end)
    name_end = _take_address(doc, entry, c.start, text, name_start, name_end)
    cut = cut_lead_words(text[name_start:name_end])
    if cut and lower_case_entity(text[name_start + cut : name_end]):  # "die rapidmail GmbH"
        name_start += cut
    name = text[name_start:name_end]
    if not looks_like_name(name, max_words=8) or cue("subprocessor-term").search(name):
        return None
    entry.add(
        Field("name", c.start + name_start, c.start + name_end, doc.text[c.start + name_start : c.start + name_end])
    )
    for s, e in parts[1:]:
        _classify(doc, entry, c.start + s, c.start + e)
    strong = is_entity_name(name)
    if len(parts) < 2 and not (entry.has("seat") or entry.has("address") or strong):
        return None
    return entry, strong


def _inline_fields(doc: Document, base: int, text: str, layout: str) -> tuple[RawEntry, bool] | None:
    """ "Sub-processor: Acme SAS, Paris; Service: hosting; Location: France" on one line."""
    fields = [Field(role, base + s, base + e, doc.text[base + s : base + e]) for role, s, e in _inline_pairs(text)]
    roles = {f.role for f in fields}
    if "name" not in roles or len(roles) < 2:
        return None
    entry = RawEntry(layout, base, base + len(text))
    for f in fields:
        entry.add(f)
    name = next(f for f in fields if f.role == "name")
    return entry, is_entity_name(name.text)


def has_inline_fields(text: str) -> bool:
    """Two or more "Key: value" pairs with known roles on one line."""
    return len(_inline_pairs(text)) >= 2


def _inline_pairs(text: str) -> list[tuple[str, int, int]]:
    """(role, value start, value end) of each "Key: value" part with a known key."""
    out, pos = [], 0
    for m in [*_INLINE_SEPARATOR.finditer(text), None]:
        end = m.start() if m else len(text)
        kv = _INLINE_KV.match(text, pos, end)
        role = field_role(kv.group("key")) if kv else None
        if kv and role and role != "ignore":
            out.append((role, kv.start("value"), end))
        pos = m.end() if m else len(text)
    return out


def _segments(text: str) -> list[tuple[int, int]]:
    """Offsets of the parts between separators; a first ':' also separates name and rest."""
    out, pos = [], 0
    for m in _SEPARATOR.finditer(text):
        if text.count("(", 0, m.start()) > text.count(")", 0, m.start()) and ")" in text[m.end() :]:
            continue  # "(location: USA; SCC)": a separator inside a bracket splits nothing
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    if out:
        s, e = out[0]
        colon = text.find(": ", s, e)
        if colon > 0 and "://" not in text[s:e]:
            out[0:1] = [(s, colon), (colon + 2, e)]
    return [(s, e) for s, e in out if text[s:e].strip()]


def _embedded_name(doc: Document, entry: RawEntry, base: int, text: str, start: int, end: int) -> tuple[int, int]:
    """ "Hosting bei Acme Online GmbH in Falkenstein": the company inside a phrase is the name,
    the phrase its purpose. Names written as names ("HOSTINGER operations, UAB") stay whole."""
    segment = text[start:end]
    if len(segment.split()) > MAX_PHRASE_WORDS or not _has_plain_words(segment):
        return start, end  # long text is a sentence: prose, not a list item
    names = [(s, e) for s, e in org_names(segment) if has_legal_form(segment[s:e])]
    if not names:
        return start, end
    n_start, n_end = names[0]
    if n_start == 0 and (n_end >= len(segment.rstrip()) or segment[n_end:].lstrip().startswith(",")):
        return start, end  # "Acme OÜ, Narva mnt 5, Tallinn": a name and its address, no phrase
    entry.add(Field("purpose", base + start, base + end, doc.text[base + start : base + end]))
    if segment[n_end:].lstrip().startswith(","):
        n_end = len(segment)  # "…, Paris": the address follows and is split off next
    return start + n_start, start + n_end


def _has_plain_words(text: str) -> bool:
    """Lower-case words other than legal forms and name joiners ("bei", "in", "for")."""
    core = legal_form().sub(" ", text)
    return any(
        w.isalpha() and w.islower() and len(w) >= 2 and not cue("name-joiner").fullmatch(w)
        for w in re.findall(r"[^\W\d_]+", core)
    )


def _take_bracket(doc: Document, entry: RawEntry, base: int, text: str, start: int, end: int) -> int:
    """A bracket after the name that names places is the seat: "Acme Ltd (Ireland)"."""
    m = _TRAILING_BRACKET.search(text[start:end])
    if not m:
        return end
    inner = m.group(1)
    if not mostly_places(inner):
        return end
    s, e = start + m.start(1), start + m.end(1)
    entry.add(Field("seat", base + s, base + e, doc.text[base + s : base + e]))
    return start + m.start()


def _take_address(doc: Document, entry: RawEntry, base: int, text: str, start: int, end: int) -> int:
    """A town or address after the name and a comma: "Acme GmbH, Berlin"."""
    split = split_name_address(text[start:end], require_legal_form=True)
    if split is None:
        return end
    name_end, rest = split
    if start + rest >= end:
        return end
    entry.add(Field("address", base + start + rest, base + end, doc.text[base + start + rest : base + end]))
    return start + name_end


def _classify(doc: Document, entry: RawEntry, s: int, e: int) -> None:
    """A later segment: safeguard, place of processing, purpose or a free statement."""
    text = doc.text[s:e]
    mech = find_mechanisms(text, short_forms=True)
    letters = sum(1 for ch in text if ch.isalpha())
    mech_letters = sum(end - start for _, start, end in mech)
    if mech and mech_letters * 2 >= letters:
        role = "safeguard"
    elif not (entry.has("address") or entry.has("seat") or entry.has("purpose")) and _address_like(text):
        role = "address"  # "Acme B.V. – Kade 1, 1011 AB Amsterdam, Netherlands – Hosting"
    elif mostly_places(text):
        role = "location"
    elif not entry.has("purpose"):
        role = "purpose"
        bracket = _TRAILING_BRACKET.search(text)
        if bracket and mostly_places(bracket.group(1)):  # "Hosting (USA)"
            b_start, b_end = s + bracket.start(1), s + bracket.end(1)
            entry.add(Field("location", b_start, b_end, doc.text[b_start:b_end]))
            e = s + bracket.start()
            text = doc.text[s:e]
        elif bracket and _bracket_fields(doc, entry, s + bracket.start(1), s + bracket.end(1)):
            e = s + bracket.start()  # "hosting (location: United States; SCC)"
            text = doc.text[s:e]
    else:
        role = "statement"
    entry.add(Field(role, s, e, text))


def _address_like(text: str) -> bool:
    """A street address: a number, a comma and a country or known town ("Kade 1, 1011 AB Amsterdam")."""
    return bool(re.search(r"\d", text)) and "," in text and address_country(text) is not None


def _bracket_fields(doc: Document, entry: RawEntry, start: int, end: int) -> bool:
    """A bracket of places and transfer tools after a purpose, "(Standort: USA; SCC)": each
    part becomes a location or safeguard field. False (and nothing added) if a part is other text."""
    fields = []
    for m in re.finditer(r"[^;,]+", doc.text[start:end]):
        s, e = start + m.start(), start + m.end()
        label = re.match(r"\s*([^:]{1,30}):\s*", m.group(0))
        if label:
            s += label.end()
        part = doc.text[s:e].strip()
        if not part:
            continue
        role = field_role(label.group(1)) if label else None
        mech = find_mechanisms(part, short_forms=True)
        if role == "safeguard" or (not role and mech):
            fields.append(Field("safeguard", s, e, doc.text[s:e]))
        elif role in ("location", None) and mostly_places(part):
            fields.append(Field("location", s, e, doc.text[s:e]))
        else:
            return False
    for f in fields:
        entry.add(f)
    return bool(fields)
