"""SARIF 2.1.0 (`dpagraph validate --sarif FILE`), so code-scanning UIs annotate the DPA itself:
each finding sits on its document, at the evidence line when one is known.

Partial fingerprints hash rule, document and subject (not the line), so a finding keeps its
identity across runs while the text around it moves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from graph.validation.findings import SEVERITIES, DocumentReport, Finding, Rule
from graph.validation.report_common import INFORMATION_URI, TOOL_NAME, ordered, pick, tool_version

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = dict(zip(SEVERITIES, ("error", "warning", "note"), strict=True))
FINGERPRINT = "dpagraph/v1"


def to_sarif(reports: list[DocumentReport], rules: dict[str, Rule], *, base_dir: Path) -> dict:
    """One SARIF log with one run; document paths are made relative to `base_dir` (%SRCROOT%)."""
    rule_ids = sorted(rules)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [_result(report, finding, index, base_dir) for report in reports for finding in ordered(report.findings)]
    errors = [_notification(report, base_dir) for report in reports if report.error]
    invocation: dict = {"executionSuccessful": not errors}
    if errors:
        invocation["toolExecutionNotifications"] = errors
    driver = {
        "name": TOOL_NAME,
        "informationUri": INFORMATION_URI,
        "version": tool_version(),
        "rules": [_rule(rules[rule_id]) for rule_id in rule_ids],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": base_dir.resolve().as_uri() + "/"}},
                "invocations": [invocation],
                "results": results,
            }
        ],
    }


def _rule(rule: Rule) -> dict:
    title, why = pick(rule.title, "en"), pick(rule.why, "en")
    properties = {"group": rule.group, "legalBasis": rule.legal_basis, "shape": rule.shape, "tags": ["gdpr", "dpa"]}
    if rule.requirement:
        properties["requirement"] = rule.requirement
    return {
        "id": rule.id,
        "name": _pascal(title),
        "shortDescription": {"text": title},
        "fullDescription": {"text": why},
        "help": {"text": f"{why}\nLegal basis: {rule.legal_basis}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _pascal(title: str) -> str:
    """SARIF wants a name that reads as an identifier: "No breach deadline (hours)" → "NoBreachDeadlineHours"."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(word[:1].upper() + word[1:] for word in words)


def _artifact(source: str, base_dir: Path) -> dict:
    """The document relative to `base_dir` when it lies below it, else an absolute file URI."""
    path = Path(source).resolve()
    try:
        relative = path.relative_to(base_dir.resolve())
    except ValueError:
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _result(report: DocumentReport, finding: Finding, index: dict[str, int], base_dir: Path) -> dict:
    location: dict = {"artifactLocation": _artifact(report.source, base_dir)}
    ev = finding.evidence
    if ev and ev.line:
        location["region"] = {"startLine": ev.line, "snippet": {"text": ev.quote}}
    result: dict = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    key = "\x1f".join((finding.rule, report.document, finding.subject or finding.focus))
    properties = {"document": report.document, "focus": finding.focus, "messageDe": pick(finding.message, "de")}
    properties |= {name: v for name, v in (("subject", finding.subject), ("value", finding.value)) if v}
    return result | {
        "level": LEVELS[finding.severity],
        "message": {"text": pick(finding.message, "en")},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: hashlib.sha256(key.encode()).hexdigest()[:32]},
        "properties": properties,
    }


def _notification(report: DocumentReport, base_dir: Path) -> dict:
    """A document that could not be validated: the run did not report everything it was asked to."""
    return {
        "level": "error",
        "message": {"text": " ".join((report.error or "").split())},
        "descriptor": {"id": "read"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(report.source, base_dir)}}],
    }
