"""Key-value blocks: one entry per group of "Key: value" lines, with an optional heading line.

Layouts seen in practice:
    Amazon Web Services (AWS)            - IONOS SE                  Name/Firma: Mixpanel, Inc.
    Zweck: Hosting …                     - Adresse: … Montabaur      Funktion/Tätigkeit: Analyse
    Dienstanbieter: … SARL, … Luxemburg  - Beschreibung: …           Sitz [Stadt, Land]: …, USA
A block starts at a heading line followed by fields, at a name key, or when a field repeats
(a second "Zweck:" opens the next entry even without a heading); a blank line or a rule
("-----") closes a block. Free lines inside a block
(a location sentence, a transfer clause) are kept as "statement" fields of that entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.document import Document, Line
from graph.extract.sub_cues import cue
from graph.extract.sub_fields import Field, RawEntry
from graph.extract.sub_items import has_inline_fields
from graph.extract.sub_lines import Content, KeyValue, content, key_value
from graph.extract.sub_names import has_legal_form, is_entity_name, looks_like_name, split_name_address

_LABELLED = re.compile(r"^[^:]{1,80}:\s+\S")  # "Any label: value" is a field, never a heading
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_REPEATABLE = ("statement", "safeguard")  # "Drittlandtransfer: ja" then "Garantien: SCC"
CORE_ROLES = ("name", "address", "purpose", "location", "service", "safeguard")


@dataclass
class _Block:
    heading: Content | None = None
    fields: list[Field] = field(default_factory=list)
    bullets: int = 0
    lines: int = 0
    closed: bool = False
    line_numbers: list[int] = field(default_factory=list)

    def has(self, role: str) -> bool:
        return any(f.role == role for f in self.fields)


def block_entries(doc: Document, lines: list[Line], skip_headings: set[int]) -> tuple[list[RawEntry], set[int]]:
    """Entries of the key-value blocks among the lines, and the line numbers they use.

    `skip_headings` are line numbers that can't be an entry heading (the annex title).
    """
    blocks: list[_Block] = []
    cur: _Block | None = None
    pending: Content | None = None
    for line in lines:
        if line.is_blank or _RULE.match(line.text):
            pending = _flush_pending(pending, cur)
            if cur is not None:
                cur.closed = True
            continue
        c = content(line)
        kv = key_value(c)
        if kv is not None and kv.role == "ignore":
            continue
        if has_inline_fields(c.text):
            pending = _flush_pending(pending, cur)
            if cur is not None:
                cur.closed = True
            continue
        if kv is not None and kv.role is not None:
            cur = _add_field(doc, blocks, cur, pending, c, kv)
            pending = None
            continue
        pending = _flush_pending(pending, cur)
        if line.number not in skip_headings and _heading_candidate(c):
            pending = c
        elif cur is not None and not cur.closed:
            _add_statement(doc, cur, c)
    _flush_pending(pending, cur)
    blocks = [b for b in blocks if _named(b)]
    certain = sum(1 for b in blocks if _certain(doc, b))
    entries, used = [], set()
    for block in blocks:
        if not (_certain(doc, block) or certain * 2 >= len(blocks)):
            continue
        entries.append(_to_entry(doc, block))
        used.update(block.line_numbers)
    return entries, used


def _named(block: _Block) -> bool:
    """A block needs a name (field or heading) and at least one other core field."""
    core = [f for f in block.fields if f.role in CORE_ROLES and f.role != "name"]
    names = [f for f in block.fields if f.role == "name"]
    if names and not core and block.heading is None:
        return has_legal_form(names[0].text)  # "Anbieter: Acme GmbH (Hosting, Deutschland)"
    return (bool(names) or block.heading is not None) and bool(core or names and block.heading)


def _certain(doc: Document, block: _Block) -> bool:
    """Sure to be an entity: a name field, an address or place, or a legal form in the heading.

    A heading with only a purpose ("Leistungsbeschreibung" / "Zweck: …") counts when most
    blocks of the list are certain, so brand headings in a list of companies are kept.
    """
    if block.has("name") or block.has("address") or block.has("location"):
        return True
    return block.heading is not None and is_entity_name(block.heading.text)


def _add_field(
    doc: Document, blocks: list[_Block], cur: _Block | None, pending: Content | None, c: Content, kv: KeyValue
) -> _Block:
    """Attach a field to the current block or open a new one."""
    role = kv.role or "statement"
    numbered = c.ordered and cur is not None and bool(cur.fields)
    if pending is not None or cur is None or cur.closed or numbered or (cur.has(role) and role not in _REPEATABLE):
        cur = _Block(heading=pending)
        if pending is not None:
            cur.line_numbers.append(pending.line.number)
            cur.bullets += pending.bullet
        blocks.append(cur)
    if kv.value_end > kv.value_start:
        cur.fields.append(Field(role, kv.value_start, kv.value_end, doc.text[kv.value_start : kv.value_end]))
    cur.line_numbers.append(c.line.number)
    cur.bullets += c.bullet
    cur.lines += 1
    return cur


def _flush_pending(pending: Content | None, cur: _Block | None) -> None:
    """A heading candidate not followed by fields is a free line of the open block, unless it
    names another entity: then it is a one-line item and the block ends."""
    if pending is not None and cur is not None and not cur.closed:
        if entity_line(pending.text):
            cur.closed = True
            return None
        cur.fields.append(Field("statement", pending.start, pending.end, pending.text))
        cur.line_numbers.append(pending.line.number)
    return None


def _add_statement(doc: Document, cur: _Block, c: Content) -> None:
    """Keep a free line inside a block unless it talks about sub-processors in general."""
    if c.end <= c.start or cue("non-entry").search(c.text):
        return
    cur.fields.append(Field("statement", c.start, c.end, doc.text[c.start : c.end]))
    cur.line_numbers.append(c.line.number)


def _heading_candidate(c: Content) -> bool:
    """A short name-like line: "Amazon Web Services (AWS)", "IONOS SE", "### Mailgun"."""
    text = c.text.strip()
    if not text or text.endswith((":", ";", ",")) or len(text) > 250 or _LABELLED.match(text):
        return False
    if cue("subprocessor-heading").search(text) and not cue("legal-form").search(text):
        return False
    return looks_like_name(text, max_words=10) or entity_line(text)


def entity_line(text: str) -> bool:
    """The line opens with a legal entity and its address: "OVH SAS, 2 rue Kellermann, …"."""
    split = split_name_address(text.replace("**", ""))
    return split is not None and looks_like_name(text.replace("**", "")[: split[0]], max_words=8)


def _to_entry(doc: Document, block: _Block) -> RawEntry:
    start = block.heading.start if block.heading is not None else min(f.start for f in block.fields)
    layout = "bullets" if block.bullets * 2 > block.lines else "key-value"
    entry = RawEntry(layout, start, start)
    if block.heading is not None:
        h = block.heading
        entry.add(Field("heading", h.start, h.end, doc.text[h.start : h.end]))
    for f in block.fields:
        entry.add(f)
    return entry
