"""Raw entries of a sub-processor list and the roles of their fields.

Every layout parser (tables, key-value blocks, bullet items, prose) produces `RawEntry`
objects made of role-tagged `Field`s with document offsets; `subprocessors.py` turns them
into `SubprocessorEntry` records. Roles come from column headers and keys via cue sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.extract.footnotes import strip_markers
from graph.extract.sub_cues import cue
from graph.model import Span

# Roles in the order they are tried: the first cue set that matches a header wins.
ROLE_ORDER = ("ignore", "safeguard", "location", "address", "name", "service", "purpose")
ROLES = (*ROLE_ORDER, "seat", "statement")
# seat: a bare country for the seat ("Acme Ltd (Ireland)"); statement: a free line of a block.


@dataclass(frozen=True)
class Field:
    role: str
    start: int  # offsets into Document.text
    end: int
    text: str  # Document.text[start:end]

    @property
    def value(self) -> str:
        """The text on one line, without markers or markdown emphasis."""
        return " ".join(strip_markers(self.text).replace("**", "").split()).strip(" |")


@dataclass
class RawEntry:
    layout: str  # table | key-value | bullets | prose
    start: int
    end: int
    fields: list[Field] = field(default_factory=list)
    footnotes: dict[str, Span] = field(default_factory=dict)  # marker -> footnote text below the list

    def get(self, role: str) -> list[Field]:
        return [f for f in self.fields if f.role == role]

    def first(self, role: str) -> Field | None:
        found = self.get(role)
        return found[0] if found else None

    def has(self, role: str) -> bool:
        return any(f.role == role for f in self.fields)

    def add(self, f: Field) -> None:
        self.fields.append(f)
        self.start = min(self.start, f.start)
        self.end = max(self.end, f.end)


def normalise_label(text: str) -> str:
    """A header or key as compared with the cue sets: lower case, no markers or punctuation."""
    label = strip_markers(text).replace("**", "").replace("*", "")
    label = re.sub(r"\s+", " ", label).strip(" :|-–").lower()
    return label


def field_role(label: str) -> str | None:
    """The role of a column header or a key ("Anschrift / Sitz" -> "address"), else None."""
    norm = normalise_label(label)
    if not norm or len(norm) > 60:
        return None
    # "Unterauftragnehmer (Name, Rechtsform, Sitz)": the words outside the bracket decide.
    outer = re.sub(r"\([^()]*\)", " ", norm).strip()
    for text in (outer, norm) if outer and outer != norm else (norm,):
        for role in ROLE_ORDER:
            if cue(f"field-{role}").search(text):
                return role
    return None


def map_columns(headers: list[str]) -> list[str | None]:
    """Roles for the columns of a table.

    A "Service" column is the product when another column holds the purpose, else it is the
    purpose itself; a second name column becomes the service. A header that names two or
    more roles but no entity column gives the name to the product column or, failing that,
    to the first unnamed column.
    """
    roles = [field_role(h) for h in headers]
    if "purpose" not in roles and "service" in roles:
        roles[roles.index("service")] = "purpose"
    names = [i for i, r in enumerate(roles) if r == "name"]
    for i in names[1:]:
        roles[i] = "service" if "service" not in roles else None
    if not names and sum(1 for r in roles if r and r != "ignore") >= 2:
        if "service" in roles:
            roles[roles.index("service")] = "name"
        elif None in roles:
            roles[roles.index(None)] = "name"
    return roles


_HEADER_SPLIT = re.compile(r"[,;:|/]|\s+[-–—]\s+")


def is_header_line(text: str) -> bool:
    """ "Firma, Anschrift, Land: Leistung": every part is a field label, so the line heads a list."""
    parts = [p.strip(" \t*-–—•·") for p in _HEADER_SPLIT.split(text)]
    parts = [p for p in parts if p]
    return len(parts) >= 2 and all(field_role(p) is not None for p in parts)
