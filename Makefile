# DPA Graph — the two commands of the README, and the pieces they are made of.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= var/store
SHARED ?= ../shared

.PHONY: demo test env lint score pytest bench clean

## demo: create the environment, ingest the bundled sample corpus, check it, answer the USA question, serve it
demo: env
	$(BIN)/dpagraph ingest examples/dpas --store $(STORE)
	$(BIN)/dpagraph validate --store $(STORE) --fail-on never
	$(BIN)/dpagraph ask usa-transfers --store $(STORE)
	$(BIN)/dpagraph serve --store $(STORE)

## test: the whole test suite (lint, unit and integration tests, extraction quality gate)
test: env lint pytest score

env: $(BIN)/.installed

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pytest: env
	$(BIN)/pytest -q

score: env
	$(BIN)/python tools/score_gate.py $(SHARED)/corpus/seeds $(SHARED)/gold --name seeds
	$(BIN)/python tools/score_gate.py examples/dpas examples/gold --name sample-corpus
	$(BIN)/python tools/score_gate.py tests/data/heldout/dpas tests/data/heldout/gold --name heldout --report-only
	test ! -d tests/data/heldout2 || $(BIN)/python tools/score_gate.py tests/data/heldout2/dpas tests/data/heldout2/gold --name heldout2 --report-only

## bench: every benchmark at 1,000 and 10,000 DPAs (about an hour; each writes its section of docs/benchmarks.md)
bench: env
	$(BIN)/python -m bench.ingest --sizes 1000 10000
	$(BIN)/python -m bench.validate --sizes 1000 10000
	$(BIN)/python -m bench.queries --sizes 1000 10000
	$(BIN)/python -m bench.serve
	$(BIN)/python -m bench.serve --synthetic 10000

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
