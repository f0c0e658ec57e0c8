# careerbot: `make run` starts the chat app, `make test` runs the tests; each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run index test bench bench-scale browser clean

$(BIN)/careerbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	# the CPU build of torch, before sentence-transformers can ask for a CUDA one
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

setup: $(BIN)/careerbot

run: setup
	$(BIN)/python app.py

index: setup
	$(BIN)/careerbot index

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline)
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python bench/bench.py

# corpora 1x-1000x the guides: about an hour on 2 cores
bench-scale: setup
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) index/*.faiss index/*.jsonl index/manifest.json index/encoder.onnx index/tokenizer.json
