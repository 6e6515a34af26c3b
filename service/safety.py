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

rdflib's parser is slow (pure Python: 50-350 ms for a page's query, about 100 times Oxigraph's run
time), so a lexical pre-check comes first (`_plain_query`): strings, IRIs and comments are cut out,
token by token as both parsers read them, and when what remains names no keyword that could reach
outside or change the store (SERVICE, FROM, any update keyword; also looked for inside IRIs, in
case a `<` was an operator) and the query is a plain prologue followed by its form, it can do
nothing but read the store and needs no parse here. Anything unusual takes the full parse.
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
MAX_PLAIN_DEPTH = 64
# Keywords after which a query might reach outside the store or change it: whole words, any case.
_RISKY = re.compile(r"\b(SERVICE|FROM|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH|USING)\b", re.I)
# Tokens that hide text from a keyword search: IRIREF (SPARQL grammar [139]), long and short strings
# ([156]-[159]) and comments; both parsers read them alike once the text is normalised. A quote
# that opens no complete string is caught as `quote`.
_HIDING = re.compile(
    "(?P<iri>" + r'<[^<>"{}|^`\\\x00-\x20]*>' + ")"
    "|(?P<long>" + r'"""(?:[^"\\]|\\.|"(?!""))*"""' + "|" + r"'''(?:[^'\\]|\\.|'(?!''))*'''" + ")"
    "|(?P<short>" + r'"(?:[^"\\\n]|\\.)*"' + "|" + r"'(?:[^'\\\n]|\\.)*'" + ")"
    r"|(?P<comment>#[^\n]*)"
    "|(?P<quote>[\"'])",
    re.DOTALL,
)
# What a plain query starts with once IRIs are cut out: BASE and PREFIX declarations, then its form.
_PROLOGUE_FORM = re.compile(
    r"\s*(?:(?:BASE\s*<>|PREFIX\s+(?:[A-Za-z][\w.-]*)?:\s*<>)\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I
)


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
    return _plain_query(text) or inspect_query_fully(text, prefixes)


def inspect_query_fully(text: str, prefixes: Mapping[str, str]) -> InspectedQuery:
    """`inspect_query` by rdflib's parse tree, for a normalised text."""
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


def _plain_query(text: str) -> InspectedQuery | None:
    """The inspection of a query that lexically cannot leave the store or change it, else None (the
    full parse decides). A syntax error in such a query is left to Oxigraph, which reports it."""
    kept: list[str] = []
    position = 0
    for token in _HIDING.finditer(text):
        kind = token.lastgroup
        escaped = text[token.start() - 1 : token.start()] == "\\"  # ex:a\#b, ex:a\'b are prefixed names
        if kind == "quote" or escaped or (kind == "iri" and _RISKY.search(token.group())):
            return None
        kept += [text[position : token.start()], {"iri": "<>", "comment": " "}.get(kind or "", '""')]
        position = token.end()
    scrubbed = "".join(kept) + text[position:]
    form = _PROLOGUE_FORM.match(scrubbed)
    if form is None or "\\" in scrubbed or _RISKY.search(scrubbed) or _depth(scrubbed) > MAX_PLAIN_DEPTH:
        return None
    return InspectedQuery(text, form.group(1).upper(), (), ())


def _depth(scrubbed: str) -> int:
    """How deeply groups and brackets nest (a deep query goes to the full parse, which refuses it
    before any engine has to recurse through it)."""
    depth = deepest = 0
    for char in scrubbed:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    return deepest


def explain_syntax_error(text: str, prefixes: Mapping[str, str]) -> Refusal | None:
    """rdflib's account (line, column, caret) of a query the engine found malformed after the
    lexical check let it through; None when rdflib reads it (the engine's message stands)."""
    try:
        inspect_query_fully(normalise(text), prefixes)
    except Refusal as refusal:
        return refusal
    return None


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
