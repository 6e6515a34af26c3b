"""JUnit XML for CI test tabs (`dpagraph validate --junit FILE`), following the de-facto
Jenkins xUnit schema (junit-10.xsd).

One test suite per document and one test case per rule that ran, so passing rules show up too.
Findings at or above `fail_on` make the case fail; milder ones go to the case's system-out, which
CI UIs show without turning the build red. A document that could not be read is one case `read`
with an `<error>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from graph.validation.findings import DocumentReport, Finding, Rule, severity_rank
from graph.validation.report_common import TOOL_NAME, evidence_line, ordered, pick

# Characters XML 1.0 cannot carry at all, escaped or not (form feeds from PDFs, NULs …).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_junit(reports: list[DocumentReport], rules: dict[str, Rule], *, fail_on: str = "violation") -> str:
    """The whole run as a `<testsuites>` document (UTF-8 XML text with declaration)."""
    root = ET.Element("testsuites", name=f"{TOOL_NAME} validate")
    for report in reports:
        root.append(_error_suite(report) if report.error else _suite(report, rules, fail_on))
    for total in ("tests", "failures", "errors"):
        root.set(total, str(sum(int(suite.get(total)) for suite in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _classname(report: DocumentReport, group: str | None = None) -> str:
    """`dpagraph.<document>[.<group>]`; CI UIs split class names at dots, so the stem loses its own."""
    parts = [TOOL_NAME, report.document.replace(".", "_")]
    return ".".join(parts + [group] if group else parts)


def _new_suite(report: DocumentReport, tests: int, failures: int, errors: int) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        name=_clean(report.source),
        tests=str(tests),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        file=_clean(report.source),
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (("document", report.document), ("status", report.status)):
        ET.SubElement(props, "property", name=name, value=_clean(value))
    return suite


def _error_suite(report: DocumentReport) -> ET.Element:
    suite = _new_suite(report, tests=1, failures=0, errors=1)
    case = ET.SubElement(suite, "testcase", name="read", classname=_classname(report))
    message = _clean(" ".join((report.error or "").split()))
    ET.SubElement(case, "error", message=message, type="input-error").text = message
    return suite


def _suite(report: DocumentReport, rules: dict[str, Rule], fail_on: str) -> ET.Element:
    limit = severity_rank(fail_on)
    by_rule: dict[str, list[Finding]] = {}
    for finding in ordered(report.findings):
        by_rule.setdefault(finding.rule, []).append(finding)
    rule_ids = sorted(set(rules) | set(by_rule))
    failing = sum(any(severity_rank(f.severity) <= limit for f in by_rule.get(r, [])) for r in rule_ids)
    suite = _new_suite(report, tests=len(rule_ids), failures=failing, errors=0)
    for rule_id in rule_ids:
        suite.append(_case(report, rule_id, rules.get(rule_id), by_rule.get(rule_id, []), limit))
    return suite


def _case(report: DocumentReport, rule_id: str, rule: Rule | None, findings: list[Finding], limit: int) -> ET.Element:
    title = pick(rule.title, "en") if rule else ""
    group = rule.group if rule else rule_id[:1]
    case = ET.Element("testcase", name=_clean(f"{rule_id} {title}".strip()), classname=_classname(report, group))
    failed = [f for f in findings if severity_rank(f.severity) <= limit]
    milder = [f for f in findings if severity_rank(f.severity) > limit]
    if failed:
        more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
        message = _clean(pick(failed[0].message, "en") + more)
        failure = ET.SubElement(case, "failure", message=message, type=failed[0].severity)
        failure.text = _describe(failed, rule)
    if milder:
        ET.SubElement(case, "system-out").text = _describe(milder, rule)
    return case


def _describe(findings: list[Finding], rule: Rule | None) -> str:
    """Plain text, one block per finding: severity, message, subject, then the passage."""
    blocks = []
    for f in findings:
        subject = f" ({f.subject})" if f.subject else ""
        blocks.append(f"[{f.severity}] {pick(f.message, 'en')}{subject}\n    {evidence_line(f, rule)}")
    return _clean("\n".join(blocks))
