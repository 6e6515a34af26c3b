"""Competency questions: every .rq file parses and runs; expected answers on hand-built records;
parameters are bound as escaped literals, never pasted into the query."""

from __future__ import annotations

import pytest
from sample_records import ALL, answer
from test_build import NASTY

from graph.build import build_graph
from graph.store import DPAStore
from graph.validation import runner
from service import questions
from service.questions import QuestionError, catalogue, run

REQUIRED = {
    "usa-transfers",
    "third-country-without-mechanism",
    "vendors-using-organisation",
    "data-categories-per-vendor",
    "no-breach-deadline",
    "special-categories",
}


@pytest.fixture(scope="module")
def store():
    s = DPAStore(None)
    for factory in ALL:
        record, text = factory()
        s.put(record, build_graph(record, text, extractor_version="t"))
    runner.validate_store(s, runner.Options(jobs=1))  # for the question about failing rules
    yield s
    s.close()


def test_catalogue_has_the_required_questions_with_titles():
    qs = catalogue()
    assert set(qs) >= REQUIRED
    assert len(qs) >= len(REQUIRED) + 2
    for q in qs.values():
        assert q.title and q.description, q.name
        assert "\n" not in q.description
    assert next(iter(qs)) == "usa-transfers"  # `ask --all` answers the main question first
    assert [p.name for p in qs["vendors-using-organisation"].params] == ["organisation"]
    assert qs["vendors-using-organisation"].params[0].default == "Stripe"


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_question_runs_on_an_empty_and_a_full_store(name, store):
    empty = DPAStore(None)
    assert answer(empty, name) == []
    empty.close()
    assert answer(store, name), f"{name} has an answer in the sample records"


def test_usa_transfers(store):
    rows = answer(store, "usa-transfers")
    got = {(r["vendor"], r["via"], r["basis"]) for r in rows}
    assert got == {
        ("Inexdu GmbH", "Stripe, Inc.", "seat"),
        ("Inexdu GmbH", "Google Cloud EMEA Ltd.", "processing"),
        ("Beta Analytics GmbH", "Stripe Inc", "seat"),
        ("Gamma Corp.", "(the processor itself)", "seat"),
    }
    assert "Delta Care GmbH" not in {r["vendor"] for r in rows}


def test_third_country_without_mechanism(store):
    rows = answer(store, "third-country-without-mechanism")
    got = {(r["vendor"], r["subprocessor"], r["third_countries"], r["document_wide_mechanisms"]) for r in rows}
    # Google (footnote DPF) and Supabase (SCC in the entry) have their own mechanism
    assert got == {("Inexdu GmbH", "Stripe, Inc.", "US", "SCC"), ("Beta Analytics GmbH", "Stripe Inc", "US", "SCC")}


def test_vendors_using_organisation(store):
    assert {r["vendor"] for r in answer(store, "vendors-using-organisation")} == {"Inexdu GmbH", "Beta Analytics GmbH"}
    assert {r["vendor"] for r in answer(store, "vendors-using-organisation", organisation="IONOS")} == {"Gamma Corp."}
    assert {r["vendor"] for r in answer(store, "vendors-using-organisation", organisation="hetzner online")} == {
        "Inexdu GmbH"
    }
    assert answer(store, "vendors-using-organisation", organisation=NASTY) == []


def test_vendors_using_organisation_matches_registry_aliases(store):
    s = DPAStore(None)
    record, text = ALL[1]()
    g = build_graph(record, text)
    from rdflib import Literal, URIRef
    from rdflib.namespace import SKOS

    from graph.build import DPAG, org_iri

    entry = URIRef("https://w3id.org/dpagraph/vocab/organisations#supabase")
    g.add((org_iri("Supabase Inc."), DPAG.registryEntry, entry))
    g.add((entry, SKOS.altLabel, Literal("Supa Data Cloud")))
    s.put(record, g)
    rows = answer(s, "vendors-using-organisation", organisation="supa data")
    assert [(r["vendor"], r["subprocessor"]) for r in rows] == [("Beta Analytics GmbH", "Supabase Inc.")]
    s.close()


def test_data_categories_per_vendor_in_document_order(store):
    rows = answer(store, "data-categories-per-vendor")
    assert [(r["vendor"], r["category"], r["concept"]) for r in rows] == [
        ("Inexdu GmbH", "Stammdaten (Name, Anschrift)", "master-data"),
        ("Inexdu GmbH", "Kontaktdaten (E-Mail-Adresse)", "contact-data"),
    ]


def test_no_breach_deadline(store):
    rows = answer(store, "no-breach-deadline")
    assert [(r["document"], r["phrase"]) for r in rows] == [("c_gamma", "without undue delay"), ("d_delta", None)]


def test_special_categories(store):
    rows = answer(store, "special-categories")
    got = [(r["document"], r["special_categories"]) for r in rows]
    assert got == [("d_delta", "processed"), ("b_beta", "not stated"), ("c_gamma", "not stated")]
    assert rows[0]["evidence"] == "Es werden Gesundheitsdaten (Art. 9 DSGVO) verarbeitet."


def test_subprocessors_per_country(store):
    rows = {r["country"]: r for r in answer(store, "subprocessors-per-country")}
    assert rows["US"] == {
        "country": "US",
        "third_country": "yes",
        "engagements": "3",
        "organisations": "2",
        "vendors": "2",
    }
    assert rows["DE"]["third_country"] == "no"
    assert rows["DE"]["vendors"] == "2"  # Hetzner (A), IONOS (C)
    assert rows["SG"]["third_country"] == "yes"


def test_mechanisms_overview(store):
    rows = {(r["mechanism"], r["scope"]): r for r in answer(store, "mechanisms-overview")}
    assert set(rows) == {("DPF", "footnote"), ("SCC", "document"), ("SCC", "entry")}
    assert rows[("SCC", "document")]["agreements"] == "2"
    assert rows[("SCC", "document")]["statements"] == "3"  # A's clause, A's Stripe entry, B's clause
    assert rows[("SCC", "entry")]["documents"] == "b_beta"


def test_shared_organisations(store):
    rows = answer(store, "shared-organisations")
    top = rows[0]
    assert top["vendors"] == "2"
    assert set(top["names_as_written"].split("; ")) == {"Stripe, Inc.", "Stripe Inc"}
    assert set(top["vendor_names"].split("; ")) == {"Inexdu GmbH", "Beta Analytics GmbH"}
    assert all(r["vendors"] == "1" for r in rows[1:])


def test_missing_clauses(store):
    rows = answer(store, "missing-clauses")
    assert [(r["document"], r["requirement"]) for r in rows] == [("a_inexdu", "R24")]


# --- parameters ----------------------------------------------------------------------------------


ECHO = '# title: echo\n# description: returns its parameter\n# param: x = plain\nSELECT ?x WHERE { VALUES ?x { "plain" } }\n'


@pytest.mark.parametrize(
    "value", [NASTY, '"} } ; DROP ALL', "\\", "\\u0022", "a\nb", "#", "}", "' OR 1=1 --", "", "Zürich 😀"]
)
def test_parameters_are_bound_as_one_escaped_literal(tmp_path, value):
    (tmp_path / "echo.rq").write_text(ECHO, encoding="utf-8")
    s = DPAStore(None, reference=False)
    rows = [row["x"].value for row in run(s, "echo", {"x": value}, directory=tmp_path)]
    assert rows == [value]
    assert [row["x"].value for row in run(s, "echo", directory=tmp_path)] == ["plain"]
    s.close()


def test_bad_parameters_and_files_are_refused(tmp_path, store):
    with pytest.raises(QuestionError, match="no parameter"):
        run(store, "usa-transfers", {"country": "US"})
    with pytest.raises(QuestionError, match="longer"):
        run(store, "vendors-using-organisation", {"organisation": "x" * 10_000})
    with pytest.raises(QuestionError, match="no question"):
        run(store, "no-such-question")
    (tmp_path / "broken.rq").write_text("# title: broken\n# param: x = 1\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QuestionError, match="VALUES"):
        questions.load_question(tmp_path / "broken.rq")
    (tmp_path / "untitled.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QuestionError, match="title"):
        questions.load_question(tmp_path / "untitled.rq")
