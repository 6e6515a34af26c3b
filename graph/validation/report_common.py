"""What the four report formats (text, JSON, JUnit, SARIF) share: tool identity, the summary
counts, finding order, and the one-line description of a finding's evidence.

Kept in one place so that every format counts, orders and quotes the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import metadata

from graph.validation.findings import SEVERITIES, DocumentReport, Finding, Rule, severity_rank

TOOL_NAME = "dpagraph"
INFORMATION_URI = "https://w3id.org/dpagraph"
STATUSES = ("error", *SEVERITIES, "pass")  # a DocumentReport.status, worst first
QUOTE_LIMIT = 160

# Fixed words of the reports; messages and `why` texts come in both languages from the records.
WORDS = {
    "en": {
        "violation": "violation",
        "warning": "warning",
        "info": "info",
        "pass": "pass",
        "error": "error",
        "line": "line",
        "no_passage": "no passage found",
        "legal_basis": "legal basis",
        "summary": "Summary",
        "documents": "documents",
        "findings": "findings",
        "total": "total",
        "result_fail": "{failing} of {documents} documents fail at {fail_on} or above",
        "result_pass": "no document fails at {fail_on} or above",
    },
    "de": {
        "violation": "Verstoß",
        "warning": "Warnung",
        "info": "Hinweis",
        "pass": "bestanden",
        "error": "Fehler",
        "line": "Zeile",
        "no_passage": "keine Fundstelle gefunden",
        "legal_basis": "Rechtsgrundlage",
        "summary": "Zusammenfassung",
        "documents": "Dokumente",
        "findings": "Befunde",
        "total": "gesamt",
        "result_fail": "{failing} von {documents} Dokumenten scheitern ab Stufe {fail_on}",
        "result_pass": "kein Dokument scheitert ab Stufe {fail_on}",
    },
}


@cache
def tool_version() -> str:
    """The installed package version; "unknown" when run from a tree that was never installed."""
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, else English, else any: a missing translation never hides a message."""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by rule id, then by line: the order every report shows."""
    return sorted(
        findings,
        key=lambda f: (severity_rank(f.severity), f.rule, (f.evidence.line or 0) if f.evidence else 0),
    )


def shorten(quote: str, limit: int = QUOTE_LIMIT) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis when longer."""
    text = " ".join(quote.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    head = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
    return head.rstrip(" ,;:") + "…"


def evidence_line(finding: Finding, rule: Rule | None, lang: str = "en") -> str:
    """'line 42: "quote…"' for a located finding; for a clause with no passage, say so and why it matters."""
    words = WORDS[lang]
    ev = finding.evidence
    if ev and ev.quote:
        where = f"{words['line']} {ev.line}: " if ev.line else ""
        return f"{where}“{shorten(ev.quote)}”"
    if rule is None:
        return words["no_passage"]
    return f"{words['no_passage']}. {pick(rule.why, lang)} ({words['legal_basis']}: {rule.legal_basis})"


def summary(reports: list[DocumentReport], fail_on: str = "violation") -> dict:
    """Documents per status, findings per severity, and how many documents fail at `fail_on`
    (the figure the CLI's exit code follows)."""
    failing = sum(r.fails(fail_on) for r in reports)
    findings = {s: sum(r.counts()[s] for r in reports) for s in SEVERITIES}
    return {
        "documents": len(reports),
        "status": {s: sum(r.status == s for r in reports) for s in STATUSES},
        "findings": {**findings, "total": sum(findings.values())},
        "fail_on": fail_on,
        "failing": failing,
        "passed": failing == 0,
    }
