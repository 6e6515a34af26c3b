"""Sub-processors of a DPA: find the list(s), parse the entries, resolve places and mechanisms.

`find_subprocessors(doc)` is the one entry point. The work is split by job:
`annex` finds list regions, `entries` parses them in every layout, `places` resolves
countries, `footnotes` ties markers to footnote texts and `mechanisms` finds transfer tools.
`sub_mentions` adds what notes ("Hinweis zu Nr. 4") and sentences outside the list say
about one named entry (seat, places of processing, mechanisms).
This module turns raw entries into `SubprocessorEntry` records and merges repeated listings
of one legal entity (purposes joined with "; ", as in the gold files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.document import Document
from graph.extract.annex import Region, find_regions
from graph.extract.entries import document_prose, region_entries, region_prose
from graph.extract.footnotes import blank_markers, find_definitions, find_markers
from graph.extract.language import detect_language
from graph.extract.mechanisms import (
    document_mechanisms,
    find_mechanisms,
    footnote_mechanisms,
    mask,
    mechanisms_in,
)
from graph.extract.places import address_country, codes, location_countries, mostly_places
from graph.extract.sub_cues import cue
from graph.extract.sub_fields import Field, RawEntry
from graph.extract.sub_mentions import apply_mentions, apply_notes, note_spans
from graph.extract.sub_names import clean_name, has_legal_form, known_org, name_key, split_name_address
from graph.extract.sub_prose import sentence_spans
from graph.model import Mechanism, Span, SubprocessorEntry

NO_LIST = "no sub-processor list found"
_NAME_BRACKET = re.compile(r"\(([^()]+)\)\s*$")
MAX_PURPOSE = 160
_CODE_LIST = re.compile(r"[A-Z]{2}(?:\s*[,/;&]\s*[A-Z]{2})+")
_MARKER_ROLES = ("name", "heading", "service", "address", "seat", "location", "purpose", "safeguard")
_MECHANISM_ROLES = ("location", "safeguard", "purpose", "statement", "seat")


@dataclass
class SubprocessorResult:
    entries: list[SubprocessorEntry] = field(default_factory=list)
    document_mechanisms: list[Mechanism] = field(default_factory=list)  # scope "document"
    warnings: list[str] = field(default_factory=list)
    annex: Span | None = None  # the first list found


def find_subprocessors(doc: Document) -> SubprocessorResult:
    """All sub-processors of the document, merged per legal entity, with document mechanisms."""
    result = SubprocessorResult()
    regions = find_regions(doc)
    raws = _structured(doc, regions, result)
    if not raws:
        raws = [r for region in regions for r in region_prose(doc, region)] or document_prose(doc)
        if raws:
            result.annex = doc.span(raws[0].start, raws[-1].end)
    notes = note_spans(doc)
    raws = [r for r in raws if not any(s <= r.start < e for s, e, _ in notes)]
    default = _postcode_default(doc)
    built = [e for e in (build_entry(doc, raw, default) for raw in raws) if e is not None]
    apply_notes(doc, built, notes)
    result.entries = merge_entries(built)
    exclude = [(r.start, r.end) for r in raws] + [(n.start, n.end) for r in raws for n in r.footnotes.values()]
    exclude += [(s, e) for s, e, _ in notes]
    apply_mentions(doc, result.entries, exclude)
    result.document_mechanisms = document_mechanisms(doc, exclude)
    if not result.entries:
        result.warnings.append(NO_LIST)
    return result


def _structured(doc: Document, regions: list[Region], result: SubprocessorResult) -> list[RawEntry]:
    """Entries of every region's tables, blocks and items, each with its list's footnotes."""
    raws: list[RawEntry] = []
    for region in regions:
        found = region_entries(doc, region)
        if not found:
            continue
        end = max(e.end for e in found)
        if result.annex is None:
            result.annex = doc.span(region.start, end)
        notes = find_definitions(doc, end)
        for raw in found:
            raw.footnotes = notes
        raws.extend(found)
    return raws


def build_entry(doc: Document, raw: RawEntry, default: str | None = None) -> SubprocessorEntry | None:
    """One raw entry as a record: entity name, seat, places, mechanisms, purpose."""
    fields = list(raw.fields)
    name, service, fields = _entity(doc, raw, fields)
    if not name:
        return None
    entry = SubprocessorEntry(name=name, service=service, layout=raw.layout, evidence=doc.span(raw.start, raw.end))
    entry.seat_country = _seat(fields, default)
    entry.processing_countries = _processing(doc, fields)
    entry.mechanisms = _entry_mechanisms(doc, fields, raw.footnotes)
    entry.purpose = _purpose(fields, service)
    return entry


def _entity(doc: Document, raw: RawEntry, fields: list[Field]) -> tuple[str, str | None, list[Field]]:
    """The legal entity, the product/service label and the fields with any split-off address.

    The entity comes from the name field; a name field carrying an address is split; a brand
    in the name column yields to a legal entity that opens the address ("Hetzner" ->
    "Hetzner Online GmbH, Industriestr. 25 …"); a heading is the service when a name exists.
    """
    name_f, heading = raw.first("name"), raw.first("heading")
    service_f = raw.first("service")
    service = heading.value if (heading and name_f) else (service_f.value if service_f else None)
    if name_f is None:
        name_f = heading
    if name_f is None:
        return "", None, fields
    name_f, address = _split_name_field(doc, name_f)
    if address is not None:
        fields.append(address)
    name_f, inner = _name_bracket(doc, name_f, fields)
    if inner is not None:
        return clean_name(inner.text), clean_name(name_f.text), fields
    name = clean_name(name_f.text)
    if not has_legal_form(name):
        name, service, fields = _entity_from_address(doc, name, service, fields)
    if service and not has_legal_form(name) and has_legal_form(service):
        name, service = clean_name(service), name
    if service and name_key(service) == name_key(name):
        service = None
    return name, service, fields


def _split_name_field(doc: Document, f: Field) -> tuple[Field, Field | None]:
    """ "Stripe, Inc., 510 Townsend Street, …" -> name field and address field."""
    split = split_name_address(f.text) or split_name_address(f.text, require_legal_form=False)
    if split is None:
        return f, None
    name_end, rest = split
    rest_text = f.text[rest:]
    if rest >= len(f.text) or not any(ch.isdigit() for ch in rest_text) and address_country(rest_text) is None:
        return f, None
    if f.text != doc.text[f.start : f.end]:  # a grid cell joined from several lines
        cut = min(f.start + name_end, f.end)
        return Field(f.role, f.start, cut, f.text[:name_end]), Field("address", cut, f.end, f.text[rest:])
    name = Field(f.role, f.start, f.start + name_end, doc.text[f.start : f.start + name_end])
    return name, Field("address", f.start + rest, f.end, doc.text[f.start + rest : f.end])


def _name_bracket(doc: Document, f: Field, fields: list[Field]) -> tuple[Field, Field | None]:
    """Read a trailing bracket of the name: places are the seat, other parts the purpose
    ("Acme GmbH (Hosting, Deutschland)"); a legal entity in the bracket of a brand is the
    entity itself ("Sentry (Functional Software, Inc.)" -> returned as the second value).
    Brackets that are neither ("HighLevel LLC (GoHighLevel)") stay in the name."""
    m = _NAME_BRACKET.search(blank_markers(f.text))
    if not m or m.start() == 0:
        return f, None
    outer_end = f.start + m.start()
    inner = Field("name", f.start + m.start(1), f.start + m.end(1), doc.text[f.start + m.start(1) : f.start + m.end(1)])
    outer = Field(f.role, f.start, outer_end, doc.text[f.start : outer_end])
    parts = _bracket_parts(doc, inner)
    places = [p for p in parts if mostly_places(p.text)]
    if places:
        fields.extend(Field("seat", p.start, p.end, p.text) for p in places)
        if not any(x.role == "purpose" for x in fields):
            fields.extend(Field("purpose", p.start, p.end, p.text) for p in parts if p not in places)
        return outer, None
    if has_legal_form(inner.text) and not has_legal_form(outer.text):
        return outer, inner
    return f, None


def _bracket_parts(doc: Document, f: Field) -> list[Field]:
    out = []
    for m in re.finditer(r"[^,;/]+", f.text):
        s, e = f.start + m.start(), f.start + m.end()
        while s < e and doc.text[s].isspace():
            s += 1
        while e > s and doc.text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Field("part", s, e, doc.text[s:e]))
    return out


def _entity_from_address(
    doc: Document, name: str, service: str | None, fields: list[Field]
) -> tuple[str, str | None, list[Field]]:
    for i, f in enumerate(fields):
        if f.role != "address":
            continue
        split = split_name_address(f.text)
        if split is None:
            continue
        name_end, rest = split
        entity = clean_name(f.text[:name_end])
        fields = (
            fields[:i] + [Field("address", f.start + rest, f.end, doc.text[f.start + rest : f.end])] + fields[i + 1 :]
        )
        return entity, service or name, fields
    return name, service, fields


def _seat(fields: list[Field], default: str | None) -> str | None:
    """Seat country from the address or seat fields, first that resolves."""
    for f in fields:
        if f.role in ("address", "seat"):
            listed = _country_list(f.text)
            if listed:
                return listed[0]  # a "Land" cell "AT, DE": seat first, the rest are places
            country = address_country(f.text, default if f.role == "address" else None)
            if country:
                return country
    return None


def _processing(doc: Document, fields: list[Field]) -> list[str]:
    """Places of processing: location fields, then location sentences of the entry."""
    hits = []
    for f in fields:
        if f.role == "location":
            hits.extend(location_countries(mask(f.text, find_mechanisms(f.text, short_forms=True))))
        elif f.role in ("address", "seat") and len(_country_list(f.text)) > 1:
            hits.extend(location_countries(f.text))
        elif f.role in ("statement", "purpose"):
            for s, e in sentence_spans(f.text, 0, len(f.text)):
                sentence = f.text[s:e]
                if _location_statement(sentence):
                    hits.extend(location_countries(mask(sentence, find_mechanisms(sentence))))
    return codes(hits)


def _country_list(text: str) -> list[str]:
    """The codes of a cell that only lists ISO codes: "AT, DE" -> ["AT", "DE"], else []."""
    if not _CODE_LIST.fullmatch(text.strip()):
        return []
    return codes(location_countries(text))


def _location_statement(text: str) -> bool:
    """A sentence that states where this entry processes data."""
    return bool(cue("location-statement").search(text)) and not _generic(text)


def _generic(text: str) -> bool:
    """A line about sub-processors in general, not about this entry."""
    return bool(cue("subprocessor-term").search(text))


def _entry_mechanisms(doc: Document, fields: list[Field], notes: dict[str, Span]) -> list[Mechanism]:
    """Mechanisms written in the entry (scope entry), then those reached through its markers."""
    out: list[Mechanism] = []
    for f in fields:
        if f.role in _MECHANISM_ROLES and not (f.role == "statement" and _generic(f.text)):
            short = f.role in ("location", "safeguard")
            out.extend(m for m in mechanisms_in(doc, f.start, f.end, "entry", short) if m.code not in _codes(out))
    for f in fields:
        if f.role not in _MARKER_ROLES:
            continue
        for marker in find_markers(f.text, f.start):
            note = notes.get(marker.key)
            if note is not None:
                out.extend(m for m in footnote_mechanisms(doc, note) if m.code not in _codes(out))
    return out


def _codes(mechanisms: list[Mechanism]) -> set[str]:
    return {m.code for m in mechanisms}


def _purpose(fields: list[Field], service: str | None) -> str | None:
    """The purpose as written, cut to its lead phrase when long; the service if none is given."""
    f = next((f for f in fields if f.role == "purpose"), None)
    if f is None:
        return service
    text = f.value
    if len(text) > MAX_PURPOSE:
        m = cue("purpose-cut").search(text)
        if m and m.start() > 10:
            text = text[: m.start()].rstrip(" ,;:")
    if len(text) > MAX_PURPOSE * 2 and service:
        return service
    return text or service


def merge_entries(entries: list[SubprocessorEntry]) -> list[SubprocessorEntry]:
    """One entry per legal entity, in order of first listing.

    Listings with the same name merge; a bare brand ("Google Analytics") merges into the legal
    entity the registry knows it by, when that entity is listed too ("Google Ireland Limited").
    """
    merged: dict[str, SubprocessorEntry] = {}
    for entry in entries:
        key = name_key(entry.name)
        if key in merged:
            _absorb(merged[key], entry)
        else:
            merged[key] = entry
    out = list(merged.values())
    legal = {known_org(e.name, full=True): e for e in out if has_legal_form(e.name)}
    legal.pop(None, None)
    for entry in list(out):
        target = None if has_legal_form(entry.name) else legal.get(known_org(entry.name))
        if target is not None and target is not entry:
            target.service = _join(entry.name, target.service)
            _absorb(target, entry)
            out.remove(entry)
    return out


def _absorb(into: SubprocessorEntry, other: SubprocessorEntry) -> None:
    """Fold a repeated listing into the first one."""
    into.purpose = _join(into.purpose, other.purpose)
    into.service = _join(into.service, other.service)
    into.seat_country = into.seat_country or other.seat_country
    into.processing_countries += [c for c in other.processing_countries if c not in into.processing_countries]
    into.mechanisms += [m for m in other.mechanisms if m.code not in _codes(into.mechanisms)]
    if other.evidence is not None:
        into.extra_evidence.append(other.evidence)


def _join(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return a or b
    parts = a.split("; ")
    return a if b in parts else f"{a}; {b}"


def _postcode_default(doc: Document) -> str | None:
    """A German document's "56410 Montabaur" is in Germany (gold README convention)."""
    return "DE" if detect_language(doc.text) == "de" else None
