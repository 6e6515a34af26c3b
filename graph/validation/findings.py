"""Typed results of validating one DPA: the rules that ran and what they found.

Findings are plain data: the engine produces them, the cache stores them as JSON, and the
reporters (text, JSON, JUnit, SARIF) and the store's results graph only read them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("violation", "warning", "info")  # most severe first


def severity_rank(severity: str) -> int:
    """0 for violation, 1 for warning, 2 for info (lower is more severe)."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Rule:
    """One completeness rule, read from its shape in `shapes/completeness.ttl`."""

    id: str  # "D01": stable, never reused
    group: str  # "A".."F"
    severity: str  # one of SEVERITIES
    title: dict[str, str]  # {"en": ..., "de": ...}: what the rule checks, short
    message: dict[str, str]  # template; {subject} {value} {countries} {date} are filled per finding
    why: dict[str, str]  # why it matters, one or two sentences
    legal_basis: str  # "GDPR Art. 28(3)(a); SCC 2021/915 cl. 7.1"
    shape: str  # IRI of the rule's shape
    requirement: str | None = None  # "R10" when the rule reads a catalogue requirement

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """The passage a finding concerns: quote, character offsets in the document text, 1-based line."""

    quote: str
    start: int | None = None
    end: int | None = None
    line: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    rule: str  # Rule.id
    severity: str  # one of SEVERITIES
    message: dict[str, str]  # filled-in message, {"en": ..., "de": ...}
    focus: str  # IRI of the node concerned (the agreement, an engagement, a mechanism statement)
    subject: str | None = None  # human name of the focus node ("Stripe, Inc.")
    value: str | None = None  # offending value, human-readable ("US", "96")
    evidence: Evidence | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        out["evidence"] = self.evidence.to_json() if self.evidence else None
        return out

    @classmethod
    def from_json(cls, data: dict) -> Finding:
        ev = data.get("evidence")
        evidence = Evidence(ev["quote"], ev.get("start"), ev.get("end"), ev.get("line")) if ev else None
        return cls(
            data["rule"],
            data["severity"],
            data["message"],
            data["focus"],
            data.get("subject"),
            data.get("value"),
            evidence,
        )


@dataclass
class DocumentReport:
    """Everything validation says about one document (or why it could not be validated)."""

    document: str  # file stem, as in the store
    source: str  # path as given, or the store's source file name
    key: str = ""  # cache key: document hash + extractor version + shapes/reference hash
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the input error that stopped validation, one line
    language: str | None = None
    cached: bool = False

    @property
    def status(self) -> str:
        """ "error", "violation", "warning", "info" or "pass": the most severe outcome."""
        if self.error:
            return "error"
        for severity in SEVERITIES:
            if any(f.severity == severity for f in self.findings):
                return severity
        return "pass"

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def fails(self, threshold: str) -> bool:
        """True when a finding at or above `threshold` ("violation", "warning", "info") exists, or
        the document could not be validated."""
        if self.error:
            return True
        limit = severity_rank(threshold)
        return any(severity_rank(f.severity) <= limit for f in self.findings)

    def to_json(self) -> dict:
        return {
            "document": self.document,
            "source": self.source,
            "status": self.status,
            "counts": self.counts(),
            "error": self.error,
            "findings": [f.to_json() for f in self.findings],
        }
