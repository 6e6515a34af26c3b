"""The web pages through Flask's test client, on the sample corpus plus one hostile agreement:
every page in HTML and JSON, the facts they show checked against the store, evidence links that
land on the quoted passage, security headers, nothing loaded from elsewhere, the OpenAPI
document, and document text escaped on every page."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox
import pytest
from openapi_spec_validator import validate as validate_openapi

from graph import cli
from graph.build import PREFIXES, validation_graph_iri
from graph.store import DPAStore
from graph.validation import runner
from service import questions
from service.app import close_app, create_app
from service.context import of
from service.execute import QueryRequest

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HOSTILE_STEM = "109_scriptco_dpa"
HOSTILE_SUBPROCESSOR = f"{SCRIPT} Analytics, Inc., Austin"
NOT_VALIDATED = "106_wohnwerk_hausverwaltung"
HOSTILE_DPA = f"""ScriptCo – Data Processing Agreement

This agreement applies to the ScriptCo analytics service, operated by ScriptCo GmbH ("ScriptCo", "we"),
Hauptstraße 1, 10115 Berlin, Germany. You are the controller and we process personal data on your behalf
under Article 28 GDPR.

1. Subject matter and purpose

We process personal data only to provide the ScriptCo service to you, for as long as your account exists.

2. Personal data and data subjects

The personal data we process for you may include:

* contact details of your customers (name, email address)
* usage data {SCRIPT}

Data subjects: your customers; your employees.

3. Our obligations

We act only on your documented instructions. If a personal data breach affects your data, we will inform
you within 24 hours of becoming aware of it.

4. Sub-processors

You authorise us to use the sub-processors below.

- Sub-processor: {SCRIPT} Analytics, Inc., Austin (USA); Service: event tracking "<b>bold</b>" & more; Location: United States; Safeguard: none
- Sub-processor: Scaleway SAS, Paris (France); Service: hosting; Location: France; Safeguard: not required (EEA)

5. Governing law

This agreement is governed by the laws of the Federal Republic of Germany.
"""


@pytest.fixture(scope="module")
def web_store(sample_store, tmp_path_factory) -> Path:
    """The sample corpus plus the hostile agreement, validated, except one document left unvalidated."""
    store = tmp_path_factory.mktemp("web") / "store"
    shutil.copytree(sample_store, store)
    inbox = tmp_path_factory.mktemp("hostile")
    (inbox / f"{HOSTILE_STEM}.txt").write_text(HOSTILE_DPA, encoding="utf-8")
    assert cli.main(["ingest", str(inbox), "--store", str(store)]) == 0
    with DPAStore(store) as opened:
        runner.validate_store(opened, runner.Options(jobs=1))
        opened.store.update(f"DROP GRAPH <{validation_graph_iri(NOT_VALIDATED)}>")
    return store


@pytest.fixture(scope="module")
def app(web_store):
    app = create_app(
        {
            "store": web_store,
            "host": "127.0.0.1",
            "port": 0,
            "workers": 2,
            "query_timeout": 30.0,
            "max_rows": 10_000,
            "max_request_bytes": 65_536,
        }
    )
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def store(web_store):
    """The same store, read-only, for working out what the pages should show."""
    return ox.Store.read_only(str(web_store))


def rows(store: ox.Store, query: str) -> list[dict]:
    return [
        {v.value: (row[v.value].value if row[v.value] is not None else None) for v in result.variables}
        for result in [store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)]
        for row in result
    ]


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def data(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def vendors_by_stem(store: ox.Store) -> dict[str, str]:
    return {
        r["document"]: r["vendor"]
        for r in rows(
            store, "SELECT ?document ?vendor WHERE { ?d dcterms:identifier ?document ; dpag:processorName ?vendor }"
        )
    }


# --- search ------------------------------------------------------------------------------------


def test_search_lists_every_agreement_with_its_validation_status(client, store):
    found = data(client, "/search.json")
    vendors = vendors_by_stem(store)
    assert found["total"] == len(vendors) == 9
    assert {r["document"]: r["vendor"] for r in found["results"]} == vendors
    statuses = {r["document"]: r["status"] for r in found["results"]}
    stored = {
        r["document"]: r["status"]
        for r in rows(
            store,
            "SELECT ?document ?status WHERE { ?r dpag:validates ?d ; dpag:validationStatus ?status . ?d dcterms:identifier ?document }",
        )
    }
    assert statuses == {stem: stored.get(stem, "not validated") for stem in vendors}
    assert statuses[NOT_VALIDATED] == "not validated"
    html = page(client, "/")
    assert "9 agreements" in html
    assert 'href="/vendors/101_kartenwerk_ticketing"' in html
    assert 'href="/questions/usa-transfers"' in html  # the canned questions, one click away


def test_search_facets_count_agreements_as_the_store_does(client, store):
    facets = {f["name"]: f for f in data(client, "/search.json")["facets"]}
    assert [f for f in facets] == ["country", "mechanism", "category", "subject", "status"]
    us = next(o for o in facets["country"]["options"] if o["code"] == "US")
    expected = rows(
        store,
        """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
             ?d dpag:processorCountry|dpag:hasSubprocessorEngagement/(dpag:seatCountry|dpag:processingCountry) loc:US }""",
    )[0]["n"]
    assert (us["label"], us["count"]) == ("United States", int(expected))
    assert {o["code"]: o["count"] for o in facets["status"]["options"]}["not validated"] == 1
    scc = next(o for o in facets["mechanism"]["options"] if o["code"] == "SCC")
    assert scc["label"] == "Standard contractual clauses" and scc["url"] == "/?mechanism=SCC"


def test_facets_narrow_the_results_and_show_why(client, store):
    found = data(client, "/search.json?country=US&mechanism=DPF")
    expected = {
        r["document"]
        for r in rows(
            store,
            """SELECT ?document WHERE { ?d dcterms:identifier ?document ;
                 dpag:processorCountry|dpag:hasSubprocessorEngagement/(dpag:seatCountry|dpag:processingCountry) loc:US ;
                 (dpag:hasTransferMechanism|dpag:hasSubprocessorEngagement/dpag:hasTransferMechanism)/dpag:mechanism dpamech:DPF }""",
        )
    }
    assert {r["document"] for r in found["results"]} == expected
    assert "101_kartenwerk_ticketing" in expected and "106_wohnwerk_hausverwaltung" not in expected
    kartenwerk = next(r for r in found["results"] if r["document"] == "101_kartenwerk_ticketing")
    assert {
        "kind": "country",
        "label": "United States",
        "context": "Zendesk, Inc.",
        "url": "/?country=US",
    } in kartenwerk["matches"]
    assert {m["kind"] for m in kartenwerk["matches"]} == {"country", "mechanism"}
    only_unvalidated = data(client, "/search.json?status=not+validated")
    assert [r["document"] for r in only_unvalidated["results"]] == [NOT_VALIDATED]


@pytest.mark.parametrize(
    ("text", "kind", "label", "document"),
    [
        ("stripe", "subprocessor", "Stripe Payments Europe, Limited", "101_kartenwerk_ticketing"),
        ("Sentry", "subprocessor", "Functional Software, Inc. (Sentry)", "105_schichtwerk_avv"),  # registry alias
        ("USA", "country", "United States", "103_quillstack_dpa"),  # a label of loc:US
        ("Kontaktdaten", "category", "Contact details", "102_carenord_pflege"),  # German label of the concept
        ("quillstack", "vendor", "Quillstack, Inc.", "103_quillstack_dpa"),
    ],
)
def test_search_text_finds_vendors_subprocessors_countries_and_categories(client, text, kind, label, document):
    found = data(client, f"/search.json?q={text}")
    result = next(r for r in found["results"] if r["document"] == document)
    assert any(m["kind"] == kind and m["label"] == label for m in result["matches"]), result["matches"]
    assert all(r["matches"] for r in found["results"]), "every result says why it matched"
    assert "agreement" in page(client, f"/?q={text}")


def test_short_texts_match_whole_words_longer_ones_anywhere(client):
    usa = data(client, "/search.json?q=USA")
    hits = [m for r in usa["results"] for m in r["matches"]]
    assert any(m["label"] == "United States" for m in hits)
    assert not [m for m in hits if m["kind"] == "category"], "USA is a word, not the start of 'Usage data'"
    daten = data(client, "/search.json?q=daten")  # inside German compounds such as Kontaktdaten
    assert any(m["kind"] == "category" for r in daten["results"] for m in r["matches"])


@pytest.mark.parametrize("text", ["(.", "a|b", ".*", "\\", "[", "é"])
def test_regex_characters_in_short_texts_are_literal(client, text):
    assert data(client, f"/search.json?q={quote(text)}")["total"] == 0


def test_search_shows_its_sparql_and_refuses_bad_facet_values(client):
    html = page(client, "/?q=stripe")
    assert "The SPARQL of this search" in html and "dpag:hasSubprocessorEngagement" in html
    assert data(client, "/search.json?country=U%20S", 400)["error"].startswith("country=")
    assert "status must be one of" in page(client, "/?status=maybe", 400)


# --- questions ---------------------------------------------------------------------------------


def test_questions_index_lists_every_competency_question(client):
    listed = data(client, "/questions.json")["questions"]
    assert [q["name"] for q in listed] == list(questions.catalogue())
    html = page(client, "/questions")
    for q in questions.catalogue().values():
        assert f'href="/questions/{q.name}"' in html


def test_usa_question_lists_the_vendors_with_us_subprocessors(client, store):
    question = questions.get("usa-transfers")
    expected = rows(store, question.render())
    answer = data(client, "/questions/usa-transfers.json")
    assert answer["rows"] == expected
    assert answer["sparql"] == question.render()
    vendors = [v["vendor"] for v in answer["vendors"]]
    assert sorted(vendors, key=str.lower) == vendors == sorted({r["vendor"] for r in expected}, key=str.lower)
    # read in examples/dpas: Kartenwerk lists Zendesk, Inc., San Francisco, USA; Wohnwerk has no third country
    assert "Kartenwerk GmbH" in vendors and "Wohnwerk Immobiliensoftware GmbH" not in vendors
    html = page(client, "/questions/usa-transfers")
    assert f"{len(vendors)} vendors" in html
    assert "PREFIX dpag: &lt;https://w3id.org/dpagraph/ns#&gt;" in html  # the SPARQL it ran, shown
    csv_link = urlsplit(answer["downloads"]["csv"])
    assert csv_link.path == "/sparql" and parse_qs(csv_link.query) == {"query": [question.render()], "format": ["csv"]}
    downloaded = client.get(answer["downloads"]["csv"])
    assert downloaded.mimetype == "text/csv" and "Kartenwerk GmbH" in downloaded.get_data(as_text=True)


def test_question_parameters_are_form_fields(client):
    html = page(client, "/questions/vendors-using-organisation?organisation=Twilio")
    assert '<input name="organisation" value="Twilio"' in html
    answer = data(client, "/questions/vendors-using-organisation.json?organisation=Twilio")
    assert {v["vendor"] for v in answer["vendors"]} == {
        "Quillstack, Inc.",
        "Talentfluss GmbH",
        "Schichtwerk Software GmbH",
    }
    assert answer["params"] == [{"name": "organisation", "default": "Stripe", "value": "Twilio"}]
    assert data(client, "/questions/no-such-question.json", 404)["status"] == 404
    assert "longer than" in data(client, "/questions/failing-rule.json?rule=" + "x" * 600, 400)["error"]


# --- vendor, organisation and document pages ----------------------------------------------------


def test_vendor_page_shows_processor_subprocessors_and_facts_with_quotes(client):
    vendor = data(client, "/vendors/101_kartenwerk_ticketing.json")
    assert vendor["vendor"] == "Kartenwerk GmbH" and vendor["organisation"] == "kartenwerk-gmbh"
    facts = {f["property"]: f for f in vendor["facts"]}
    assert facts["service"]["value"] == "Kartenwerk Ticketing"
    assert (facts["breachNotificationHours"]["value"], facts["breachNotificationHours"]["evidence"]["quote"]) == (
        "48",
        "48 Stunden",
    )
    subs = {e["name"]: e for e in vendor["subprocessors"]}
    assert [e["number"] for e in vendor["subprocessors"]] == sorted(e["number"] for e in vendor["subprocessors"])
    zendesk = subs["Zendesk, Inc."]
    assert zendesk["seat"] == [{"code": "US", "label": "United States"}]
    assert zendesk["organisation_url"] == "/organisations/zendesk-inc"
    assert "989 Market Street" in zendesk["evidence"][0]["quote"]
    stripe = {m["code"]: m for m in subs["Stripe Payments Europe, Limited"]["mechanisms"]}
    assert stripe["SCC"]["scope"] == "tied by a footnote"
    assert "Standardvertragsklauseln" in stripe["SCC"]["evidence"]["quote"]
    assert any(c["concept"] == "Contact details" for c in vendor["data_categories"])
    assert vendor["data_subjects"] and vendor["clauses"]
    html = page(client, "/vendors/101_kartenwerk_ticketing")
    assert "<h1>Kartenwerk GmbH" in html and "Zendesk, Inc." in html and "tied by a footnote" in html
    assert data(client, "/vendors/nope.json", 404)["error"] == "no document 'nope' in the store"


def test_vendor_page_shows_the_stored_validation_findings(client, store):
    vendor = data(client, "/vendors/101_kartenwerk_ticketing.json")
    stored = rows(
        store,
        f"""SELECT ?rule WHERE {{ GRAPH <{validation_graph_iri("101_kartenwerk_ticketing")}> {{
              ?r <http://www.w3.org/ns/shacl#resultSeverity> ?s ; dpag:ruleId ?rule }} }}""",
    )
    assert sorted(f["rule"] for f in vendor["findings"]) == sorted(r["rule"] for r in stored)
    assert all(f["severity"] in ("violation", "warning", "info") and f["message"] for f in vendor["findings"])
    assert vendor["status"] == "violation"
    assert data(client, f"/vendors/{NOT_VALIDATED}.json")["findings"] == []
    assert "Not validated yet" in page(client, f"/vendors/{NOT_VALIDATED}")


def test_every_quote_links_to_its_passage_in_the_document(client):
    vendor = data(client, "/vendors/104_kestrel_feedback_dpa.json")
    quotes = [f["evidence"] for f in vendor["facts"] + vendor["clauses"] + vendor["findings"] if f["evidence"]]
    quotes += [q for e in vendor["subprocessors"] for q in e["evidence"]]
    assert len(quotes) > 10
    for evidence in quotes:
        if evidence["url"] is None:
            continue
        link = urlsplit(evidence["url"])
        assert link.fragment == "passage"
        shown = data(client, f"{link.path}.json?{link.query}")["passage"]
        assert shown["text"] == evidence["quote"]
    html = page(client, urlsplit(quotes[0]["url"])._replace(fragment="").geturl())
    assert f'<mark id="passage">{quotes[0]["quote"]}</mark>' in html


def test_document_page_shows_the_text_and_refuses_bad_offsets(client):
    document = data(client, "/documents/108_tallyfox_short_dpa.json")
    assert document["text"].startswith("# Tallyfox – Data Processing Agreement") and document["passage"] is None
    assert "offsets" in data(client, "/documents/108_tallyfox_short_dpa.json?start=5&end=x", 400)["error"]
    assert (
        "not within the document"
        in data(client, "/documents/108_tallyfox_short_dpa.json?start=5&end=999999", 400)["error"]
    )
    assert 'href="/vendors/108_tallyfox_short_dpa"' in page(client, "/documents/108_tallyfox_short_dpa")


def test_organisation_page_shows_which_vendors_use_it_and_where(client):
    twilio = data(client, "/organisations/twilio-inc.json")
    assert twilio["names"] == ["Twilio Inc."]
    assert [v["vendor"] for v in twilio["vendors"]] == ["Quillstack, Inc.", "Talentfluss GmbH"]
    assert all(e["seat"] == [{"code": "US", "label": "United States"}] for e in twilio["engagements"])
    quillstack = next(e for e in twilio["engagements"] if e["vendor"] == "Quillstack, Inc.")
    assert [m["code"] for m in quillstack["mechanisms"]] == ["DPF"]
    html = page(client, "/organisations/twilio-inc")
    assert "Used by 2 vendors" in html and 'href="/vendors/103_quillstack_dpa"' in html
    assert data(client, "/organisations/kartenwerk-gmbh.json")["processor_of"][0]["vendor"] == "Kartenwerk GmbH"
    assert data(client, "/organisations/no-such-org.json", 404)["status"] == 404


# --- query page --------------------------------------------------------------------------------


def test_query_page_runs_queries_as_the_endpoint_does(client):
    query = "SELECT ?vendor WHERE { ?d dpag:processorName ?vendor } ORDER BY ?vendor"
    result = data(client, f"/query.json?query={query}")
    assert result["result"]["columns"] == ["vendor"] and len(result["result"]["rows"]) == 9
    assert urlsplit(result["downloads"]["json"]).path == "/sparql"
    assert client.get(result["downloads"]["json"]).mimetype == "application/sparql-results+json"
    html = page(client, f"/query?query={query}")
    assert "Kartenwerk GmbH" in html and '<textarea name="query"' in html
    refused = data(client, "/query.json?query=SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400)
    assert "SERVICE is refused" in refused["error"] and refused["result"] is None
    assert "read-only" in page(client, "/query?query=DROP ALL", 400)
    graph = data(
        client,
        "/query.json?query=CONSTRUCT { ?d a dpag:DataProcessingAgreement } WHERE { ?d a dpag:DataProcessingAgreement }",
    )
    assert graph["result"]["kind"] == "graph" and "DataProcessingAgreement" in graph["result"]["turtle"]
    loaded = data(client, "/query.json?example=usa-transfers")
    assert loaded["query"] == questions.get("usa-transfers").render() and loaded["result"] is None
    first = next(iter(questions.catalogue().values()))
    assert data(client, "/query.json")["query"] == first.render(), "the editor starts with an example"


def test_query_page_editor_posts_its_query(client):
    html = page(client, "/query")
    assert '<form class="editor" method="post"' in html
    posted = client.post("/query", data={"query": "SELECT ?vendor WHERE { ?d dpag:processorName ?vendor }"})
    assert posted.status_code == 200 and "Kartenwerk GmbH" in posted.get_data(as_text=True)


def test_page_queries_all_go_through_the_worker_pool(app, client, monkeypatch):
    pool = of(app).pool
    sent: list = []
    real_run = pool.run

    def recording(request):
        sent.append(request)
        return real_run(request)

    monkeypatch.setattr(pool, "run", recording)
    for url in (
        "/search.json?q=stripe",
        "/vendors/101_kartenwerk_ticketing.json",
        "/organisations/twilio-inc.json",
        "/documents/101_kartenwerk_ticketing.json",
        "/questions/usa-transfers.json",
        "/query.json?query=ASK {}",
    ):
        before = len(sent)
        data(client, url)
        assert len(sent) > before, url
    assert all(isinstance(request, QueryRequest) and request.max_rows == 10_000 for request in sent)


# --- JSON twins, headers, OpenAPI --------------------------------------------------------------


def test_every_page_answers_json_by_suffix_and_by_accept(client):
    by_suffix = data(client, "/vendors/102_carenord_pflege.json")
    by_accept = client.get("/vendors/102_carenord_pflege", headers={"Accept": "application/json"})
    assert by_accept.mimetype == "application/json" and by_accept.get_json() == by_suffix
    browser = client.get(
        "/vendors/102_carenord_pflege", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert browser.mimetype == "text/html" and "Accept" in browser.headers["Vary"]
    assert 'href="/vendors/102_carenord_pflege.json"' in browser.get_data(as_text=True)  # linked in the footer


PAGES = [
    "/",
    "/?q=twilio&country=US",
    "/questions",
    "/questions/usa-transfers",
    "/vendors/101_kartenwerk_ticketing",
    "/organisations/twilio-inc",
    "/documents/101_kartenwerk_ticketing?start=10&end=20",
    "/query?example=usa-transfers",
    "/vendors/nope",
]


class Resources(HTMLParser):
    """Every URL a page makes the browser load or go to, and every inline script or style."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href", "action") and value]
        if tag in ("script", "style") or "style" in attributes or any(name.startswith("on") for name in attributes):
            self.inline.append(tag)


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_security_headers_and_load_nothing_from_elsewhere(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    parsed = Resources()
    parsed.feed(response.get_data(as_text=True))
    assert parsed.inline == [], "no inline script or style: the CSP would block it"
    assert parsed.urls and all(u.startswith(("/", "#")) and not u.startswith("//") for u in parsed.urls), parsed.urls
    assert "/openapi.json" in parsed.urls
    assert "localStorage" not in response.get_data(as_text=True) and "Set-Cookie" not in response.headers


def test_static_files_are_served_by_the_app(client):
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and "@import" not in css.get_data(as_text=True)
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"


def test_openapi_document_is_valid_and_describes_every_page(app, client):
    document = data(client, "/openapi.json")
    validate_openapi(document)
    assert document["openapi"].startswith("3.")
    described = set(document["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("pages.", "sparql.", "openapi.")):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            assert path in described, rule.rule
            assert rule.methods - {"HEAD", "OPTIONS"} == {m.upper() for m in document["paths"][path]}, rule.rule
    assert set(document["paths"]["/questions/{name}"]["get"]["parameters"][0]["schema"]["enum"]) == set(
        questions.catalogue()
    )
    assert 'href="/openapi.json"' in page(client, "/questions")


# --- escaping ----------------------------------------------------------------------------------

HOSTILE_PAGES = [
    "/?q=analytics",
    f"/?q={SCRIPT}",
    "/questions/usa-transfers",
    f"/questions/vendors-using-organisation?organisation={SCRIPT}",
    f"/vendors/{HOSTILE_STEM}",
    "/organisations/scriptalert1script-analytics-inc-austin",
    f"/documents/{HOSTILE_STEM}",
    f'/query?query=SELECT ?n WHERE {{ ?e dpag:nameAsWritten ?n FILTER(CONTAINS(?n, "{SCRIPT}")) }}',
]


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_document_text_is_escaped_on_every_page(client, url):
    html = page(client, url)
    assert ESCAPED in html
    assert "<script" not in html.lower() and "<b>bold</b>" not in html


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_document_text_comes_through_json_unchanged(client, url):
    path, _, query = url.partition("?")
    path = "/search" if path == "/" else path
    text = json.dumps(data(client, f"{path}.json?{query}"), ensure_ascii=False)
    assert json.dumps(HOSTILE_SUBPROCESSOR, ensure_ascii=False)[1:-1] in text or json.dumps(SCRIPT)[1:-1] in text
    assert ESCAPED not in text


def test_hostile_agreement_is_shown_with_its_facts_and_findings(client):
    vendor = data(client, f"/vendors/{HOSTILE_STEM}.json")
    entry = next(e for e in vendor["subprocessors"] if e["name"] == HOSTILE_SUBPROCESSOR)
    assert entry["service"] == 'event tracking "<b>bold</b>" & more'
    assert entry["evidence"][0]["quote"].startswith(f"Sub-processor: {SCRIPT}")
    assert any(f["concerning"] == HOSTILE_SUBPROCESSOR for f in vendor["findings"])  # no mechanism for the US
    html = page(client, f"/vendors/{HOSTILE_STEM}")
    assert "event tracking &#34;&lt;b&gt;bold&lt;/b&gt;&#34; &amp; more" in html
    usa = data(client, "/questions/usa-transfers.json")
    assert "ScriptCo GmbH" in {v["vendor"] for v in usa["vendors"]}
