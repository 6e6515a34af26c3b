"""Record → RDF: graph shape, shared organisation nodes, evidence, escaping, DPV alignment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from sample_records import ALL, record_a, record_b, record_c, record_d, span

from graph import build
from graph.build import DPAG, DPV, LOC, OA, build_graph, doc_iri, org_iri, org_slug, third_countries
from graph.model import ExtractionRecord, Fact, Mechanism, Processor, SubprocessorEntry

ROOT = Path(__file__).resolve().parent.parent
DPV_MD = ROOT.parent / "shared" / "research" / "dpv.md"
ONTOLOGY = ROOT / "ontology" / "dpagraph.ttl"


def built(factory) -> tuple[Graph, ExtractionRecord, str]:
    record, text = factory()
    return build_graph(record, text, media_type="text/markdown", extractor_version="test-1"), record, text


def test_every_engagement_has_exactly_one_subprocessor_and_the_processor():
    for factory in ALL:
        g, record, _ = built(factory)
        engagements = list(g.subjects(RDF.type, DPAG.SubprocessorEngagement))
        assert len(engagements) == len(record.subprocessors)
        processor = g.value(doc_iri(record.document), DPV.hasDataProcessor)
        for e in engagements:
            subs = list(g.objects(e, DPAG.subprocessor))
            assert len(subs) == 1, e
            assert (subs[0], RDF.type, DPV.DataSubProcessor) in g
            assert (subs[0], RDF.type, DPV.Organisation) in g
            assert list(g.objects(e, DPAG.engagingProcessor)) == [processor]
            assert (doc_iri(record.document), DPAG.hasSubprocessorEngagement, e) in g


def test_engagement_keeps_the_name_as_written_and_its_facts():
    g, _, _ = built(record_a)
    e = URIRef(str(doc_iri("a_inexdu")) + "/engagement/3")
    assert g.value(e, DPAG.nameAsWritten) == Literal("Google Cloud EMEA Ltd.")
    assert g.value(e, DPAG.seatCountry) == LOC.IE
    assert set(g.objects(e, DPAG.processingCountry)) == {LOC.EU, LOC.US}
    assert set(g.objects(e, DPV.hasThirdCountry)) == {LOC.US}
    assert g.value(e, DPAG.purpose) == Literal("E-Mail")
    assert g.value(e, DPAG.layout) == Literal("table")
    [statement] = g.objects(e, DPAG.hasTransferMechanism)
    assert g.value(statement, DPAG.mechanism) == build.DPAMECH.DPF
    assert g.value(statement, DPAG.scope) == DPAG.FootnoteScope


def test_evidence_offsets_match_the_quotes_and_the_stored_text():
    for factory in ALL:
        g, record, text = built(factory)
        doc = doc_iri(record.document)
        assert g.value(doc, DPAG.text) == Literal(text)
        evidence = list(g.subjects(RDF.type, OA.SpecificResource))
        assert evidence or factory is record_d
        for ev in evidence:
            assert str(ev).startswith(f"{doc}/ev/")
            assert g.value(ev, OA.hasSource) == doc
            selectors = list(g.objects(ev, OA.hasSelector))
            [quote] = [s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in g]
            [pos] = [s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g]
            start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
            exact = str(g.value(quote, OA.exact))
            assert text[start:end] == exact
            prefix = g.value(quote, OA.prefix)
            assert prefix is None or text[:start].endswith(str(prefix))


def test_every_fact_value_has_evidence():
    g, record, _ = built(record_a)
    doc = doc_iri(record.document)
    facts = list(g.objects(doc, DPAG.hasClauseFact))
    props = {g.value(f, DPAG.factProperty) for f in facts}
    assert {
        DPAG.breachNotificationHours,
        DPAG.breachNotificationPhrase,
        DPAG.specialCategoriesProcessed,
        DPAG.processorName,
        DPAG.service,
        DPAG.processorCountry,
    } <= props
    for f in facts:
        prop, value = g.value(f, DPAG.factProperty), g.value(f, DPAG.value)
        assert (doc, prop, value) in g, prop
        assert g.value(f, DPAG.evidence) is not None, prop
    assert g.value(doc, DPAG.breachNotificationHours) == Literal(24)
    assert g.value(doc, DPAG.specialCategoriesProcessed) == Literal(False)
    g_c, _, _ = built(record_c)
    assert g_c.value(doc_iri("c_gamma"), DPAG.governingLaw) == LOC.DE
    assert g_c.value(doc_iri("c_gamma"), DPAG.processorCountry) == LOC.US


def test_clause_findings_and_listed_items():
    g, _, _ = built(record_a)
    doc = doc_iri("a_inexdu")
    findings = {
        str(g.value(f, DPAG.requirement)).rsplit("#", 1)[1]: g.value(f, DPAG.present)
        for f in g.objects(doc, DPAG.hasClauseFinding)
    }
    assert findings == {"R10": Literal(True), "R24": Literal(False)}
    items = sorted(g.objects(doc, DPAG.hasDataCategoryItem))
    assert [str(g.value(i, RDFS.label)) for i in items] == [
        "Stammdaten (Name, Anschrift)",
        "Kontaktdaten (E-Mail-Adresse)",
    ]
    concepts = set(g.objects(doc, DPV.hasPersonalData))
    assert concepts == {g.value(i, DPAG.concept) for i in items}
    assert len(list(g.objects(doc, DPV.hasDataSubject))) == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Stripe, Inc.", "Stripe Inc", True),
        ("Stripe, Inc.", "stripe inc.", True),
        ("Stripe, Inc.", "Stripe Payments Europe Ltd", False),
        ("Müller & Söhne GmbH", "Muller Sohne GmbH", True),
        ("Boost.space s.r.o.", "Boostspace sro", True),
        ("IONOS SE", "IONOS  SE ", True),
    ],
)
def test_organisation_slugs(a, b, same):
    assert (org_iri(a) == org_iri(b)) is same
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", org_slug(a))


def test_same_organisation_is_one_node_across_two_records():
    g_a, _, _ = built(record_a)
    g_b, _, _ = built(record_b)
    stripe_a = {
        o for e, o in g_a.subject_objects(DPAG.subprocessor) if "Stripe" in str(g_a.value(e, DPAG.nameAsWritten))
    }
    stripe_b = {
        o for e, o in g_b.subject_objects(DPAG.subprocessor) if "Stripe" in str(g_b.value(e, DPAG.nameAsWritten))
    }
    assert stripe_a == stripe_b == {org_iri("Stripe, Inc.")}
    # ...while each graph keeps the legal entity as its document writes it
    assert Literal("Stripe, Inc.") in set(g_a.objects(None, DPAG.nameAsWritten))
    assert Literal("Stripe Inc") in set(g_b.objects(None, DPAG.nameAsWritten))


def test_no_blank_nodes_and_deterministic():
    g1, _, _ = built(record_a)
    g2, _, _ = built(record_a)
    assert set(g1) == set(g2)
    assert all(isinstance(t, URIRef | Literal) for triple in g1 for t in triple)


NASTY = 'Evil "Corp" \\ }} GRAPH <x> { DROP ALL } \n\r\t \x01 \u2028 é 😀 """ \\u0022 \'; # end'


def test_nasty_text_survives_a_turtle_round_trip():
    text = f"Vertrag mit {NASTY} als Unterauftragsverarbeiter.\n"
    record = ExtractionRecord(
        document="nasty doc (1)",
        language="de",
        sha256="e" * 64,
        processor=Processor(name=NASTY),
        subprocessors=[SubprocessorEntry(name=NASTY, purpose=NASTY, seat_country="US", evidence=span(text, NASTY))],
    )
    g = build_graph(record, text, extractor_version="x")
    assert str(doc_iri("nasty doc (1)")) == "https://w3id.org/dpagraph/id/doc/nasty%20doc%20%281%29"
    for fmt in ("turtle", "nt"):
        back = Graph().parse(data=g.serialize(format=fmt), format=fmt)
        assert set(back) == set(g)
        assert Literal(NASTY) in set(back.objects(None, DPAG.nameAsWritten))


def test_country_codes_are_normalised_and_bad_ones_reported():
    text = "x"
    record = ExtractionRecord(
        document="codes",
        language="en",
        subprocessors=[
            SubprocessorEntry(name="A Ltd", seat_country="uk", processing_countries=["EL", "EU", "USA"]),
            SubprocessorEntry(name="B", mechanisms=[Mechanism("XYZ", "entry")]),
        ],
    )
    g = build_graph(record, text)
    e1 = URIRef(str(doc_iri("codes")) + "/engagement/1")
    assert g.value(e1, DPAG.seatCountry) == LOC.GB
    assert set(g.objects(e1, DPAG.processingCountry)) == {LOC.GR, LOC.EU}
    assert set(g.objects(e1, DPV.hasThirdCountry)) == {LOC.GB}
    warnings = [str(w) for w in g.objects(doc_iri("codes"), DPAG.warning)]
    assert any("'USA'" in w for w in warnings)
    assert any("'XYZ'" in w for w in warnings)
    assert not list(g.subjects(RDF.type, DPAG.MechanismStatement))


def test_third_countries_excludes_eu_eea():
    entry = SubprocessorEntry(name="x", seat_country="NO", processing_countries=["EU", "DE", "CH", "US", "ch"])
    assert third_countries(entry) == ["CH", "US"]
    assert build.eea_codes() >= {"DE", "FR", "IE", "IS", "LI", "NO"}
    assert not build.eea_codes() & {"GB", "CH", "US"}


def test_registry_entries_link_organisations():
    """The real registry: "Stripe Inc" links to its entry, an unknown company links to nothing."""
    g, _, _ = built(record_b)
    entry = g.value(org_iri("Stripe Inc"), DPAG.registryEntry)
    assert entry is not None and str(entry).startswith("https://w3id.org/dpagraph/vocab/organisations#")
    assert g.value(org_iri("Supabase Inc."), DPAG.registryEntry) is None  # not in the registry


def test_processor_without_name_still_builds():
    record, text = record_d()
    record.processor = Processor()
    g = build_graph(record, text)
    doc = doc_iri("d_delta")
    assert (doc, RDF.type, DPAG.DataProcessingAgreement) in g
    assert (doc, RDF.type, DPV.ControllerProcessorAgreement) in g
    assert g.value(doc, DPV.hasDataProcessor) is None
    assert g.value(doc, DPAG.warning) == Literal("no sub-processor list found")


# --- the ontology --------------------------------------------------------------------------------


def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


def test_every_dpag_term_used_is_declared_with_english_and_german_labels():
    onto = ontology()
    used: set[URIRef] = set()
    for factory in ALL:
        g, _, _ = built(factory)
        for triple in g:
            used |= {t for t in triple if isinstance(t, URIRef) and str(t).startswith(str(DPAG))}
    declared = {s for s in onto.subjects() if str(s).startswith(str(DPAG))}
    assert used <= declared, used - declared
    for term in declared:
        for prop in (RDFS.label, RDFS.comment):
            langs = {lit.language for lit in onto.objects(term, prop)}
            assert {"en", "de"} <= langs, (term, prop)


def test_ontology_alignment_to_dpv():
    onto = ontology()
    assert (DPAG.DataProcessingAgreement, RDFS.subClassOf, DPV.ControllerProcessorAgreement) in onto
    assert (DPAG.subprocessor, RDFS.subPropertyOf, DPV.hasRecipient) in onto
    assert not list(onto.subjects(predicate=URIRef("http://www.w3.org/ns/shacl#path")))


def test_only_dpv_terms_listed_in_the_research_notes_are_used():
    if not DPV_MD.exists():
        pytest.skip("shared/research/dpv.md not found")
    listed = set(re.findall(r"`((?:dpv|eu-gdpr|loc|pd|legal-eu):[A-Za-z0-9-]+)`", DPV_MD.read_text(encoding="utf-8")))
    prefixes = {"dpv": str(DPV), "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#", "pd": "https://w3id.org/dpv/pd#"}
    used: set[URIRef] = set()
    graphs = [ontology()] + [built(f)[0] for f in ALL]
    for g in graphs:
        for triple in g:
            used |= {t for t in triple if isinstance(t, URIRef)}
    for term in used:
        for prefix, ns in prefixes.items():
            if str(term).startswith(ns):
                assert f"{prefix}:{str(term)[len(ns) :]}" in listed, term


def test_every_dpag_term_in_the_reference_data_is_declared_in_the_ontology():
    """Vocabularies, cue sets and the requirement catalogue use only declared dpag: terms."""
    declared = {s for s in ontology().subjects(RDF.type, None) if str(s).startswith(str(DPAG))}
    used = set()
    for path in ONTOLOGY.parent.rglob("*.ttl"):
        for triple in Graph().parse(path):
            used.update(t for t in triple if isinstance(t, URIRef) and str(t).startswith(str(DPAG)))
    assert sorted(str(t) for t in used - declared) == []


def test_present_requirements_are_also_stated_directly():
    g, record, _ = built(record_a)
    doc = doc_iri(record.document)
    assert set(g.objects(doc, DPAG.addressesRequirement)) == {build.DPAREQ.R10}  # R24 is absent


def test_authorisation_model_and_yes_facts_with_evidence():
    g_a, _, _ = built(record_a)
    g_b, _, _ = built(record_b)
    g_d, _, _ = built(record_d)
    assert g_a.value(doc_iri("a_inexdu"), DPAG.subprocessorAuthorisation) == DPAG.GeneralAuthorisation
    assert g_b.value(doc_iri("b_beta"), DPAG.subprocessorAuthorisation) == DPAG.SpecificAuthorisation
    assert g_a.value(doc_iri("a_inexdu"), DPAG.controllerIdentified) == Literal(True)
    assert g_b.value(doc_iri("b_beta"), DPAG.citesSCC2021) == Literal(True)
    d = doc_iri("d_delta")
    for prop in (
        DPAG.processingRestrictedToEEA,
        DPAG.statesNoSubprocessors,
        DPAG.specialCategorySafeguards,
        DPAG.breachNotificationContentStated,
    ):
        assert g_d.value(d, prop) == Literal(True), prop
        fact = URIRef(f"{d}/fact/{prop.removeprefix(str(DPAG))}")
        assert g_d.value(fact, DPAG.evidence) is not None, prop
    assert g_d.value(d, DPAG.citesSCC2021) is None  # never stated as false


@pytest.mark.parametrize(
    ("value", "datatype"),
    [("2025-01-15", build.XSD.date), ("2025-11", build.XSD.gYearMonth), ("Version 3", None)],
)
def test_document_date_is_typed_by_precision(value, datatype):
    record = ExtractionRecord(document="x", language="de", document_date=Fact(value))
    g = build_graph(record, "x")
    literal = g.value(doc_iri("x"), DPAG.documentDate)
    assert str(literal) == value and literal.datatype == datatype


def test_historic_mechanism_is_built_as_a_statement():
    record = ExtractionRecord(
        document="x",
        language="de",
        transfer_mechanisms_document=[Mechanism("OLD_SCC", "document"), Mechanism("SCC", "document")],
    )
    g = build_graph(record, "x")
    codes = {g.value(s, DPAG.mechanism) for s in g.objects(doc_iri("x"), DPAG.hasTransferMechanism)}
    assert codes == {build.DPAMECH.OLD_SCC, build.DPAMECH.SCC}
