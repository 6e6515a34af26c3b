"""Query inspection: what the endpoint refuses, decided on the parsed query before anything runs.

Oxigraph follows `SERVICE <url>` (it sends the sub-query over HTTP) and cannot show its parse tree,
so every query is first parsed with rdflib's SPARQL grammar and the tree is walked:
* any `SERVICE`, wherever it is nested (OPTIONAL, UNION, MINUS, subqueries, FILTER EXISTS, …);
* `FROM` / `FROM NAMED` and the protocol's graph parameters: `file:` IRIs outright, anything not
  http(s) or urn; that a name is a graph of the store is checked by the worker, which has the store;
* update operations, named in the message.
rdflib must read the same query Oxigraph runs, so the text is normalised first and what the two
parsers would read differently is refused: a lone carriage return ends a comment for Oxigraph but
not for rdflib (a `SERVICE` after `# …\\r` would be invisible here and run there), and rdflib
expands `\\uXXXX` escapes everywhere while Oxigraph does so only inside strings and IRIs.
A query rdflib cannot read is refused even if Oxigraph could run it: the inspection fails closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

ALLOWED_GRAPH_SCHEMES = ("http", "https", "urn")
_CODEPOINT_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT … WHERE",
}
READ_ONLY = "this endpoint is read-only"


class Refusal(Exception):
    """A request the endpoint will not run: the HTTP status and a message that says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class InspectedQuery:
    text: str  # the normalised text: exactly what rdflib read and what Oxigraph must run
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]

    @property
    def kind(self) -> str:
        """'results' for SELECT/ASK (a results table), 'graph' for CONSTRUCT/DESCRIBE (RDF)."""
        return "results" if self.form in ("SELECT", "ASK") else "graph"


def normalise(text: str) -> str:
    """Line ends as LF (so comments end where both parsers think they do); refuse what the two
    parsers would read differently, and control characters, which no query needs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise Refusal("empty query")
    if _CODEPOINT_ESCAPE.search(text):
        raise Refusal(
            "\\uXXXX / \\UXXXXXXXX escapes are not accepted (the query inspector and the query "
            "engine would read them differently); write the characters themselves"
        )
    control = _CONTROL.search(text)
    if control:
        line, column = _position(text, control.start())
        raise Refusal(f"control character {control.group()!r} at line {line}, column {column} is not accepted")
    return text


def inspect_query(text: str, prefixes: Mapping[str, str]) -> InspectedQuery:
    """The query's form and dataset, or a Refusal (malformed, update, SERVICE, bad FROM)."""
    text = normalise(text)
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        raise _update_refusal(text) or _malformed(exc) from None
    except RecursionError:
        raise Refusal("query is nested too deeply to inspect") from None
    prologue, query = parsed[0], parsed[1]
    if any(node.name == "ServiceGraphPattern" for node in _nodes(query)):
        raise Refusal(
            "SERVICE is refused: this endpoint never contacts other services "
            "(federated queries would let anyone make the server send requests)"
        )
    from_graphs: list[str] = []
    from_named: list[str] = []
    if "datasetClause" in query:
        try:
            resolved = translatePrologue(prologue, None, initNs=dict(prefixes))
            for clause in query["datasetClause"]:
                named = "named" in clause
                iri = str(resolved.absolutize(clause["named"] if named else clause["default"]))
                (from_named if named else from_graphs).append(check_graph_name(iri, "FROM NAMED" if named else "FROM"))
        except Refusal:
            raise
        except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
            raise Refusal(f"malformed query: {exc}") from None
    return InspectedQuery(text, _FORMS[query.name], tuple(from_graphs), tuple(from_named))


def check_graph_name(iri: str, where: str) -> str:
    """A graph name may only name a graph of the store: refuse anything that looks like a place to
    load from. Returns the IRI."""
    scheme = urlsplit(iri).scheme.lower()
    if scheme == "file":
        raise Refusal(f"{where} <{iri}> is refused: file: IRIs are never read")
    if scheme not in ALLOWED_GRAPH_SCHEMES:
        allowed = ", ".join(f"{s}:" for s in ALLOWED_GRAPH_SCHEMES)
        raise Refusal(f"{where} <{iri}> is refused: graph names must be absolute {allowed} IRIs of this store's graphs")
    return iri


def update_refusal_message(operations: list[str] | None = None) -> str:
    named = f" ({', '.join(operations)})" if operations else ""
    return f"SPARQL Update{named} is refused: {READ_ONLY}"


def _update_refusal(text: str) -> Refusal | None:
    """A Refusal naming the operations when the text is a SPARQL Update, else None."""
    try:
        parsed = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return None
    # not .get(): rdflib's CompValue.get returns the key itself when it is missing
    requests = parsed["request"] if "request" in parsed else []  # noqa: SIM401
    operations = [_UPDATES.get(op.name, op.name) for op in requests]
    return Refusal(update_refusal_message(list(dict.fromkeys(operations)))) if operations else None


def _malformed(exc: ParseBaseException) -> Refusal:
    line_text = exc.line.rstrip("\n")
    caret = " " * (exc.col - 1) + "^"
    rest = exc.pstr[exc.loc :].split("\n", 1)[0][:20]
    found = f", found {rest!r}" if exc.loc < len(exc.pstr) else ", found end of text"
    return Refusal(f"malformed query at line {exc.lineno}, column {exc.col}: {exc.msg}{found}\n{line_text}\n{caret}")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _nodes(tree) -> Iterator[CompValue]:
    """Every node of rdflib's parse tree, depth first (iteratively: trees can be deep)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
