"""Query inspection: SERVICE, loading FROM and updates are refused before anything runs, however
they are written; what rdflib and Oxigraph would read differently is refused too."""

from __future__ import annotations

import pytest

from graph.build import PREFIXES
from service.safety import Refusal, _plain_query, check_graph_name, explain_syntax_error, inspect_query, normalise


def refusal(text: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        inspect_query(text, PREFIXES)
    assert caught.value.status == 400
    return caught.value


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SeLeCt * WhErE {\n\tSeRvIcE\n\t<http://127.0.0.1:9/>\n{ ?s ?p ?o } }",
        "PREFIX s: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE s:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { ?e a ?t . SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { ?s ?p ?o SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { GRAPH ?g { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT (EXISTS { SERVICE <http://127.0.0.1:9/> {} } AS ?x) WHERE {}",
        "ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "DESCRIBE ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "# a comment\nSELECT * WHERE { # SERVICE in a comment is harmless, the next one is not\n"
        "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_wherever_it_is(query):
    assert "SERVICE is refused" in refusal(query).message


def test_service_inside_strings_iris_and_comments_is_data():
    inspected = inspect_query(
        'SELECT * WHERE { ?s dpag:service "SERVICE <http://x/> {}" . <http://x/SERVICE> ?p ?o } # SERVICE <http://x/>',
        PREFIXES,
    )
    assert inspected.form == "SELECT"


def test_a_lone_carriage_return_cannot_hide_service_in_a_comment():
    """Oxigraph ends a comment at CR, rdflib does not: without normalising, rdflib would see an
    empty pattern where Oxigraph runs the SERVICE."""
    assert (
        "SERVICE is refused" in refusal("SELECT * WHERE { # c\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n }").message
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        'SELECT * WHERE { BIND("\\u0022" AS ?a) }',
        "SELECT * WHERE { ?s ?p \\U00000022x }",
    ],
)
def test_codepoint_escapes_are_refused(query):
    assert "escapes are not accepted" in refusal(query).message


def test_control_characters_are_refused():
    assert "control character '\\x0c' at line 2, column 3" in refusal("SELECT *\n  \x0cWHERE { }").message


@pytest.mark.parametrize(
    ("query", "operations"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT DATA"),
        ("DELETE DATA { <urn:a> <urn:b> <urn:c> }", "DELETE DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT … WHERE"),
        ("LOAD <http://127.0.0.1:9/x.ttl>", "LOAD"),
        ("load silent <file:///etc/passwd> into graph <urn:g>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <urn:g>", "DROP"),
        ("CREATE GRAPH <urn:g>", "CREATE"),
        ("ADD DEFAULT TO <urn:g>", "ADD"),
        ("MOVE <urn:a> TO <urn:b>", "MOVE"),
        ("COPY <urn:a> TO <urn:b>", "COPY"),
        ("PREFIX x: <urn:x:>\nCLEAR DEFAULT ; DROP ALL", "CLEAR, DROP"),
    ],
)
def test_updates_are_refused_by_name(query, operations):
    assert refusal(query).message == f"SPARQL Update ({operations}) is refused: this endpoint is read-only"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd> is refused: file: IRIs"),
        ("SELECT * FROM NAMED <FILE:/etc/passwd> WHERE { ?s ?p ?o }", "FROM NAMED <FILE:/etc/passwd> is refused"),
        ("BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd> is refused"),
        ("PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        ("SELECT * FROM <ftp://example.org/x.ttl> WHERE { ?s ?p ?o }", "must be absolute http:, https:, urn: IRIs"),
        ("SELECT * FROM <relative.ttl> WHERE { ?s ?p ?o }", "FROM <relative.ttl> is refused"),
        ("SELECT * FROM unknown:g WHERE { ?s ?p ?o }", "Unknown namespace prefix"),
    ],
)
def test_from_that_could_load_is_refused(query, message):
    assert message in refusal(query).message


def test_from_naming_store_graphs_is_inspected_and_resolved():
    inspected = inspect_query(
        "BASE <https://w3id.org/dpagraph/id/graph/>\n"
        "SELECT * FROM <a> FROM NAMED <urn:x:b> FROM NAMED dpag:c WHERE { ?s ?p ?o }",
        PREFIXES,
    )
    assert inspected.from_graphs == ("https://w3id.org/dpagraph/id/graph/a",)
    assert inspected.from_named_graphs == ("urn:x:b", "https://w3id.org/dpagraph/ns#c")


def test_graph_parameters_are_checked_like_from():
    assert check_graph_name("https://w3id.org/dpagraph/id/graph/a", "default-graph-uri")
    with pytest.raises(Refusal, match="named-graph-uri <file:///x> is refused"):
        check_graph_name("file:///x", "named-graph-uri")


def test_malformed_queries_name_line_and_column():
    # the lexical check lets it through (it cannot reach outside); the engine finds the error, and
    # rdflib explains it
    explained = explain_syntax_error("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }", PREFIXES)
    assert explained is not None
    message = explained.message
    assert message.startswith("malformed query at line 3, column 3: ")
    assert message.endswith("\n  FILTER(?o = ) }\n  ^")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("  \n ", "empty query"),
        ("SELECT * WHERE { " + "{ " * 3000 + "}" * 3000 + " }", "nested too deeply"),
        ("SELECT * WHERE { } ; DROP ALL", "malformed query at line 1"),
    ],
)
def test_other_bad_input(query, message):
    assert message in refusal(query).message


@pytest.mark.parametrize(
    ("query", "form", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", "results"),
        ("ask { }", "ASK", "results"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", "graph"),
        ("DESCRIBE <urn:x>", "DESCRIBE", "graph"),
    ],
)
def test_query_forms(query, form, kind):
    inspected = inspect_query(query, PREFIXES)
    assert (inspected.form, inspected.kind) == (form, kind)


def test_the_text_that_runs_is_the_text_that_was_inspected():
    assert inspect_query("SELECT *\r\nWHERE { }\r", PREFIXES).text == "SELECT *\nWHERE { }\n"


# --- the lexical pre-check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?v WHERE { ?d dpag:processorName ?v }",
        'PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:label "SERVICE <http://127.0.0.1:9/> {}" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> in a comment",
        "ask { ?s ?p 'FROM <file:///etc/passwd>' }",
        'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p """DROP ALL""" }',
        "BASE <http://example.org/> DESCRIBE <x>",
    ],
)
def test_plain_queries_need_no_parse(query):
    plain = _plain_query(normalise(query))
    assert plain is not None and plain == inspect_query(query, PREFIXES)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3) SERVICE<http://127.0.0.1:9/>{ ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<?from&&?x>2) }",  # `<…>`: an IRI to one parser, operators to the other
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ex:a\\#b ?p ?o }",  # not a comment: an escaped name
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ex:a\\'b ?p ?o }",  # not a string
        "SELECT * WHERE { ?s ?p 'unterminated }",
        "SELECT ?from WHERE { ?from ?p ?o }",  # a keyword as a variable name: the parse decides
        "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * WHERE { " + "{ " * 100 + "}" * 100 + " }",
        "# a comment first\nDROP ALL",
    ],
)
def test_anything_unusual_takes_the_full_parse(query):
    assert _plain_query(normalise(query)) is None


def test_the_full_parse_still_refuses_what_the_precheck_sends_it():
    assert (
        "SERVICE is refused"
        in refusal("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3) SERVICE<http://127.0.0.1:9/>{ ?s ?p ?o } }").message
    )
    assert "read-only" in refusal("# a comment first\nDROP ALL").message
