"""`python -m service` / `dpagraph serve` refuse to start without a usable store or with bad settings."""

from __future__ import annotations

import pytest

from service.__main__ import main


@pytest.fixture(autouse=True)
def no_settings_from_the_environment(monkeypatch):
    for name in ("STORE", "HOST", "PORT", "QUERY_TIMEOUT", "MAX_ROWS", "MAX_REQUEST_BYTES", "WORKERS", "CONFIG"):
        monkeypatch.delenv(f"DPAGRAPH_{name}", raising=False)


def test_no_store_directory(tmp_path, capsys):
    assert main(["--store", str(tmp_path / "missing"), "--port", "0"]) == 1
    assert "no store at" in capsys.readouterr().err


def test_a_directory_that_is_not_a_store(tmp_path, capsys):
    assert main(["--store", str(tmp_path), "--port", "0", "--workers", "1"]) == 1
    assert f"cannot open the store at {tmp_path}" in capsys.readouterr().err


def test_bad_settings_are_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DPAGRAPH_MAX_ROWS", "many")
    assert main(["--store", str(tmp_path), "--port", "0"]) == 2
    assert "DPAGRAPH_MAX_ROWS: bad value 'many' for max_rows" in capsys.readouterr().err
