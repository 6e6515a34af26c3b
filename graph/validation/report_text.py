"""The human-readable report of `dpagraph validate`: per document, its findings worst first, each
with the passage it concerns (or, for a missing clause, why the clause matters), then the totals.

Built from rich `Text` objects, never markup strings, so quotes from a DPA print as written;
rich drops colours by itself when the output is not a terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from graph.validation.findings import SEVERITIES, DocumentReport, Finding, Rule
from graph.validation.report_common import STATUSES, WORDS, evidence_line, ordered, pick, summary

STYLES = {"error": "bold magenta", "violation": "bold red", "warning": "yellow", "info": "cyan", "pass": "green"}


def render_text(
    reports: list[DocumentReport],
    rules: dict[str, Rule],
    *,
    lang: str = "en",
    console: Console,
    fail_on: str = "violation",
) -> None:
    """Print every report, then one summary line per status and the totals."""
    words = WORDS[lang]
    for report in reports:
        _document(report, rules, words, lang, console)
        console.print()
    _summary(reports, words, fail_on, console)


def _print_indented(console: Console, text: Text, indent: int, hanging: int | None = None) -> None:
    """On a terminal, wrap under the first line (`hanging` columns in); piped, keep one item per line
    for grep and CI logs."""
    hanging = indent if hanging is None else hanging
    width = console.width - max(indent, hanging)
    lines = text.wrap(console, width) if console.is_terminal else [text]
    for number, line in enumerate(lines):
        line.rstrip()
        console.print(Text(" " * (hanging if number else indent)) + line, soft_wrap=True)


def _document(report: DocumentReport, rules: dict[str, Rule], words: dict, lang: str, console: Console) -> None:
    status = report.status
    head = Text.assemble((report.source, "bold"), " — ", (words[status], STYLES[status]))
    if report.error:
        head.append(": " + " ".join(report.error.split()))
    elif report.findings:
        counts = report.counts()
        head.append(" (" + ", ".join(f"{words[s]} {counts[s]}" for s in SEVERITIES if counts[s]) + ")")
    _print_indented(console, head, 0, hanging=2)
    for finding in ordered(report.findings):
        _finding(finding, rules.get(finding.rule), words, lang, console)


def _finding(finding: Finding, rule: Rule | None, words: dict, lang: str, console: Console) -> None:
    line = Text.assemble(
        (finding.rule, "bold"),
        " ",
        (words[finding.severity], STYLES[finding.severity]),
        "  ",
        pick(finding.message, lang),
    )
    if finding.subject and finding.subject not in pick(finding.message, lang):
        line.append(f"  ({finding.subject})", "dim")
    _print_indented(console, line, 2, hanging=6)
    _print_indented(console, Text(evidence_line(finding, rule, lang), "italic"), 6)


def _summary(reports: list[DocumentReport], words: dict, fail_on: str, console: Console) -> None:
    figures = summary(reports, fail_on)
    console.print(Text(words["summary"], "bold"))
    width = max(len(words[s]) for s in STATUSES)
    for status in STATUSES:
        console.print(
            Text.assemble("  ", (words[status].ljust(width), STYLES[status]), f"  {figures['status'][status]}")
        )
    found = figures["findings"]
    per_severity = ", ".join(f"{words[s]} {found[s]}" for s in SEVERITIES)
    total = f"{words['total'].ljust(width)}  {figures['documents']} {words['documents']}, "
    _print_indented(console, Text(total + f"{found['total']} {words['findings']} ({per_severity})"), 2, width + 4)
    key = "result_pass" if figures["passed"] else "result_fail"
    result = words[key].format(failing=figures["failing"], documents=figures["documents"], fail_on=words[fail_on])
    console.print(Text(result, "bold green" if figures["passed"] else "bold red"))
