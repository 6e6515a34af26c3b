"""Record → RDF: the triples of one document's named graph, aligned to DPV 2.3 (see ontology/dpagraph.ttl).

Why it looks like this:
* Every node gets an IRI (no blank nodes), derived from the document stem and list positions, so
  the same record always yields the same graph and pages can link to any fact or evidence.
* Organisations are shared across documents (`id/org/<slug>`), but everything said about them lives
  in the document's own graph; removing a document removes exactly its statements.
* Each scalar fact is stated twice: directly on the agreement (easy to query) and as a
  `dpag:ClauseFact` carrying `dpag:evidence` (so every value can show its quote).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from graph.model import (
    HISTORIC_MECHANISM_CODES,
    MECHANISM_CODES,
    SCOPES,
    ExtractionRecord,
    Fact,
    ListItem,
    Mechanism,
    Span,
    SubprocessorEntry,
)
from graph.vocab import vocabulary

ID = "https://w3id.org/dpagraph/id/"
DPAG = Namespace("https://w3id.org/dpagraph/ns#")
DPV = Namespace("https://w3id.org/dpv#")
LOC = Namespace("https://w3id.org/dpv/loc#")
OA = Namespace("http://www.w3.org/ns/oa#")
DPAMECH = Namespace("https://w3id.org/dpagraph/vocab/transfer-mechanisms#")
DPAREQ = Namespace("https://w3id.org/dpagraph/requirements#")
REFERENCE_GRAPH = URIRef(ID + "graph/reference")

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

PREFIXES = {
    "dpag": str(DPAG),
    "dpv": str(DPV),
    "loc": str(LOC),
    "oa": str(OA),
    "dpamech": str(DPAMECH),
    "dpareq": str(DPAREQ),
    "dpacat": "https://w3id.org/dpagraph/vocab/data-categories#",
    "dpasubj": "https://w3id.org/dpagraph/vocab/data-subjects#",
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
}

SCOPE_NODES = {"entry": DPAG.EntryScope, "footnote": DPAG.FootnoteScope, "document": DPAG.DocumentScope}
# model.AUTHORISATION_MODELS -> individual of dpag:AuthorisationModel
AUTHORISATION_NODES = {"general": DPAG.GeneralAuthorisation, "specific": DPAG.SpecificAuthorisation}
# record field -> property of the yes-facts, stated only when the text says so (never "false")
STATEMENT_PROPERTIES = {
    "processing_restricted_to_eea": DPAG.processingRestrictedToEEA,
    "no_subprocessors_statement": DPAG.statesNoSubprocessors,
    "controller_identified": DPAG.controllerIdentified,
    "special_category_safeguards": DPAG.specialCategorySafeguards,
    "breach_notification_content": DPAG.breachNotificationContentStated,
    "cites_scc_2021": DPAG.citesSCC2021,
}
_REGIONS = {"EU", "EEA"}  # codes that stand for the whole EU / EEA, never a third country
_CODE_ALIASES = {"UK": "GB", "EL": "GR"}  # EU usage vs ISO 3166-1 (DPV loc has no loc:UK / loc:EL)
_IRI_SAFE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_CONTEXT = 32  # characters of oa:prefix / oa:suffix kept around a quote


# --- IRIs ----------------------------------------------------------------------------------------


def _segment(stem: str) -> str:
    return quote(stem, safe="-._~")


def doc_iri(stem: str) -> URIRef:
    return URIRef(f"{ID}doc/{_segment(stem)}")


def graph_iri(stem: str) -> URIRef:
    return URIRef(f"{ID}graph/{_segment(stem)}")


def fact_iri(doc: str, prop: str) -> URIRef:
    """The reified fact of a clause property (`dpag:breachNotificationHours` …) in a document."""
    return URIRef(f"{doc}/fact/{prop.removeprefix(str(DPAG))}")


def clause_iri(doc: str, requirement: str) -> URIRef:
    """The finding of a catalogue requirement (`R25` or its IRI) in a document."""
    return URIRef(f"{doc}/clause/{requirement.rsplit('#', 1)[-1]}")


def validation_graph_iri(stem: str) -> URIRef:
    """Where `dpagraph validate --store` keeps a document's findings (beside, not inside, its graph)."""
    return URIRef(f"{ID}validation/{_segment(stem)}")


def org_slug(name: str) -> str:
    """NFKD → ASCII, lower case, punctuation dropped, whitespace → '-': "Stripe, Inc." == "Stripe Inc"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9\s]", "", ascii_name).split()
    return "-".join(words)


def org_iri(name: str) -> URIRef:
    slug = org_slug(name)
    if not slug:  # a name with no Latin letters or digits: keep it distinct but stable
        slug = "x-" + _segment(unicodedata.normalize("NFC", name.strip().lower()))
    return URIRef(f"{ID}org/{slug}")


def iso_code(code: str | None) -> str | None:
    """Upper-case ISO 3166-1 alpha-2 (or EU/EEA); None when the code is not one."""
    if not code:
        return None
    code = code.strip().upper()
    code = _CODE_ALIASES.get(code, code)
    return code if re.fullmatch(r"[A-Z]{2}", code) or code in _REGIONS else None


def country_iri(code: str | None) -> URIRef | None:
    code = iso_code(code)
    return LOC[code] if code else None


def eea_codes() -> frozenset[str]:
    """EU/EEA member codes, from the country vocabulary (`dpag:memberOf`), not hard-coded."""
    return vocabulary().eea


def third_countries(entry: SubprocessorEntry) -> list[str]:
    """Seat and processing countries of an entry that lie outside the EU/EEA, in order, once each."""
    out: list[str] = []
    for raw in [entry.seat_country, *entry.processing_countries]:
        code = iso_code(raw)
        if code and code not in _REGIONS and code not in eea_codes() and code not in out:
            out.append(code)
    return out


# --- known-organisation registry -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _registry_index() -> dict[str, str]:
    """Slug of every label of the known-organisation registry → entry IRI (first wins on a clash)."""
    index: dict[str, str] = {}
    for concept in vocabulary().known_organisations:
        for label in concept.all_labels():
            index.setdefault(org_slug(label), concept.iri)
    return index


def registry_entry(name: str) -> str | None:
    """The registry entry for an organisation name: exact (slug) label match first, then the
    vocabulary's label matcher; None when nothing matches."""
    index = _registry_index()
    for key in (org_slug(name), org_slug(re.sub(r"\(.*?\)", " ", name))):
        if key and key in index:
            return index[key]
    concept = vocabulary().scheme("organisations").match(name)
    return concept.iri if concept is not None else None


# --- the builder ---------------------------------------------------------------------------------


def build_graph(
    record: ExtractionRecord,
    document_text: str,
    *,
    media_type: str | None = None,
    extractor_version: str | None = None,
) -> Graph:
    """The triples of one document's named graph (the store puts them into `graph_iri(stem)`)."""
    return _Builder(record, document_text).build(media_type, extractor_version)


class _Builder:
    def __init__(self, record: ExtractionRecord, text: str):
        self.record = record
        self.text = text
        self.doc = doc_iri(record.document)
        # SimpleMemory: one graph needs no per-triple context bookkeeping, which makes the default
        # Memory store several times slower to fill
        self.g = Graph(store="SimpleMemory")
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self._evidence: dict[tuple[int, int, str], URIRef] = {}

    def add(self, s: URIRef, p: URIRef, o) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def warn(self, message: str) -> None:
        self.add(self.doc, DPAG.warning, Literal(message))

    def build(self, media_type: str | None, extractor_version: str | None) -> Graph:
        r, doc = self.record, self.doc
        for cls in (DPAG.DataProcessingAgreement, DPV.ControllerProcessorAgreement):
            self.add(doc, RDF.type, cls)
        self.add(doc, DCTERMS.identifier, Literal(r.document))
        self.add(doc, DCTERMS.title, _title(self.text, r.document))
        self.add(doc, DPAG.sourceFile, Literal(Path(r.source).name if r.source else r.document))
        self.add(doc, DPAG.contentHash, Literal(r.sha256) if r.sha256 else None)
        self.add(doc, DPAG.extractorVersion, Literal(extractor_version or "unknown"))
        self.add(doc, DPAG.language, Literal(r.language) if r.language else None)
        self.add(doc, DPAG.mediaType, Literal(media_type) if media_type else None)
        self.add(doc, DPAG.text, Literal(self.text))
        for warning in r.warnings:
            self.warn(warning)
        processor = self._processor()
        for n, entry in enumerate(r.subprocessors, 1):
            self._engagement(n, entry, processor)
        for k, mech in enumerate(r.transfer_mechanisms_document, 1):
            self._mechanism(doc, URIRef(f"{doc}/mechanism/{k}"), mech)
        self._items(r.data_categories, "category", DPAG.hasDataCategoryItem, DPV.hasPersonalData)
        self._items(r.data_subjects, "subject", DPAG.hasDataSubjectItem, DPV.hasDataSubject)
        self._facts()
        self._clauses()
        return self.g

    # evidence ------------------------------------------------------------------------------------

    def evidence(self, span: Span | None) -> URIRef | None:
        """One oa:SpecificResource per distinct span, IRI `doc/<stem>/ev/<n>`."""
        if span is None:
            return None
        key = (span.start, span.end, span.text)
        if key in self._evidence:
            return self._evidence[key]
        ev = URIRef(f"{self.doc}/ev/{len(self._evidence) + 1}")
        self._evidence[key] = ev
        self.add(ev, RDF.type, OA.SpecificResource)
        self.add(ev, OA.hasSource, self.doc)
        quote_sel = URIRef(f"{ev}/quote")
        self.add(ev, OA.hasSelector, quote_sel)
        self.add(quote_sel, RDF.type, OA.TextQuoteSelector)
        self.add(quote_sel, OA.exact, Literal(span.text))
        if 0 <= span.start <= span.end <= len(self.text) and self.text[span.start : span.end] == span.text:
            pos = URIRef(f"{ev}/position")
            self.add(ev, OA.hasSelector, pos)
            self.add(pos, RDF.type, OA.TextPositionSelector)
            # xsd:integer, not OA's xsd:nonNegativeInteger: Oxigraph stores every integer subtype
            # as xsd:integer, and the built graph should equal the stored one
            self.add(pos, OA.start, Literal(span.start, datatype=XSD.integer))
            self.add(pos, OA.end, Literal(span.end, datatype=XSD.integer))
            before = self.text[max(0, span.start - _CONTEXT) : span.start]
            after = self.text[span.end : span.end + _CONTEXT]
            self.add(quote_sel, OA.prefix, Literal(before) if before else None)
            self.add(quote_sel, OA.suffix, Literal(after) if after else None)
        else:
            self.warn(f"evidence [{span.start}, {span.end}) does not match its quote; position dropped")
        return ev

    # parties and engagements ---------------------------------------------------------------------

    def _organisation(self, name: str, role: URIRef) -> URIRef:
        org = org_iri(name)
        for cls in (DPV.Organisation, role):
            self.add(org, RDF.type, cls)
        self.add(org, RDFS.label, Literal(name))
        entry = registry_entry(name)
        self.add(org, DPAG.registryEntry, URIRef(entry) if entry else None)
        return org

    def _processor(self) -> URIRef | None:
        p, doc = self.record.processor, self.doc
        org = None
        if p.name and p.name.strip():
            org = self._organisation(p.name.strip(), DPV.DataProcessor)
            self.add(doc, DPV.hasDataProcessor, org)
            self.add(doc, DPV.hasParty, org)
            self._fact(DPAG.processorName, Literal(p.name.strip()), p.evidence)
        if p.service:
            self._fact(DPAG.service, Literal(p.service), p.service_evidence)
        if p.country:
            self._fact(DPAG.processorCountry, self._country(p.country, "processor"), p.country_evidence)
        return org

    def _country(self, code: str | None, where: str) -> URIRef | None:
        iri = country_iri(code)
        if code and iri is None:
            self.warn(f"unrecognised country code {code!r} ({where})")
        return iri

    def _engagement(self, n: int, entry: SubprocessorEntry, processor: URIRef | None) -> None:
        eng = URIRef(f"{self.doc}/engagement/{n}")
        self.add(self.doc, DPAG.hasSubprocessorEngagement, eng)
        self.add(eng, RDF.type, DPAG.SubprocessorEngagement)
        self.add(eng, DPAG.engagingProcessor, processor)
        self.add(eng, DPAG.subprocessor, self._organisation(entry.name.strip(), DPV.DataSubProcessor))
        self.add(eng, DPAG.nameAsWritten, Literal(entry.name.strip()))
        self.add(eng, DPAG.service, Literal(entry.service) if entry.service else None)
        self.add(eng, DPAG.purpose, Literal(entry.purpose) if entry.purpose else None)
        self.add(eng, DPAG.layout, Literal(entry.layout) if entry.layout else None)
        where = f"sub-processor {entry.name!r}"
        self.add(eng, DPAG.seatCountry, self._country(entry.seat_country, where))
        for code in entry.processing_countries:
            self.add(eng, DPAG.processingCountry, self._country(code, where))
        for code in third_countries(entry):
            self.add(eng, DPV.hasThirdCountry, LOC[code])
        for span in [entry.evidence, *entry.extra_evidence]:
            self.add(eng, DPAG.evidence, self.evidence(span))
        for k, mech in enumerate(entry.mechanisms, 1):
            self._mechanism(eng, URIRef(f"{eng}/mechanism/{k}"), mech)

    def _mechanism(self, owner: URIRef, node: URIRef, mech: Mechanism) -> None:
        code = (mech.code or "").strip().upper()
        if code not in MECHANISM_CODES + HISTORIC_MECHANISM_CODES or mech.scope not in SCOPES:
            self.warn(f"unknown transfer mechanism {mech.code!r} / scope {mech.scope!r}")
            return
        self.add(owner, DPAG.hasTransferMechanism, node)
        self.add(node, RDF.type, DPAG.MechanismStatement)
        self.add(node, DPAG.mechanism, DPAMECH[code])
        self.add(node, DPAG.scope, SCOPE_NODES[mech.scope])
        self.add(node, DPAG.evidence, self.evidence(mech.evidence))

    # lists, facts, clauses -----------------------------------------------------------------------

    def _items(self, items: Iterable[ListItem], kind: str, item_prop: URIRef, concept_prop: URIRef) -> None:
        for n, item in enumerate(items, 1):
            node = URIRef(f"{self.doc}/{kind}/{n}")
            self.add(self.doc, item_prop, node)
            self.add(node, RDF.type, DPAG.ListedItem)
            self.add(node, RDFS.label, Literal(item.label))
            if item.concept and _IRI_SAFE.match(item.concept):
                self.add(node, DPAG.concept, URIRef(item.concept))
                self.add(self.doc, concept_prop, URIRef(item.concept))
            self.add(node, DPAG.evidence, self.evidence(item.evidence))

    def _fact(self, prop: URIRef, value, span: Span | None) -> None:
        """State `doc prop value` and its reified `dpag:ClauseFact` with evidence."""
        if value is None:
            return
        self.add(self.doc, prop, value)
        node = fact_iri(self.doc, prop)
        self.add(self.doc, DPAG.hasClauseFact, node)
        self.add(node, RDF.type, DPAG.ClauseFact)
        self.add(node, DPAG.factProperty, prop)
        self.add(node, DPAG.value, value)
        self.add(node, DPAG.evidence, self.evidence(span))

    def _facts(self) -> None:
        r = self.record
        if r.breach_notification_hours is not None:
            hours = _integer(r.breach_notification_hours.value)
            self._fact(DPAG.breachNotificationHours, hours, r.breach_notification_hours.evidence)
        if r.breach_notification_text is not None and r.breach_notification_text.value:
            phrase = Literal(str(r.breach_notification_text.value))
            self._fact(DPAG.breachNotificationPhrase, phrase, r.breach_notification_text.evidence)
        if r.subprocessor_objection_days is not None:
            days = _integer(r.subprocessor_objection_days.value)
            self._fact(DPAG.objectionPeriodDays, days, r.subprocessor_objection_days.evidence)
        if r.governing_law is not None and r.governing_law.value:
            law = self._country(str(r.governing_law.value), "governing law")
            self._fact(DPAG.governingLaw, law, r.governing_law.evidence)
        if r.special_categories_processed is not None and isinstance(r.special_categories_processed.value, bool):
            special = Literal(r.special_categories_processed.value)
            self._fact(DPAG.specialCategoriesProcessed, special, r.special_categories_processed.evidence)
        if r.document_date is not None and r.document_date.value:
            self._fact(DPAG.documentDate, _date(str(r.document_date.value)), r.document_date.evidence)
        if r.subprocessor_authorisation is not None:
            model = AUTHORISATION_NODES.get(str(r.subprocessor_authorisation.value))
            self._fact(DPAG.subprocessorAuthorisation, model, r.subprocessor_authorisation.evidence)
        for name, prop in STATEMENT_PROPERTIES.items():
            fact: Fact | None = getattr(r, name)
            if fact is not None and fact.value is True:
                self._fact(prop, Literal(True), fact.evidence)

    def _clauses(self) -> None:
        seen: set[str] = set()
        for finding in self.record.clauses:
            req = finding.requirement.strip().upper()
            if not re.fullmatch(r"R\d{2}", req) or req in seen:
                continue
            seen.add(req)
            node = clause_iri(self.doc, req)
            self.add(self.doc, DPAG.hasClauseFinding, node)
            self.add(node, RDF.type, DPAG.ClauseFinding)
            self.add(node, DPAG.requirement, DPAREQ[req])
            self.add(node, DPAG.present, Literal(bool(finding.present)))
            self.add(node, DPAG.evidence, self.evidence(finding.evidence))
            if finding.present:  # direct link: SHACL Core checks it with sh:hasValue, cheaply
                self.add(self.doc, DPAG.addressesRequirement, DPAREQ[req])


def _integer(value: object) -> Literal | None:
    if isinstance(value, bool):
        return None
    try:
        return Literal(int(str(value).strip()), datatype=XSD.integer)
    except ValueError:
        return None


def _date(value: str) -> Literal:
    """xsd:date for 'YYYY-MM-DD', xsd:gYearMonth for 'YYYY-MM' (both compare correctly as strings)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])", value):
        return Literal(value, datatype=XSD.gYearMonth)
    try:
        return Literal(datetime.date.fromisoformat(value).isoformat(), datatype=XSD.date)
    except ValueError:
        return Literal(value)  # a version label: keep it as written


def _title(text: str, fallback: str) -> Literal:
    for line in text.splitlines():
        title = line.strip().strip("#*|_ ").strip()
        if title:
            return Literal(title[:200])
    return Literal(fallback)
