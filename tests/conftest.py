"""Shared fixtures: paths to the seeds and gold files beside the clone, and to the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SEED_GOLD = SHARED / "gold"
SAMPLES = ROOT / "examples" / "dpas"
SAMPLE_GOLD = ROOT / "examples" / "gold"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed corpus not found at {SEEDS}: CI and developers keep ../shared beside the clone")
    return SEEDS


@pytest.fixture(scope="session")
def seed_gold_dir() -> Path:
    return SEED_GOLD


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The sample corpus ingested once with `dpagraph ingest`, closed again so servers can open it."""
    from graph import cli

    store = tmp_path_factory.mktemp("sample") / "store"
    assert cli.main(["ingest", str(SAMPLES), "--store", str(store)]) == 0
    return store


@pytest.fixture(scope="session")
def seed_and_sample_store(tmp_path_factory, seeds_dir) -> Path:
    """The five seeds and the sample corpus in one store, closed again so servers can open it."""
    from graph import cli

    store = tmp_path_factory.mktemp("seeds-and-samples") / "store"
    assert cli.main(["ingest", str(seeds_dir), str(SAMPLES), "--store", str(store)]) == 0
    return store
