"""The requirement catalogue R01–R32 as data, the clause cue sets, and clause presence with its traps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

from graph.document import Document
from graph.extract.clauses import find_clauses, requirements
from graph.readers import read_document
from graph.vocab import vocabulary

ROOT = Path(__file__).resolve().parent.parent
DPAG = rdflib.Namespace("https://w3id.org/dpagraph/ns#")
DPAREQ = rdflib.Namespace("https://w3id.org/dpagraph/requirements#")


def _present(doc: Document) -> dict[str, bool]:
    return {f.requirement: f.present for f in find_clauses(doc)}


def test_catalogue_has_all_32_requirements_with_labels_basis_and_patterns():
    g = rdflib.Graph().parse(ROOT / "ontology" / "requirements.ttl")
    assert (DPAREQ.scheme, rdflib.RDF.type, SKOS.ConceptScheme) in g
    for n in range(1, 33):
        req = DPAREQ[f"R{n:02d}"]
        assert (req, SKOS.inScheme, DPAREQ.scheme) in g
        assert str(g.value(req, SKOS.notation)) == f"R{n:02d}"
        for prop in (SKOS.prefLabel, SKOS.definition):
            langs = {o.language for o in g.objects(req, prop)}
            assert {"de", "en"} <= langs, (req, prop)
        assert g.value(req, DPAG.legalBasis) is not None
        langs = {o.language for o in g.objects(req, DPAG.pattern)}
        assert {"de", "en"} <= langs, req
        for pattern in g.objects(req, DPAG.pattern):
            re.compile(str(pattern), re.IGNORECASE)


def test_requirements_load_through_the_vocabulary():
    ids = [r.id for r in requirements()]
    assert ids == [f"R{n:02d}" for n in range(1, 33)]
    contexts = {r.id: r.context for r in requirements()}
    assert contexts["R17"] == "clause-subprocessor" and contexts["R25"] == "breach"
    for r in requirements():
        if r.context:
            vocabulary().cue(r.context)


CUE_SETS = [
    "breach",
    "authority",
    "objection",
    "notice-only",
    "governing-law",
    "law-DE",
    "special-categories",
    "special-negation",
    "special-conditional",
    "data-category-heading",
    "data-subject-heading",
    "processor-role",
    "controller-role",
    "function-words-de",
    "function-words-en",
    "number-20",
    "number-joiner",
    "month-03",
]


@pytest.mark.parametrize("name", CUE_SETS)
def test_cue_sets_exist_and_compile(name):
    assert vocabulary().cue(name).pattern


def test_every_clause_cue_set_compiles():
    g = rdflib.Graph().parse(ROOT / "ontology" / "cues" / "clauses.ttl")
    patterns = list(g.objects(None, DPAG.pattern))
    assert len(patterns) > 100
    for p in patterns:
        re.compile(str(p), re.IGNORECASE)


GERMAN_DPA = """Vertrag zur Auftragsverarbeitung

§ 1 Gegenstand und Dauer
Gegenstand des Auftrags ist der Betrieb einer Buchhaltungssoftware. Die Laufzeit entspricht der Laufzeit des Hauptvertrags.

§ 2 Weisungen
Der Auftragnehmer verarbeitet personenbezogene Daten ausschließlich auf dokumentierte Weisung des Auftraggebers.
Ist der Auftragnehmer der Ansicht, dass eine Weisung gegen Datenschutzvorschriften verstößt, weist er den Auftraggeber unverzüglich darauf hin.

§ 3 Vertraulichkeit
Alle Mitarbeiter des Auftragnehmers sind zur Vertraulichkeit verpflichtet.

§ 4 Unterauftragsverarbeiter
Der Auftraggeber genehmigt den Einsatz der in Anlage 2 genannten Unterauftragsverarbeiter.
Der Auftraggeber kann innerhalb von 14 Tagen nach Mitteilung einer Änderung Einspruch erheben.

§ 5 Kontrollrechte
Der Auftraggeber ist berechtigt, die Einhaltung dieses Vertrags durch Inspektionen vor Ort zu überprüfen.

§ 6 Datenschutzverletzungen
Der Auftragnehmer meldet dem Auftraggeber Verletzungen des Schutzes personenbezogener Daten unverzüglich.

Anlage 1 – Technische und organisatorische Maßnahmen
Auftragskontrolle: Kontrollrechte gegenüber Dienstleistern vereinbart.
"""


def test_german_clauses_present_with_evidence():
    doc = Document(name="t", text=GERMAN_DPA)
    findings = {f.requirement: f for f in find_clauses(doc)}
    for rid in ("R01", "R02", "R03", "R10", "R12", "R13", "R16", "R17", "R24", "R25"):
        assert findings[rid].present, rid
    assert "dokumentierte Weisung" in findings["R10"].evidence.text
    assert "Einspruch" in findings["R17"].evidence.text
    assert "meldet" in findings["R25"].evidence.text
    for f in findings.values():
        if f.evidence is not None:
            assert f.evidence.text == doc.text[f.evidence.start : f.evidence.end]


def test_tom_control_headings_are_not_audit_clauses():
    doc = Document(
        name="t",
        text=(
            "§ 1 Gegenstand\nDer Auftragnehmer verarbeitet Daten im Auftrag.\n\n"
            "Anlage 1 – Technische und organisatorische Maßnahmen\n"
            "Zutrittskontrolle: Chipkarten.\nAuftragskontrolle: Kontrollrechte gegenüber Dienstleistern vereinbart.\n"
            "Regelmäßige interne Audits.\n"
        ),
    )
    present = _present(doc)
    assert present["R24"] is False
    assert present["R15"] is True  # the TOM annex itself counts for the measures


def test_instruction_mentioned_without_restriction_is_not_r10():
    doc = Document(
        name="t", text="Der Auftraggeber kann Weisungen erteilen. Weisungen sind in Textform zu bestätigen.\n"
    )
    assert _present(doc)["R10"] is False


def test_data_subject_objection_is_not_a_sub_processor_objection():
    doc = Document(
        name="t",
        text=(
            "7. Data subject requests\nIf a data subject objects to the processing, the Processor forwards the "
            "objection to the Customer.\n"
        ),
    )
    present = _present(doc)
    assert present["R17"] is False
    assert present["R20"] is True


def test_english_clauses():
    doc = Document(
        name="t",
        text=(
            "This Data Processing Addendum forms part of the Agreement.\n"
            "3.1 We only process personal data on your documented instructions.\n"
            "4. Sub-processors\nYou give us general permission to use sub-processors. You may object within "
            "14 days of our notice. We remain fully liable for our sub-processors.\n"
            "8. Breaches\nWe will notify you of a personal data breach without undue delay.\n"
            "9. Audits\nYou may audit us once a year.\n"
        ),
    )
    present = _present(doc)
    for rid in ("R01", "R10", "R16", "R17", "R19", "R24", "R25"):
        assert present[rid], rid


def test_seed_spans_and_core_clauses(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = read_document(path)
        findings = find_clauses(doc)
        assert len(findings) == 32
        assert sum(f.present for f in findings) >= 15, path.stem
        for f in findings:
            assert f.present == (f.evidence is not None)
            if f.evidence is not None:
                assert f.evidence.text == doc.text[f.evidence.start : f.evidence.end]
