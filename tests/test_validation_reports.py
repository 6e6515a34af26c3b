"""The four report formats of `dpagraph validate`, on reports built by hand: what a reader sees in
each, and that JSON, JUnit and SARIF validate against their schemas."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from rich.console import Console

from graph.validation.findings import DocumentReport, Evidence, Finding, Rule
from graph.validation.report_common import shorten
from graph.validation.report_json import schema as report_schema
from graph.validation.report_json import to_json
from graph.validation.report_junit import to_junit
from graph.validation.report_sarif import to_sarif
from graph.validation.report_text import render_text

SCHEMAS = Path(__file__).resolve().parent / "schemas"
LONG_QUOTE = (
    "Stripe, Inc., 510 Townsend Street, San Francisco, CA 94103, USA <script>alert(1)</script> & Co. [bold]KG[/bold] "
    "processes payment data for the purposes of payment processing, fraud prevention and the settlement of disputes "
    "with card schemes and issuing banks."
)
BREACH_WHY = "Without a deadline the controller cannot meet its own 72 hours towards the authority."


def _rule(rule_id: str, severity: str, title: str, why: str = "It matters.", requirement: str | None = None) -> Rule:
    return Rule(
        id=rule_id,
        group=rule_id[0],
        severity=severity,
        title={"en": title, "de": f"{title} (de)"},
        message={"en": f"{title}: {{subject}}", "de": f"{title} (de): {{subject}}"},
        why={"en": why, "de": f"{why} (de)"},
        legal_basis=f"GDPR Art. 28 ({rule_id})",
        shape=f"https://w3id.org/dpagraph/shapes#{rule_id}",
        requirement=requirement,
    )


RULES = {
    r.id: r
    for r in (
        _rule("A01", "violation", "Processor named"),
        _rule("C03", "warning", "Sub-processor location stated"),
        _rule("D01", "violation", "Transfer mechanism for third-country sub-processors"),
        _rule("E01", "violation", "Breach deadline in hours", why=BREACH_WHY, requirement="R10"),
        _rule("F01", "info", "Contact for data protection questions"),
    )
}


def _finding(rule_id: str, severity: str, subject: str | None, evidence: Evidence | None = None) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message={
            "en": f"{rule_id} message about {subject or 'the DPA'}",
            "de": f"{rule_id} Meldung zu {subject or 'dem AVV'}",
        },
        focus=f"https://w3id.org/dpagraph/id/doc/acme/{rule_id}",
        subject=subject,
        value="US" if rule_id == "D01" else None,
        evidence=evidence,
    )


def _reports() -> list[DocumentReport]:
    acme = DocumentReport(
        document="acme",
        source="dpas/acme avv.md",
        findings=[  # deliberately not in severity order
            _finding("F01", "info", None),
            _finding("C03", "warning", "Hetzner Online GmbH", Evidence("Hetzner Online GmbH, Gunzenhausen")),
            _finding("E01", "violation", "Acme GmbH"),
            _finding("D01", "violation", "Stripe, Inc.", Evidence(LONG_QUOTE, 5120, 5120 + len(LONG_QUOTE), 42)),
        ],
    )
    broken = DocumentReport(document="broken", source="dpas/broken.txt", error="empty file")
    clean = DocumentReport(document="clean", source="dpas/clean.md")
    mild = DocumentReport(
        document="mild.v2",
        source="dpas/mild.v2.md",
        findings=[_finding("C03", "warning", "OVH SAS\x0c", Evidence("OVH SAS, Roubaix\x0c", line=7))],
    )
    return [acme, broken, clean, mild]


# ---------------------------------------------------------------- text


def _text(lang: str = "en", fail_on: str = "violation", reports: list[DocumentReport] | None = None) -> str:
    out = io.StringIO()
    render_text(reports or _reports(), RULES, lang=lang, console=Console(file=out, width=200), fail_on=fail_on)
    return out.getvalue()


def test_text_groups_by_document_then_severity():
    text = _text()
    assert "\x1b[" not in text  # not a terminal: no colour codes
    positions = [text.index(s) for s in ("dpas/acme avv.md", "dpas/broken.txt", "dpas/clean.md", "dpas/mild.v2.md")]
    assert positions == sorted(positions)
    acme = text[positions[0] : positions[1]]
    assert acme.splitlines()[0] == "dpas/acme avv.md — violation (violation 2, warning 1, info 1)"
    order = [
        acme.index(f"{rule_id} {severity}")
        for rule_id, severity in (("D01", "violation"), ("E01", "violation"), ("C03", "warning"), ("F01", "info"))
    ]
    assert order == sorted(order)
    assert "D01 violation  D01 message about Stripe, Inc.\n" in acme  # subject named once, not repeated


def test_text_quotes_evidence_with_line_and_shortens_it():
    text = _text()
    quote_line = next(line for line in text.splitlines() if "line 42" in line)
    assert quote_line.strip().startswith("line 42: “Stripe, Inc., 510 Townsend Street")
    assert "<script>alert(1)</script> & Co. [bold]KG[/bold]" in quote_line  # printed as written, no markup
    assert quote_line.rstrip().endswith("…”") and "issuing banks" not in quote_line
    assert "“Hetzner Online GmbH, Gunzenhausen”" in text  # no line known: the quote alone


def test_text_says_what_is_missing_where_and_why():
    text = _text()
    e01 = text[text.index("E01 violation") :].splitlines()
    assert "Breach deadline in hours: " not in e01[0] and e01[0].endswith("E01 message about Acme GmbH")
    assert e01[1].strip() == f"no passage found. {BREACH_WHY} (legal basis: GDPR Art. 28 (E01))"


def test_text_error_pass_and_summary():
    text = _text()
    assert "dpas/broken.txt — error: empty file" in text
    long_error = DocumentReport(document="x", source="dpas/x.txt", error="no DPA structure found " + "word " * 40)
    assert len(_text(reports=[long_error]).splitlines()[0]) > 200  # piped: one line, however long
    assert "dpas/clean.md — pass\n" in text
    summary = text[text.index("Summary") :].splitlines()
    assert [line.split() for line in summary[1:6]] == [
        ["error", "1"],
        ["violation", "1"],
        ["warning", "1"],
        ["info", "0"],
        ["pass", "1"],
    ]
    assert " ".join(summary[6].split()) == "total 4 documents, 5 findings (violation 2, warning 2, info 1)"
    assert summary[7] == "2 of 4 documents fail at violation or above"
    assert _text(fail_on="warning").rstrip().endswith("3 of 4 documents fail at warning or above")
    assert _text(reports=[_reports()[2]]).rstrip().endswith("no document fails at violation or above")


def test_text_wraps_on_a_terminal_under_its_first_line():
    out = io.StringIO()
    render_text(
        _reports(), RULES, lang="de", console=Console(file=out, width=60, force_terminal=True, color_system=None)
    )
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 60 and line == line.rstrip() for line in lines)
    head = next(i for i, line in enumerate(lines) if line.startswith("  C03 Warnung  C03 Meldung zu Hetzner"))
    assert "(Hetzner Online GmbH)" not in lines[head + 1]  # named in the message already: not repeated
    quote = next(i for i, line in enumerate(lines) if line.startswith("      Zeile 42: “Stripe"))
    assert lines[quote + 1].startswith("      ") and lines[quote + 1].strip()


def test_text_in_german():
    text = _text(lang="de")
    assert "dpas/acme avv.md — Verstoß (Verstoß 2, Warnung 1, Hinweis 1)" in text
    assert "Zeile 42: “Stripe" in text
    assert f"keine Fundstelle gefunden. {BREACH_WHY} (de) (Rechtsgrundlage: GDPR Art. 28 (E01))" in text
    assert "E01 Meldung zu Acme GmbH" in text
    assert "Zusammenfassung" in text and "2 von 4 Dokumenten scheitern ab Stufe Verstoß" in text


def test_shorten_cuts_at_a_word():
    assert shorten("a  b\n c") == "a b c"
    cut = shorten(LONG_QUOTE)
    assert len(cut) <= 160 and cut.endswith("…") and not cut.endswith(" …")
    assert LONG_QUOTE.startswith(cut[:-1])


# ---------------------------------------------------------------- JSON


def test_json_follows_its_schema_and_counts():
    data = to_json(_reports(), RULES, generated=datetime(2025, 5, 1, 12, 0, tzinfo=UTC))
    jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)
    assert list(data) == ["generated", "tool", "rules", "documents", "summary"]
    assert data["generated"] == "2025-05-01T12:00:00+00:00"
    assert data["tool"]["name"] == "dpagraph" and data["tool"]["version"]
    assert list(data["rules"]) == ["A01", "C03", "D01", "E01", "F01"]
    assert [d["status"] for d in data["documents"]] == ["violation", "error", "pass", "warning"]
    assert data["summary"] == {
        "documents": 4,
        "status": {"error": 1, "violation": 1, "warning": 1, "info": 0, "pass": 1},
        "findings": {"violation": 2, "warning": 2, "info": 1, "total": 5},
        "fail_on": "violation",
        "failing": 2,
        "passed": False,
    }
    findings = [Finding.from_json(f) for f in json.loads(json.dumps(data))["documents"][0]["findings"]]
    assert findings == _reports()[0].findings
    assert to_json(_reports(), RULES, fail_on="warning")["summary"]["failing"] == 3
    assert to_json([_reports()[2]], RULES)["summary"]["passed"] is True


def test_json_schema_rejects_a_broken_report():
    data = to_json(_reports(), RULES)
    data["documents"][0]["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)


# ---------------------------------------------------------------- JUnit


def _junit(**kwargs) -> tuple[str, ET.Element]:
    xml = to_junit(_reports(), RULES, **kwargs)
    return xml, ET.fromstring(xml.encode("utf-8"))


def test_junit_validates_against_junit_10_xsd():
    xml, _ = _junit()
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    xsd.assertValid(etree.fromstring(xml.encode("utf-8")))
    assert not xsd.validate(etree.fromstring(b'<testsuite name="x" tests="1" failures="0"><testcase/></testsuite>'))


def test_junit_one_case_per_document_and_rule():
    _, root = _junit()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "dpas/acme avv.md",
        "dpas/broken.txt",
        "dpas/clean.md",
        "dpas/mild.v2.md",
    ]
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("16", "2", "1")
    acme = suites[0]
    cases = {c.get("name"): c for c in acme.findall("testcase")}
    assert list(cases) == [
        "A01 Processor named",
        "C03 Sub-processor location stated",
        "D01 Transfer mechanism for third-country sub-processors",
        "E01 Breach deadline in hours",
        "F01 Contact for data protection questions",
    ]
    assert cases["A01 Processor named"].get("classname") == "dpagraph.acme.A"
    assert list(cases["A01 Processor named"]) == []  # passed
    assert acme.get("failures") == "2" and acme.find("properties/property[@name='status']").get("value") == "violation"
    assert suites[3].findall("testcase")[0].get("classname") == "dpagraph.mild_v2.A"


def test_junit_failures_carry_message_and_evidence():
    xml, root = _junit()
    cases = {c.get("name")[:3]: c for c in root.find("testsuite").findall("testcase")}
    e01 = cases["E01"].find("failure")
    assert (e01.get("type"), e01.get("message")) == ("violation", "E01 message about Acme GmbH")
    assert f"no passage found. {BREACH_WHY}" in e01.text
    d01 = cases["D01"].find("failure")
    assert "line 42: “Stripe, Inc." in d01.text and "<script>alert(1)</script> & Co." in d01.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co." in xml and "<script>" not in xml
    assert cases["C03"].find("failure") is None
    assert cases["C03"].find("system-out").text.startswith("[warning] C03 message about Hetzner Online GmbH")
    assert cases["F01"].find("system-out").text.startswith("[info] F01 message about the DPA")
    assert "\x0c" not in xml  # not representable in XML 1.0


def test_junit_fail_on_warning_and_read_errors():
    _, root = _junit(fail_on="warning")
    assert root.get("failures") == "4"
    mild = root.findall("testsuite")[3]
    failure = mild.find("testcase/failure")
    assert failure.get("type") == "warning" and mild.get("failures") == "1"
    broken = root.findall("testsuite")[1]
    assert (broken.get("tests"), broken.get("errors")) == ("1", "1")
    (case,) = broken.findall("testcase")
    assert case.get("name") == "read" and case.find("error").get("message") == "empty file"


# ---------------------------------------------------------------- SARIF


@pytest.fixture
def sarif(tmp_path, monkeypatch) -> dict:
    monkeypatch.chdir(tmp_path)  # document sources are relative to the working directory
    return to_sarif(_reports(), RULES, base_dir=tmp_path)


def test_sarif_validates_against_the_2_1_0_schema(sarif):
    official = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    assert official["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.validate(json.loads(json.dumps(sarif)), official, cls=jsonschema.Draft4Validator)
    assert sarif["version"] == "2.1.0"
    sarif["runs"][0]["results"][0]["level"] = "violation"  # the schema is really applied
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sarif, official, cls=jsonschema.Draft4Validator)


def test_sarif_rules_describe_every_rule(sarif):
    driver = sarif["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == ("dpagraph", "https://w3id.org/dpagraph")
    assert [r["id"] for r in driver["rules"]] == ["A01", "C03", "D01", "E01", "F01"]
    e01 = driver["rules"][3]
    assert e01["name"] == "BreachDeadlineInHours"
    assert e01["shortDescription"]["text"] == "Breach deadline in hours"
    assert e01["help"]["text"] == f"{BREACH_WHY}\nLegal basis: GDPR Art. 28 (E01)"
    assert e01["defaultConfiguration"]["level"] == "error"
    assert e01["properties"]["requirement"] == "R10" and e01["properties"]["group"] == "E"
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == [
        "error",
        "warning",
        "error",
        "error",
        "note",
    ]


def test_sarif_results_are_located_on_the_document(sarif):
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("D01", "error"),
        ("E01", "error"),
        ("C03", "warning"),
        ("F01", "note"),
        ("C03", "warning"),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    d01 = results[0]["locations"][0]["physicalLocation"]
    assert d01["artifactLocation"] == {"uri": "dpas/acme%20avv.md", "uriBaseId": "%SRCROOT%"}
    assert d01["region"] == {"startLine": 42, "snippet": {"text": LONG_QUOTE}}
    assert results[0]["message"]["text"] == "D01 message about Stripe, Inc."
    assert results[0]["properties"]["messageDe"] == "D01 Meldung zu Stripe, Inc."
    e01 = results[1]["locations"][0]["physicalLocation"]
    assert "region" not in e01  # a missing clause has no line: the file itself
    assert "region" not in results[2]["locations"][0]["physicalLocation"]  # quote without a line
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_fingerprints_are_stable_and_distinct(sarif, tmp_path):
    fingerprints = [r["partialFingerprints"]["dpagraph/v1"] for r in sarif["runs"][0]["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    moved = _reports()
    moved[0].findings[3] = _finding("D01", "violation", "Stripe, Inc.", Evidence(LONG_QUOTE, line=50))
    again = to_sarif(moved, RULES, base_dir=tmp_path)
    assert [r["partialFingerprints"]["dpagraph/v1"] for r in again["runs"][0]["results"]] == fingerprints


def test_sarif_reports_unreadable_documents(sarif, tmp_path):
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "empty file" and note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dpas/broken.txt"
    clean = to_sarif([_reports()[2]], RULES, base_dir=tmp_path / "elsewhere")
    run = clean["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True}] and run["results"] == []
    outside = to_sarif([_reports()[3]], RULES, base_dir=tmp_path / "elsewhere")
    location = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "dpas" / "mild.v2.md").as_uri()}  # outside base_dir: absolute
