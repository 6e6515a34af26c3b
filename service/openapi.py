"""`/openapi.json`: an OpenAPI 3.1 description of the pages, their JSON twins and `/sparql`.

Each page is described once and expands into two paths: the page itself (HTML, or JSON by
Accept) and its `.json` twin; a test checks that every page route of the app is described here.
"""

from __future__ import annotations

from importlib.metadata import version

from flask import Blueprint, Response, jsonify

from service import questions, search_sparql

bp = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/responses/Error"}
_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _object(required: list[str] | None = None, **properties: dict) -> dict:
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema or _TEXT}


def _path(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema or _TEXT}


def _page(
    rule: str, json_rule: str, name: str, summary: str, schema: str, parameters: list[dict], form: dict | None = None
) -> dict:
    """The page's two paths: `rule` answers in HTML or, by Accept, JSON; `json_rule` in JSON. With a
    `form` schema, both also take the parameters as a POSTed form."""
    json_content = {"application/json": {"schema": _ref(schema)}}

    def operation(operation_id: str, content: dict, description: str) -> dict:
        responses = {"200": {"description": description, "content": content}, "4XX": _ERROR, "5XX": _ERROR}
        get = {"operationId": operation_id, "summary": summary, "parameters": parameters, "responses": responses}
        if form is None:
            return {"get": get}
        body = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form}}}
        post = {"operationId": operation_id + "Post", "summary": summary, "requestBody": body, "responses": responses}
        return {"get": get, "post": post}

    html = {"text/html": {"schema": _TEXT}, **json_content}
    return {
        rule: operation(name, html, "the page; JSON when the client prefers application/json"),
        json_rule: operation(name + "Json", json_content, "the page's data as JSON"),
    }


def _sparql() -> dict:
    results = {
        media: {"schema": _TEXT}
        for media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
            "application/rdf+xml",
        )
    }
    answer = {"200": {"description": "query results, or the service description without a query", "content": results}}
    answer.update({"400": _ERROR, "406": _ERROR, "413": _ERROR, "503": _ERROR, "504": _ERROR})
    parameters = [
        _query("query", "the SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are refused"),
        _query("default-graph-uri", "a graph of the store for the default graph", _array(_TEXT)),
        _query("named-graph-uri", "a graph of the store as named graph", _array(_TEXT)),
        _query("format", "result format: json, xml, csv, tsv, turtle, ntriples, json-ld, rdfxml or a media type"),
    ]
    form = _object(["query"], query=_TEXT)
    return {
        "/sparql": {
            "get": {
                "operationId": "sparqlGet",
                "summary": "SPARQL 1.1 Protocol query (read-only)",
                "parameters": parameters,
                "responses": answer,
            },
            "post": {
                "operationId": "sparqlPost",
                "summary": "SPARQL 1.1 Protocol query by POST",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": form},
                        "application/sparql-query": {"schema": _TEXT},
                    },
                },
                "responses": answer,
            },
        }
    }


def _schemas() -> dict:
    evidence = _object(["quote"], quote=_TEXT, start=_NULLABLE_INT, end=_NULLABLE_INT, url=_NULLABLE_TEXT)
    maybe_evidence = {"anyOf": [_ref("Evidence"), {"type": "null"}]}
    table = {"columns": _array(_TEXT), "rows": _array({"type": "object"}), "truncated": {"type": "boolean"}}
    vendor_link = _object(["document", "vendor"], document=_TEXT, vendor=_TEXT, url=_TEXT)
    question = _object(
        ["name", "title"], name=_TEXT, title=_TEXT, description=_TEXT, params=_array({"type": "object"}), url=_TEXT
    )
    listed = _object(
        ["label"], label=_NULLABLE_TEXT, concept=_NULLABLE_TEXT, scope=_NULLABLE_TEXT, evidence=maybe_evidence
    )
    fact = _object(["property", "label", "value"], property=_TEXT, label=_TEXT, value=_TEXT, evidence=maybe_evidence)
    country = _object(["code", "label"], code=_TEXT, label=_TEXT)
    return {
        "Error": _object(["error", "status"], error=_TEXT, status={"type": "integer"}),
        "Evidence": evidence,
        "SearchResult": _object(
            ["total", "results", "facets"],
            request={"type": "object"},
            total={"type": "integer"},
            page={"type": "integer"},
            pages={"type": "integer"},
            results=_array(
                _object(
                    ["document", "vendor", "status", "matches"],
                    document=_TEXT,
                    vendor=_TEXT,
                    status={"enum": list(search_sparql.STATUSES)},
                    url=_TEXT,
                    matches=_array(
                        _object(
                            ["kind", "label"],
                            kind=_TEXT,
                            label=_NULLABLE_TEXT,
                            context=_NULLABLE_TEXT,
                            url=_NULLABLE_TEXT,
                        )
                    ),
                )
            ),
            facets=_array(_object(["name", "options"], name=_TEXT, title=_TEXT, options=_array({"type": "object"}))),
            sparql=_object(names=_TEXT, page=_TEXT, hits=_TEXT, facets=_TEXT),
            questions=_array(_ref("Question")),
        ),
        "Question": question,
        "QuestionList": _object(["questions"], questions=_array(_ref("Question"))),
        "Answer": _object(
            ["name", "sparql", "columns", "rows"],
            **question["properties"],
            sparql=_TEXT,
            **table,
            vendors=_array(vendor_link),
            downloads=_object(csv=_TEXT, json=_TEXT),
        ),
        "Engagement": _object(
            ["document", "name"],
            document=_TEXT,
            vendor=_TEXT,
            number={"type": "integer"},
            name=_TEXT,
            organisation=_NULLABLE_TEXT,
            service=_NULLABLE_TEXT,
            purpose=_NULLABLE_TEXT,
            seat=_array(country),
            processing=_array(country),
            mechanisms=_array(
                _object(["code"], code=_TEXT, label=_NULLABLE_TEXT, scope=_NULLABLE_TEXT, evidence=maybe_evidence)
            ),
            evidence=_array(_ref("Evidence")),
        ),
        "Vendor": _object(
            ["document", "vendor", "subprocessors"],
            document=_TEXT,
            vendor=_TEXT,
            status={"enum": list(search_sparql.STATUSES)},
            title=_NULLABLE_TEXT,
            organisation=_NULLABLE_TEXT,
            facts=_array(fact),
            subprocessors=_array(_ref("Engagement")),
            document_mechanisms=_array(listed),
            data_categories=_array(listed),
            data_subjects=_array(listed),
            clauses=_array(fact),
            findings=_array(
                _object(
                    ["rule", "severity"],
                    rule=_TEXT,
                    severity={"enum": ["violation", "warning", "info"]},
                    message=_NULLABLE_TEXT,
                    concerning=_NULLABLE_TEXT,
                    line=_NULLABLE_INT,
                    evidence=maybe_evidence,
                )
            ),
        ),
        "Organisation": _object(
            ["organisation", "names", "vendors"],
            organisation=_TEXT,
            iri=_TEXT,
            names=_array(_TEXT),
            registry=_NULLABLE_TEXT,
            vendors=_array(vendor_link),
            engagements=_array(_ref("Engagement")),
            processor_of=_array(vendor_link),
        ),
        "Document": _object(
            ["document", "text"],
            document=_TEXT,
            vendor=_TEXT,
            title=_NULLABLE_TEXT,
            text=_TEXT,
            passage={
                "anyOf": [
                    _object(["start", "end", "text"], start={"type": "integer"}, end={"type": "integer"}, text=_TEXT),
                    {"type": "null"},
                ]
            },
        ),
        "QueryPage": _object(
            ["query", "examples"],
            query=_TEXT,
            example=_TEXT,
            examples=_array(_object(["name", "title"], name=_TEXT, title=_TEXT)),
            result={"anyOf": [{"type": "object"}, {"type": "null"}]},
            error=_NULLABLE_TEXT,
            downloads={"anyOf": [{"type": "object"}, {"type": "null"}]},
        ),
    }


def document() -> dict:
    catalogue = questions.catalogue()
    names = sorted({p.name for q in catalogue.values() for p in q.params})
    facets = [_query(f.name, f"{f.title}: a code of its vocabulary (e.g. US, SCC)") for f in search_sparql.FACETS]
    search_parameters = [
        _query("q", "text matched against vendors, sub-processors, countries, data categories and subjects"),
        *facets,
        _query("status", "validation status", {"enum": list(search_sparql.STATUSES)}),
        _query("page", "result page (50 agreements each)", {"type": "integer", "minimum": 1}),
    ]
    stem = _path("stem", "the document's file name without extension")
    paths = {
        **_page("/", "/search.json", "search", "Search vendors, with facets", "SearchResult", search_parameters),
        **_page("/questions", "/questions.json", "questions", "The competency questions", "QuestionList", []),
        **_page(
            "/questions/{name}",
            "/questions/{name}.json",
            "question",
            "Answer one competency question",
            "Answer",
            [
                _path("name", "the question", {"enum": list(catalogue)}),
                *(_query(n, f"parameter {n} of the questions that take it") for n in names),
            ],
        ),
        **_page("/vendors/{stem}", "/vendors/{stem}.json", "vendor", "One agreement and its facts", "Vendor", [stem]),
        **_page(
            "/organisations/{slug}",
            "/organisations/{slug}.json",
            "organisation",
            "Which vendors use an organisation, and where",
            "Organisation",
            [_path("slug", "the organisation's slug (as in its IRI …/id/org/<slug>)")],
        ),
        **_page(
            "/documents/{stem}",
            "/documents/{stem}.json",
            "document",
            "The text of an agreement, one passage marked",
            "Document",
            [
                stem,
                _query("start", "passage start offset", {"type": "integer"}),
                _query("end", "passage end offset", {"type": "integer"}),
            ],
        ),
        **_page(
            "/query",
            "/query.json",
            "query",
            "SPARQL editor: runs the query as /sparql does",
            "QueryPage",
            [_query("query", "SPARQL query to run"), _query("example", "name of an example query to load")],
            form=_object(query=_TEXT, example=_TEXT),
        ),
        **_sparql(),
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "DPA Graph",
            "version": version("dpagraph"),
            "description": "Search pages and a read-only SPARQL endpoint over GDPR data processing agreements.",
        },
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "responses": {
                "Error": {
                    "description": "an error: JSON for JSON requests, else an HTML page (plain text from /sparql)",
                    "content": {
                        "application/json": {"schema": _ref("Error")},
                        "text/html": {"schema": _TEXT},
                        "text/plain": {"schema": _TEXT},
                    },
                }
            },
        },
    }


@bp.route("/openapi.json")
def openapi() -> Response:
    return jsonify(document())
