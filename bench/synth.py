"""Seeded synthetic extraction records for the validation benchmark.

Not a text generator (that is issue 5): a record plus a short paragraph per fact, so that every
evidence span matches the text exactly and `build_graph` keeps its positions. Document `i` of seed
`s` is the same whatever the corpus size, so a 1,000-document run is a prefix of a 10,000 one.

The rates are "realistic enough" guesses, chosen so that every rule group fires somewhere: most
clauses present, most third-country entries with a mechanism, some with none, a few historic tools.
"""

from __future__ import annotations

import hashlib
import random

from graph.model import (
    AUTHORISATION_MODELS,
    ClauseFinding,
    ExtractionRecord,
    Fact,
    ListItem,
    Mechanism,
    Processor,
    Span,
    SubprocessorEntry,
)

EXTRACTOR_VERSION = "bench-synthetic-1"
EU = ["DE", "FR", "IE", "NL", "AT", "ES", "IT", "PL", "SE", "BE", "LU", "FI", "DK", "CZ", "PT"]
EEA_ONLY = ["NO", "IS", "LI"]
THIRD = ["US", "US", "US", "US", "GB", "GB", "CH", "IN", "SG", "JP", "BR", "CA", "AU", "IL", "KR", "PH", "UA", "CN"]
MECHANISMS = ["SCC", "SCC", "SCC", "DPF", "DPF", "ADEQUACY", "BCR", "DEROGATION"]
HISTORIC = ["PRIVACY_SHIELD", "SAFE_HARBOUR", "OLD_SCC"]
PURPOSES = [
    "Hosting", "E-mail delivery", "Payment processing", "Customer support", "Analytics", "Backups",
    "Content delivery", "Identity and access", "Monitoring", "Translation", "Printing and mailing",
    "Call centre", "Data centre operation", "Software development", "Marketing automation",
]  # fmt: skip
SUFFIXES = ["GmbH", "Inc.", "Ltd.", "SE", "B.V.", "S.A.", "AG", "LLC", "Pvt. Ltd.", "Pte. Ltd.", "K.K."]
WORDS = [
    "Acme", "Nordlicht", "Bluefin", "Cirrus", "Datawerk", "Ember", "Fjord", "Granite", "Helix",
    "Ionic", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orbit", "Pioneer", "Quartz",
    "Riverbank", "Summit", "Tandem", "Umbra", "Vertex", "Westwind", "Xylo", "Yonder", "Zephyr",
    "Alpen", "Brücke", "Cobalt", "Delta", "Echo", "Falke", "Gamma", "Hafen", "Isar",
]  # fmt: skip
SERVICES = ["CloudDesk", "PayFlow", "MailJet One", "HR Suite", "CRM Plus", "Shopbase", "Telematics Pro"]
LAWS = ["DE", "DE", "DE", "IE", "AT", "NL", "FR", "GB", "US", "CH"]

DPACAT = "https://w3id.org/dpagraph/vocab/data-categories#"
DPASUBJ = "https://w3id.org/dpagraph/vocab/data-subjects#"


def _concepts() -> tuple[list[str], list[str], list[str]]:
    """(ordinary data categories, special-category concepts, data subjects) from the vocabulary,
    with a small fallback when the vocabulary API is not there."""
    try:
        from graph.vocab import vocabulary

        v = vocabulary()
        cats = [c.iri for c in v.scheme("data-categories")]
        subjects = [c.iri for c in v.scheme("data-subjects")]
        from rdflib import SKOS, URIRef

        from graph.validation.reference import SPECIAL_CATEGORIES, load_reference

        ref = load_reference().graph
        special = sorted(str(s) for s in ref.subjects(SKOS.broader, URIRef(SPECIAL_CATEGORIES)))
        ordinary = [c for c in cats if c not in special and c != str(SPECIAL_CATEGORIES)]
        if ordinary and subjects:
            return ordinary, special or [DPACAT + "HealthData"], subjects
    except Exception:  # noqa: BLE001 - the benchmark must run while the vocabulary changes
        pass
    return [DPACAT + "ContactData", DPACAT + "MasterData"], [DPACAT + "HealthData"], [DPASUBJ + "Customer"]


class _Text:
    """Builds the document text; `say` appends a paragraph and returns the span of a phrase in it."""

    def __init__(self, title: str):
        self.parts: list[str] = [title, "\n\n"]
        self.length = len(title) + 2

    def say(self, sentence: str, phrase: str | None = None) -> Span:
        phrase = phrase or sentence
        start = self.length + sentence.index(phrase)
        self.parts.append(sentence + "\n")
        self.length += len(sentence) + 1
        return Span(start, start + len(phrase), phrase)

    def say_all(self, sentence: str, *phrases: str) -> list[Span]:
        """Append a paragraph; the spans of several phrases in it (first occurrence each)."""
        base = self.length
        self.say(sentence)
        return [Span(base + sentence.index(p), base + sentence.index(p) + len(p), p) for p in phrases]

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _org_name(rnd: random.Random, country: str) -> str:
    suffix = {"US": "Inc.", "GB": "Ltd.", "DE": "GmbH", "IN": "Pvt. Ltd.", "SG": "Pte. Ltd.", "JP": "K.K."}.get(
        country, rnd.choice(SUFFIXES)
    )
    return f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {suffix}"


def _mechanism(rnd: random.Random, t: _Text, code: str | None = None, scope: str | None = None) -> Mechanism:
    code = code or (rnd.choice(HISTORIC) if rnd.random() < 0.04 else rnd.choice(MECHANISMS))
    scope = scope or rnd.choice(["entry", "entry", "footnote", "document"])
    ev = t.say(f"Transfers rely on {code.replace('_', ' ').title()} ({scope}).", code.replace("_", " ").title())
    return Mechanism(code, scope, ev)


def _entry(rnd: random.Random, t: _Text, n: int, doc_mechs: list[Mechanism]) -> SubprocessorEntry:
    third = rnd.random() < 0.45
    seat = rnd.choice(THIRD) if third else rnd.choice(EU + EEA_ONLY[:1])
    if rnd.random() < 0.05:
        seat = None  # location not stated
    processing: list[str] = []
    for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):
        code = rnd.choice(["EU", "EU", *EU[:5], *THIRD[:6]])
        if code not in processing:
            processing.append(code)
    name = _org_name(rnd, seat or "DE")
    purpose = rnd.choice(PURPOSES) if rnd.random() < 0.93 else None
    row = f"{n}. {name} | {seat or 'n/a'} | {', '.join(processing) or '-'} | {purpose or '-'}"
    ev = t.say(row)
    mechanisms: list[Mechanism] = []
    outside = any(c in THIRD for c in [seat, *processing])
    if outside and rnd.random() < 0.8:
        for _ in range(rnd.choice([1, 1, 1, 2])):
            mechanisms.append(_mechanism(rnd, t, scope=rnd.choice(["entry", "entry", "footnote"])))
    elif doc_mechs and outside and rnd.random() < 0.5:
        mechanisms.append(Mechanism(doc_mechs[0].code, "document", doc_mechs[0].evidence))
    return SubprocessorEntry(
        name=name,
        seat_country=seat,
        processing_countries=processing,
        mechanisms=mechanisms,
        purpose=purpose,
        service=rnd.choice(SERVICES) if rnd.random() < 0.2 else None,
        evidence=ev,
        layout=rnd.choice(["table", "table", "bullets", "key-value", "prose"]),
    )


def _date(rnd: random.Random) -> str | None:
    r = rnd.random()
    if r < 0.2:
        return None
    year = rnd.randint(2019, 2026)
    if r < 0.3:
        return f"{year}-{rnd.randint(1, 12):02d}"
    return f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"


def make_record(i: int, seed: int = 0, variant: int = 0) -> tuple[ExtractionRecord, str]:
    """Document number `i` of the corpus: its record and text. `variant` > 0 changes the document
    (another breach deadline and one more sub-processor) while keeping its stem."""
    rnd = random.Random(f"{seed}:{i}:{variant}")
    ordinary, special, subjects = _concepts_cached()
    stem = f"synthetic-{i:06d}"
    lang = rnd.choice(["de", "en"])
    t = _Text(f"# Data Processing Agreement {stem}")
    rec = ExtractionRecord(document=stem, language=lang, source=f"synthetic/{stem}.md")

    country = rnd.choice(EU + EU + ["US", "GB", "CH"])
    pname = _org_name(rnd, country)
    service = rnd.choice(SERVICES)
    if rnd.random() < 0.98:
        sentence = f"Between the customer and {pname}, registered in {country}, for {service}."
        ev, country_ev, service_ev = t.say_all(sentence, pname, f"in {country}", service)
        rec.processor = Processor(
            name=pname,
            country=country if rnd.random() < 0.9 else None,
            service=service,
            evidence=ev,
            service_evidence=service_ev,
            country_evidence=country_ev,
        )

    # document-wide mechanisms
    if rnd.random() < 0.55:
        rec.transfer_mechanisms_document = [_mechanism(rnd, t, scope="document") for _ in range(rnd.choice([1, 1, 2]))]

    n_subs = rnd.choice([0, 0, *range(1, 16)]) if rnd.random() < 0.95 else 0
    if n_subs:
        t.say("Annex 3 - Sub-processors")
    rec.subprocessors = [_entry(rnd, t, n, rec.transfer_mechanisms_document) for n in range(1, n_subs + 1)]
    if variant:
        rec.subprocessors.append(_entry(rnd, t, n_subs + 1, rec.transfer_mechanisms_document))

    for kind, pool, k in (("category", ordinary, rnd.choice([0, 1, 2, 3, 4, 6, 8])), ("subject", subjects, 0)):
        if kind == "subject":
            k = rnd.choice([0, 1, 1, 2, 3, 4])
        items = []
        for n in range(k):
            concept = rnd.choice(pool) if rnd.random() < 0.85 else None
            if kind == "category" and rnd.random() < 0.08:
                concept = rnd.choice(special)
            label = f"{kind} {n + 1}: " + (concept.rsplit("#", 1)[-1] if concept else f"unmapped {kind}")
            items.append(ListItem(label, concept, t.say(f"- {label}", label)))
        if kind == "category":
            rec.data_categories = items
        else:
            rec.data_subjects = items

    if (r := rnd.random()) < 0.75:
        value = r < 0.1
        rec.special_categories_processed = Fact(
            value, t.say(f"Special categories of personal data are {'' if value else 'not '}processed.")
        )

    hours = rnd.choice([None, 24, 24, 48, 48, 72, 96]) if not variant else rnd.choice([12, 36])
    if hours is not None:
        ev = t.say(f"The processor notifies breaches without undue delay, at the latest within {hours} hours.")
        rec.breach_notification_hours = Fact(hours, Span(ev.start, ev.end, ev.text))
        rec.breach_notification_text = Fact("without undue delay", t.say("Notice: without undue delay."))
    elif rnd.random() < 0.5:
        rec.breach_notification_text = Fact("without undue delay", t.say("Breaches are notified without undue delay."))

    if rnd.random() < 0.7:
        days = rnd.choice([7, 14, 14, 30, 30, 60])
        rec.subprocessor_objection_days = Fact(days, t.say(f"The controller may object within {days} days."))
    if rnd.random() < 0.8:
        law = rnd.choice(LAWS)
        rec.governing_law = Fact(law, t.say(f"This agreement is governed by the law of {law}.", law))
    if (date := _date(rnd)) is not None:
        rec.document_date = Fact(date, t.say(f"Version of {date}.", date))

    statements = {
        "subprocessor_authorisation": lambda: (
            Fact(m, t.say(f"Sub-processors are engaged under a {m} authorisation.", m))
            if (m := rnd.choice([None, *AUTHORISATION_MODELS, "general"])) else None
        ),
        "processing_restricted_to_eea": lambda: _flag(rnd, t, 0.15, "Processing takes place only in the EU/EEA."),
        "no_subprocessors_statement": lambda: (
            _flag(rnd, t, 0.6, "The processor uses no sub-processors.") if not rec.subprocessors else None
        ),
        "controller_identified": lambda: _flag(rnd, t, 0.85, "The controller is the customer of the main contract."),
        "special_category_safeguards": lambda: _flag(rnd, t, 0.3, "Art. 9 data are encrypted at rest."),
        "breach_notification_content": lambda: _flag(rnd, t, 0.6, "The notice describes the nature and the likely consequences."),
        "cites_scc_2021": lambda: _flag(rnd, t, 0.4, "The SCC of Decision (EU) 2021/914 apply."),
    }  # fmt: skip
    for name, make in statements.items():  # in this order: the random stream must stay the same
        setattr(rec, name, make())

    clauses = []
    for k in range(1, 33):
        req = f"R{k:02d}"
        if rnd.random() < 0.88:
            clauses.append(ClauseFinding(req, True, t.say(f"Clause {req}: the processor undertakes obligation {k}.")))
        else:
            clauses.append(ClauseFinding(req, False, None))
    rec.clauses = clauses

    text = t.text
    rec.sha256 = hashlib.sha256(text.encode()).hexdigest()
    return rec, text


def _flag(rnd: random.Random, t: _Text, rate: float, sentence: str) -> Fact | None:
    return Fact(True, t.say(sentence)) if rnd.random() < rate else None


_CONCEPTS: tuple[list[str], list[str], list[str]] | None = None


def _concepts_cached() -> tuple[list[str], list[str], list[str]]:
    global _CONCEPTS
    if _CONCEPTS is None:
        _CONCEPTS = _concepts()
    return _CONCEPTS
