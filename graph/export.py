"""Record → JSON in the shared extraction-record format, validated before anything is written.

The required fields follow `shared/eval/extraction-record.schema.json` (a copy ships in
`graph/schema/`, so the package works without `../shared`); the extras (evidence spans, per-entry
mechanism scopes, clause findings) are allowed by the schema and let the scorer's users and the
web pages see where each value came from. Invalid or repealed mechanisms (Privacy Shield, Safe
Harbour, old SCC) are left out: the schema has no code for them, and they live in the graph.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema

from graph.build import iso_code
from graph.model import HISTORIC_MECHANISM_CODES, ExtractionRecord, Fact, ListItem, Mechanism, Span, SubprocessorEntry

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "extraction-record.schema.json"


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def record_to_json(record: ExtractionRecord) -> dict:
    """The record as a JSON-ready dict (not yet validated: see `validate`)."""
    p = record.processor
    return {
        "document": record.document,
        "language": record.language,
        "sha256": record.sha256,
        "source": record.source,
        "processor": {
            "name": (p.name or "").strip(),
            "country": _code(p.country),
            "service": p.service,
            "evidence": _span(p.evidence),
        },
        "subprocessors": [_entry(e) for e in record.subprocessors],
        "transfer_mechanisms_document": _codes(_valid(record.transfer_mechanisms_document)),
        "data_categories": [_item(i) for i in record.data_categories],
        "data_subjects": [_item(i) for i in record.data_subjects],
        "special_categories_processed": _bool(record.special_categories_processed),
        "breach_notification_hours": _int(record.breach_notification_hours),
        "breach_notification_text": _str(record.breach_notification_text),
        "subprocessor_objection_days": _int(record.subprocessor_objection_days),
        # The record format only knows German law ("DE" or null); the country of any other
        # governing law is kept beside it, and in the graph.
        "governing_law": "DE" if _code(_str(record.governing_law)) == "DE" else None,
        "governing_law_country": _code(_str(record.governing_law)),
        "document_date": _str(record.document_date),
        "clauses": [
            {"requirement": c.requirement, "present": bool(c.present), "evidence": _span(c.evidence)}
            for c in record.clauses
        ],
        "warnings": list(record.warnings),
    }


def validate(data: dict) -> None:
    """Raise `jsonschema.ValidationError` when `data` does not follow the shared schema."""
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)


def write_json(record: ExtractionRecord, outdir: str | Path) -> Path:
    """Validate and write `<outdir>/<stem>.json`; nothing is written for an invalid record."""
    data = record_to_json(record)
    validate(data)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{record.document}.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # readers never see a half-written file
    return path


def _entry(e: SubprocessorEntry) -> dict:
    valid = _valid(e.mechanisms)
    tied = [m for m in valid if m.scope in ("entry", "footnote")]
    return {
        "name": e.name.strip(),
        "seat_country": _code(e.seat_country),
        "processing_countries": _unique(c for c in map(_code, e.processing_countries) if c),
        "transfer_mechanisms": _codes(tied),
        "mechanism_scope": e.mechanism_scope,
        "purpose": e.purpose,
        "service": e.service,
        "layout": e.layout,
        "evidence": _span(e.evidence),
        "extra_evidence": [_span(s) for s in e.extra_evidence],
        "mechanisms": [{"code": m.code.upper(), "scope": m.scope, "evidence": _span(m.evidence)} for m in valid],
    }


def _item(item: ListItem) -> dict:
    return {"label": item.label, "concept": item.concept, "evidence": _span(item.evidence)}


def _span(span: Span | None) -> dict | None:
    return span.to_json() if span else None


def _code(code: str | None) -> str | None:
    """Upper-case ISO code; a value that is no code is kept as written (upper-cased) so nothing is lost."""
    if code is None or not str(code).strip():
        return None
    return iso_code(code) or str(code).strip().upper()


def _valid(mechanisms: list[Mechanism]) -> list[Mechanism]:
    """Without the historic codes; an unknown code stays, so that validation refuses it."""
    return [m for m in mechanisms if m.code.upper() not in HISTORIC_MECHANISM_CODES]


def _codes(mechanisms: list[Mechanism]) -> list[str]:
    return _unique(m.code.upper() for m in mechanisms)


def _unique(values) -> list:
    out: list = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _int(fact: Fact | None) -> int | None:
    if fact is None or isinstance(fact.value, bool):
        return None
    try:
        return int(str(fact.value).strip())
    except ValueError:
        return None


def _bool(fact: Fact | None) -> bool | None:
    return fact.value if fact is not None and isinstance(fact.value, bool) else None


def _str(fact: Fact | None) -> str | None:
    return str(fact.value) if fact is not None and fact.value not in (None, "") else None
