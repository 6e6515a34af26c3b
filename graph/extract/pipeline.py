"""One document in, one `ExtractionRecord` out: the extractor's single entry point.

Each fact family lives in its own module; this one only calls them in order and collects
their warnings, so a reader of the code sees the whole extraction in one screen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from graph.document import Document
from graph.errors import NoDPAStructure
from graph.extract import authorisation, breach_content, clauses, datalists, parties, statements
from graph.extract.language import detect_language
from graph.extract.subprocessors import find_subprocessors
from graph.model import ExtractionRecord
from graph.readers import read_document

_ROOT = Path(__file__).resolve().parent.parent.parent


def _fingerprint() -> str:
    """Release plus a hash of the extractor's code and the data it matches against, so a store
    re-extracts a document after an upgrade instead of keeping facts from older rules."""
    digest = hashlib.sha256()
    sources = sorted(Path(__file__).parent.glob("*.py")) + sorted((_ROOT / "ontology").rglob("*.ttl"))
    sources += sorted((_ROOT / "graph").glob("readers*.py"))
    sources += [_ROOT / "graph" / name for name in ("document.py", "html_text.py", "vocab.py")]
    for path in sources:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"0.1.0+{digest.hexdigest()[:12]}"


EXTRACTOR_VERSION = _fingerprint()


def extract_document(doc: Document) -> ExtractionRecord:
    """Run every extractor over one read document."""
    record = ExtractionRecord(
        document=doc.name, language=detect_language(doc.text), source=doc.source, sha256=doc.sha256
    )
    record.warnings.extend(doc.warnings)
    subs = find_subprocessors(doc)
    record.processor = parties.find_processor(doc, subs.entries)
    record.subprocessors = subs.entries
    record.transfer_mechanisms_document = subs.document_mechanisms
    record.warnings.extend(subs.warnings)
    record.data_categories, warnings = datalists.find_data_categories(doc)
    record.warnings.extend(warnings)
    record.data_subjects, warnings = datalists.find_data_subjects(doc)
    record.warnings.extend(warnings)
    record.breach_notification_hours = clauses.breach_notification_hours(doc)
    record.breach_notification_text = clauses.breach_notification_text(doc)
    record.subprocessor_objection_days = clauses.objection_days(doc)
    record.governing_law = clauses.governing_law(doc)
    record.special_categories_processed = clauses.special_categories(doc)
    record.document_date = clauses.document_date(doc)
    record.clauses = clauses.find_clauses(doc)
    record.subprocessor_authorisation = authorisation.subprocessor_authorisation(doc)
    record.processing_restricted_to_eea = statements.processing_restricted_to_eea(doc, subs.entries)
    record.no_subprocessors_statement = statements.no_subprocessors(doc, subs.entries)
    record.controller_identified = statements.controller_identified(doc)
    record.special_category_safeguards = statements.special_category_safeguards(doc)
    record.breach_notification_content = breach_content.breach_notification_content(doc)
    record.cites_scc_2021 = statements.cites_scc_2021(doc)
    return record


def extract_path(path: str | Path) -> tuple[ExtractionRecord, Document]:
    """Read and extract one file. Raises `InputError` (naming the file) when it can't be read
    or doesn't look like a DPA at all."""
    doc = read_document(path)
    record = extract_document(doc)
    if not looks_like_dpa(record):
        raise NoDPAStructure(
            path, "no DPA structure found (no processor, sub-processor list, data categories or Art. 28 clauses)"
        )
    return record, doc


def looks_like_dpa(record: ExtractionRecord) -> bool:
    """A DPA names sub-processors, data categories or at least a few Art. 28(3) obligations."""
    present = sum(1 for c in record.clauses if c.present)
    return bool(record.subprocessors or record.data_categories or present >= 3)
