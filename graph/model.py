"""Typed records passed between the extractor, the exporter and the graph builder.

Every fact carries a `Span`: the quoted text and its character offsets in `Document.text`,
so each triple in the graph can point back to the sentence it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MECHANISM_CODES = ("SCC", "DPF", "ADEQUACY", "BCR", "DEROGATION")
# Invalid or repealed tools: found, kept and built into the graph so completeness rules can flag
# them, but never exported (the shared schema has no code for them) nor counted as a mechanism.
HISTORIC_MECHANISM_CODES = ("PRIVACY_SHIELD", "SAFE_HARBOUR", "OLD_SCC")
AUTHORISATION_MODELS = ("general", "specific")  # Art. 28(2) GDPR
SCOPES = ("entry", "footnote", "document")


@dataclass(frozen=True)
class Span:
    """A quoted passage: `text == document.text[start:end]`."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Mechanism:
    """A third-country transfer tool and where the document ties it to an entry."""

    code: str  # one of MECHANISM_CODES or HISTORIC_MECHANISM_CODES
    scope: str  # one of SCOPES
    evidence: Span | None = None

    @property
    def valid(self) -> bool:
        """A tool one may rely on today (not Privacy Shield, Safe Harbour or the repealed SCC sets)."""
        return self.code in MECHANISM_CODES


@dataclass
class Processor:
    name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    service: str | None = None
    evidence: Span | None = None  # where the name was found
    service_evidence: Span | None = None
    country_evidence: Span | None = None


@dataclass
class SubprocessorEntry:
    """One legal entity in the sub-processor list(s); repeated listings are merged."""

    name: str  # the legal entity as written
    seat_country: str | None = None
    processing_countries: list[str] = field(default_factory=list)  # ISO codes, "EU" for EU/EEA
    mechanisms: list[Mechanism] = field(default_factory=list)
    purpose: str | None = None
    service: str | None = None  # product or service heading when it differs from the entity
    evidence: Span | None = None  # the entry's text (row, block, item or sentence)
    layout: str | None = None  # table | key-value | bullets | prose
    extra_evidence: list[Span] = field(default_factory=list)  # further listings merged in

    @property
    def mechanism_scope(self) -> str:
        """Where the entry's strongest valid mechanism comes from; "none" if it has only historic ones."""
        scopes = {m.scope for m in self.mechanisms if m.valid}
        for scope in SCOPES:
            if scope in scopes:
                return scope
        return "none"


@dataclass(frozen=True)
class ListItem:
    """A listed data category or data-subject category, mapped to a vocabulary concept."""

    label: str  # as written, bullet and whitespace removed
    concept: str | None  # IRI of the SKOS concept, or None when nothing matched
    evidence: Span | None = None


@dataclass(frozen=True)
class Fact:
    """A scalar clause fact (hours, days, law, yes/no) with the phrase that states it."""

    value: object
    evidence: Span | None = None


@dataclass(frozen=True)
class ClauseFinding:
    """Presence of one requirement of the catalogue (R01–R32) in the text."""

    requirement: str  # e.g. "R10"
    present: bool
    evidence: Span | None = None


@dataclass
class ExtractionRecord:
    document: str  # file stem
    language: str  # "de" | "en"
    source: str = ""  # path as given
    sha256: str = ""  # of the raw file bytes
    processor: Processor = field(default_factory=Processor)
    subprocessors: list[SubprocessorEntry] = field(default_factory=list)
    transfer_mechanisms_document: list[Mechanism] = field(default_factory=list)
    data_categories: list[ListItem] = field(default_factory=list)
    data_subjects: list[ListItem] = field(default_factory=list)
    special_categories_processed: Fact | None = None
    breach_notification_hours: Fact | None = None
    breach_notification_text: Fact | None = None
    subprocessor_objection_days: Fact | None = None
    governing_law: Fact | None = None
    document_date: Fact | None = None  # "YYYY-MM-DD" or "YYYY-MM" (a month date), when stated
    subprocessor_authorisation: Fact | None = None  # one of AUTHORISATION_MODELS
    processing_restricted_to_eea: Fact | None = None  # True: processing only in DE / EU / EEA
    no_subprocessors_statement: Fact | None = None  # True: the text says no sub-processors are used
    controller_identified: Fact | None = None  # True: the controller party is named or defined
    special_category_safeguards: Fact | None = None  # True: safeguards for Art. 9/10 data are named
    breach_notification_content: Fact | None = None  # True: at least two Art. 33(3) items are listed
    cites_scc_2021: Fact | None = None  # True: the 2021 SCCs (2021/914) are cited
    clauses: list[ClauseFinding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
