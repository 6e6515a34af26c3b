"""Record → JSON: the shared schema, upper-case ISO codes, entry-tied mechanisms only, safe writes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sample_records import ALL, record_a, record_b, record_c, record_d

from graph.export import SCHEMA_PATH, record_to_json, schema, validate, write_json
from graph.model import ExtractionRecord, Fact, Mechanism, Processor, SubprocessorEntry

SHARED_SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "extraction-record.schema.json"


def test_shipped_schema_equals_the_shared_one():
    if not SHARED_SCHEMA.exists():
        pytest.skip("../shared/eval not beside the clone")
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("factory", ALL)
def test_every_sample_record_validates(factory):
    record, _ = factory()
    data = record_to_json(record)
    validate(data)
    assert set(schema()["required"]) <= set(data)


def test_iso_codes_are_upper_case_and_normalised():
    record = ExtractionRecord(
        document="codes",
        language="en",
        processor=Processor(name="P", country="de"),
        subprocessors=[SubprocessorEntry(name="X", seat_country="uk", processing_countries=["us", "EL", "us", "eu"])],
    )
    data = record_to_json(record)
    assert data["processor"]["country"] == "DE"
    sub = data["subprocessors"][0]
    assert sub["seat_country"] == "GB"
    assert sub["processing_countries"] == ["US", "GR", "EU"]
    b = record_to_json(record_b()[0])
    assert b["subprocessors"][0]["seat_country"] == "US"


def test_entry_fields_and_mechanisms():
    data = record_to_json(record_a()[0])
    stripe, hetzner, google = data["subprocessors"]
    # a document-wide clause is not a mechanism of the entry, but its scope is kept
    assert stripe["transfer_mechanisms"] == []
    assert stripe["mechanism_scope"] == "document"
    assert stripe["mechanisms"][0]["code"] == "SCC" and stripe["mechanisms"][0]["scope"] == "document"
    assert google["transfer_mechanisms"] == ["DPF"]
    assert google["mechanism_scope"] == "footnote"
    assert hetzner["mechanism_scope"] == "none"
    assert data["transfer_mechanisms_document"] == ["SCC"]
    text = record_a()[1]
    for item in [stripe, google, *data["data_categories"]]:
        ev = item["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]
    assert data["breach_notification_hours"] == 24
    assert data["breach_notification_text"] == "unverzüglich, spätestens innerhalb von 24 Stunden"
    assert data["special_categories_processed"] is False
    assert data["clauses"][1] == {"requirement": "R24", "present": False, "evidence": None}


def test_unknown_facts_are_null():
    c = record_to_json(record_c()[0])
    assert c["breach_notification_hours"] is None
    assert c["special_categories_processed"] is None
    assert c["governing_law"] == "DE"
    d = record_to_json(record_d()[0])
    assert d["subprocessors"] == [] and d["data_categories"] == []
    assert d["special_categories_processed"] is True
    assert d["warnings"] == ["no sub-processor list found"]


def test_missing_processor_name_is_an_empty_string():
    data = record_to_json(ExtractionRecord(document="x", language="de"))
    validate(data)
    assert data["processor"]["name"] == ""


def test_write_json_writes_a_valid_file(tmp_path):
    record, _ = record_a()
    path = write_json(record, tmp_path / "out")
    assert path == tmp_path / "out" / "a_inexdu.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema())
    assert data["processor"]["name"] == "Inexdu GmbH"
    assert "Stammdaten" in path.read_text(encoding="utf-8")  # not \\u-escaped
    assert list((tmp_path / "out").iterdir()) == [path]


def test_invalid_record_is_refused_and_nothing_written(tmp_path):
    record = ExtractionRecord(
        document="bad",
        language="fr",  # not in the schema's enum
        subprocessors=[SubprocessorEntry(name="X", mechanisms=[Mechanism("SCC", "entry")])],
    )
    with pytest.raises(jsonschema.ValidationError):
        write_json(record, tmp_path)
    assert not list(tmp_path.iterdir())
    record.language = "de"
    record.subprocessors[0].mechanisms = [Mechanism("MAGIC", "entry")]
    with pytest.raises(jsonschema.ValidationError):
        write_json(record, tmp_path)
    assert not list(tmp_path.iterdir())


def test_governing_law_other_than_german_is_null_in_the_record_but_kept_beside_it():
    record = ExtractionRecord(document="x", language="en", governing_law=Fact("IE"))
    data = record_to_json(record)
    assert data["governing_law"] is None
    assert data["governing_law_country"] == "IE"
    record.governing_law = Fact("DE")
    assert record_to_json(record)["governing_law"] == "DE"


def test_historic_mechanisms_are_not_exported():
    record = ExtractionRecord(
        document="x",
        language="de",
        subprocessors=[
            SubprocessorEntry(
                name="Acme Inc.",
                seat_country="US",
                mechanisms=[Mechanism("PRIVACY_SHIELD", "entry"), Mechanism("SCC", "footnote")],
            )
        ],
        transfer_mechanisms_document=[Mechanism("SAFE_HARBOUR", "document"), Mechanism("OLD_SCC", "document")],
    )
    data = record_to_json(record)
    validate(data)
    [entry] = data["subprocessors"]
    assert entry["transfer_mechanisms"] == ["SCC"]
    assert entry["mechanism_scope"] == "footnote"
    assert [m["code"] for m in entry["mechanisms"]] == ["SCC"]
    assert data["transfer_mechanisms_document"] == []
