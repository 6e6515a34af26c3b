"""The search as SPARQL: what a search asks (`SearchRequest`), the kinds of fact it finds and
offers as facets (`Kind`), and the queries that answer it.

* The filter (text match, chosen facets, validation status) is one subquery (`matching`) shared
  by the page query (a page of matching agreements) and the facets query (agreements per facet
  value among the same matches). A text first asks which concepts and organisations it names
  (`names_query`); the hits query then lists, for the page's agreements, the facts that made them
  match. The queries are shown on the page, so a data team can take them to `/sparql`.
* Every value from the request enters the query as an RDF term serialised by Oxigraph: the text
  as a literal, a facet value as an IRI in its vocabulary (codes are checked first).
* The text matches a fact by what the document wrote (vendor, sub-processor, list item) or by a
  name of the concept or organisation it stands for (labels in English and German, codes, aliases
  of known organisations: "USA", "Kontaktdaten", "Sentry"); see `Kind`.
* Oxigraph is fast when each part starts from what is already bound; the comments say where a
  more natural form was many times slower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from werkzeug.datastructures import MultiDict

from graph.build import DPAMECH, LOC, PREFIXES
from service.fragments import AGREEMENT, STATUS, VENDOR, label, literal
from service.safety import Refusal

PAGE_SIZE = 50
STATUSES = ("pass", "info", "warning", "violation", "not validated")
MAX_TEXT = 200
SHORT_TEXT = 3  # up to this many characters, the text is matched as a whole word
_NOT_WORD = r"[^\p{L}\p{N}]"
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Kind:
    """A kind of fact the search finds, shows and (with a `title`) offers as a facet.

    `fact` binds, from ?dpa, ?value (the concept or organisation), ?label (what the page shows)
    and ?context (where it was said). The text hits a fact through `written`, the variable with
    the text as the document writes it, or through the names of ?value (vocabulary labels and
    codes, aliases of known organisations), which `path` leads to from the agreement."""

    name: str  # ?kind, and the request parameter of the facet
    fact: str
    written: str | None = None
    path: str | None = None
    title: str | None = None
    namespace: str = ""  # facet value IRI = namespace + code


def _listed(name: str, item_property: str, concept_property: str, title: str, namespace: str) -> Kind:
    """Data category or subject items: the concept's label, else the item as written."""
    fact = f"""?dpa {item_property} ?item . ?item rdfs:label ?context .
    OPTIONAL {{ ?item dpag:concept ?value . {label("?value", "?conceptLabel")} }}
    BIND(COALESCE(?conceptLabel, ?context) AS ?label)"""
    return Kind(name, fact, "?context", concept_property, title, namespace)


def _placed(context: str, engagement_property: str, document_property: str, value: str = "?value") -> str:
    """A fact stated on the agreement (`context` says so) or on an engagement (named as written)."""
    return f"""{{ ?dpa {document_property} {value} BIND("{context}" AS ?context) }}
    UNION {{ ?dpa dpag:hasSubprocessorEngagement ?engagement .
      ?engagement {engagement_property} {value} ; dpag:nameAsWritten ?context }}"""


KINDS = (
    Kind("vendor", "?dpa dpag:processorName ?label .", written="?label"),
    Kind(
        "subprocessor",
        "?dpa dpag:hasSubprocessorEngagement ?engagement . ?engagement dpag:nameAsWritten ?label ; dpag:subprocessor ?value .",
        written="?label",
        path="dpag:hasSubprocessorEngagement/dpag:subprocessor",
    ),
    Kind(
        "country",
        f"""{_placed("the processor itself", "dpag:seatCountry|dpag:processingCountry", "dpag:processorCountry")}
    {label("?value", "?label")}""",
        path="dpag:processorCountry|dpag:hasSubprocessorEngagement/(dpag:seatCountry|dpag:processingCountry)",
        title="Country",
        namespace=str(LOC),
    ),
    Kind(
        "mechanism",
        f"""{_placed("the whole document", "dpag:hasTransferMechanism", "dpag:hasTransferMechanism", "?statement")}
    ?statement dpag:mechanism ?value . {label("?value", "?label")}""",
        path="(dpag:hasTransferMechanism|dpag:hasSubprocessorEngagement/dpag:hasTransferMechanism)/dpag:mechanism",
        title="Transfer mechanism",
        namespace=str(DPAMECH),
    ),
    _listed("category", "dpag:hasDataCategoryItem", "dpv:hasPersonalData", "Data category", PREFIXES["dpacat"]),
    _listed("subject", "dpag:hasDataSubjectItem", "dpv:hasDataSubject", "Data subjects", PREFIXES["dpasubj"]),
)
FACETS = tuple(kind for kind in KINDS if kind.title)


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    facets: dict[str, str] = field(default_factory=dict)  # facet name → code, e.g. country → US
    status: str = ""
    page: int = 1
    named: tuple[str, ...] = ()  # IRIs with a name that matches the text (see names_query)

    @classmethod
    def from_args(cls, args: MultiDict) -> SearchRequest:
        """Read the query string; a malformed facet value or page is a 400 that says which."""
        text = " ".join(args.get("q", "").split())[:MAX_TEXT]
        facets = {}
        for facet in FACETS:
            code = args.get(facet.name, "").strip()
            if code and not _CODE.match(code):
                raise Refusal(f"{facet.name}={code!r} is not a code of the vocabulary (letters, digits, _ and -)")
            if code:
                facets[facet.name] = code
        status = args.get("status", "").strip()
        if status and status not in STATUSES:
            raise Refusal(f"status must be one of {', '.join(STATUSES)}")
        page = args.get("page", "1")
        if not page.isdigit() or int(page) < 1:
            raise Refusal("page must be a positive number")
        return cls(text, facets, status, int(page))

    def args(self, **changes: str | None) -> dict[str, str]:
        """The query string of this search with some parameters changed (None removes one)."""
        current = {"q": self.text, **self.facets, "status": self.status}
        current.update(changes)
        return {name: value for name, value in current.items() if value}


def _selected(request: SearchRequest, facet: Kind) -> ox.NamedNode | None:
    code = request.facets.get(facet.name)
    return ox.NamedNode(facet.namespace + code) if code else None


def _matches(request: SearchRequest, variable: str) -> str:
    """A longer text matches anywhere (German compounds: "daten" finds "Kontaktdaten"); a short one
    is an abbreviation or code (US, USA, AWS, SCC) and matches only as a whole word, so "USA" does
    not find "Usage data"."""
    if len(request.text) > SHORT_TEXT:
        return f"CONTAINS(LCASE(STR({variable})), LCASE({literal(request.text)}))"
    word = literal(f"(^|{_NOT_WORD}){_regex_escape(request.text)}($|{_NOT_WORD})")
    return f'REGEX(STR({variable}), {word}, "i")'


def _regex_escape(text: str) -> str:
    """`text` as a literal XPath regular expression (which allows escaping only its metacharacters)."""
    return re.sub(r"([\\.?*+(){}\[\]^$|-])", r"\\\1", text)


def names_query(request: SearchRequest) -> str:
    """The concepts and organisations one of whose names matches the text: vocabulary labels and
    codes, and the labels and aliases of the known organisation an organisation node is. Asked
    first and on its own, so the other queries start from these few nodes instead of matching the
    names of every fact of every agreement."""
    match = _matches(request, "?name")
    return f"""SELECT DISTINCT ?value WHERE {{
  {{ ?value skos:prefLabel|skos:altLabel|skos:notation ?name FILTER({match}) }}
  UNION {{ ?entry skos:prefLabel|skos:altLabel ?name FILTER({match}) ?value dpag:registryEntry ?entry }}
}}"""


def _tag(kind: Kind) -> str:
    return f'BIND("{kind.name}" AS ?kind)'


def _named(request: SearchRequest, separator: str = " ") -> str:
    """The IRIs the text names, as SPARQL terms (space-separated for VALUES, `, ` for IN)."""
    return separator.join(str(ox.NamedNode(iri)) for iri in request.named)


def _text_hits(request: SearchRequest) -> list[str]:
    """Patterns of the facts of ?dpa that the text hits: as written, or by a name of their ?value."""
    hits = [f"{k.fact} {_tag(k)} FILTER({_matches(request, k.written)})" for k in KINDS if k.written]
    if request.named:
        hits += [f"{k.fact} {_tag(k)} FILTER(?value IN ({_named(request, ', ')}))" for k in KINDS if k.path]
    return hits


def _facet_hits(request: SearchRequest) -> list[str]:
    """Patterns of the facts of ?dpa that are a chosen facet value."""
    return [
        f"{facet.fact} {_tag(facet)} FILTER(?value = {_selected(request, facet)})"
        for facet in FACETS
        if _selected(request, facet)
    ]


def _text_filter(request: SearchRequest) -> str:
    """The agreements the text hits, as a join (FILTER EXISTS, run once per agreement, is several
    times slower on Oxigraph): what is written is scanned, named nodes are followed back to the
    agreements."""
    branches = [f"{{ {k.fact} FILTER({_matches(request, k.written)}) }}" for k in KINDS if k.written]
    if request.named:
        paths = "|".join(f"({k.path})" for k in KINDS if k.path)
        branches.append(f"{{ VALUES ?value {{ {_named(request)} }} ?dpa {paths} ?value }}")
    return "{ SELECT DISTINCT ?dpa WHERE { " + "\n      UNION ".join(branches) + " } }"


def matching(request: SearchRequest) -> str:
    """The agreements that match, as ?dpa ?document ?vendor ?status: a subquery, so the variables
    of the text match never meet those of the query around it."""
    lines = [AGREEMENT, VENDOR, STATUS]
    lines += [f"?dpa {facet.path} {_selected(request, facet)} ." for facet in FACETS if _selected(request, facet)]
    if request.status:
        lines.append(f"FILTER(?status = {literal(request.status)})")
    if request.text:
        lines.append(_text_filter(request))
    where = "\n    ".join(lines)
    return f"{{ SELECT ?dpa ?document ?vendor ?status WHERE {{\n    {where}\n  }} }}"


def page_query(request: SearchRequest) -> str:
    """The request's page of matching agreements, in vendor order."""
    offset = (request.page - 1) * PAGE_SIZE
    return f"""SELECT ?dpa ?document ?vendor ?status WHERE {{
  {matching(request)}
}}
ORDER BY LCASE(?vendor) ?document LIMIT {PAGE_SIZE} OFFSET {offset}"""


def hits_query(request: SearchRequest, agreements: list[str]) -> str | None:
    """The facts of these agreements that made them match (the text hits them, or they are a
    chosen facet value); None when nothing was asked. Each branch starts from the agreements
    themselves: Oxigraph would otherwise evaluate it over the whole store."""
    branches = (_text_hits(request) if request.text else []) + _facet_hits(request)
    if not branches or not agreements:
        return None
    page = "VALUES ?dpa { " + " ".join(str(ox.NamedNode(iri)) for iri in agreements) + " }"
    union = "\n  UNION ".join(f"{{ {page}\n    {branch} }}" for branch in branches)
    return f"SELECT DISTINCT ?dpa ?kind ?label ?context ?value WHERE {{\n  {union}\n}}"


def facets_query(request: SearchRequest) -> str:
    branches = "\n  UNION ".join(
        f'{{ ?dpa {f.path} ?key BIND("{f.name}" AS ?facet) {label("?key", "?label")} }}' for f in FACETS
    )
    return f"""SELECT ?facet ?value ?label (COUNT(DISTINCT ?dpa) AS ?count) WHERE {{
  {matching(request)}
  {{ {branches}
  UNION {{ BIND("status" AS ?facet) }} UNION {{ BIND("total" AS ?facet) }} }}
  BIND(COALESCE(?key, IF(?facet = "status", ?status, "")) AS ?value)
}}
GROUP BY ?facet ?value ?label"""
