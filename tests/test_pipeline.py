"""The extraction entry point: version fingerprint and the "is this a DPA at all" decision."""

from __future__ import annotations

import pytest

from graph.errors import NoDPAStructure
from graph.extract import pipeline


def test_extractor_version_changes_with_the_rules(tmp_path, monkeypatch):
    """A store must re-extract after an upgrade: the version fingerprints code and cue data."""
    before = pipeline._fingerprint()
    assert before.startswith("0.1.0+") and before == pipeline.EXTRACTOR_VERSION
    fake_root = tmp_path / "root"
    (fake_root / "ontology").mkdir(parents=True)
    (fake_root / "ontology" / "cues.ttl").write_text("# one more cue\n")
    monkeypatch.setattr(pipeline, "_ROOT", fake_root)
    assert pipeline._fingerprint() != before


def test_a_text_that_is_not_a_dpa_is_refused_not_half_extracted(tmp_path):
    menu = tmp_path / "menu.txt"
    menu.write_text("Mittagskarte\nSchnitzel mit Pommes 12,50 EUR\nSalat 8,00 EUR\n", encoding="utf-8")
    with pytest.raises(NoDPAStructure, match="no DPA structure found") as err:
        pipeline.extract_path(menu)
    assert str(menu) in str(err.value)
