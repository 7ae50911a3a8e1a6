# ShopTalk developer commands. `make chat` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: chat serve test test-fast install install-dev clean-venv \
        bench-cold-start bench-load bench-quality bench-scale bench-dialogue bench-console

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

# llama-cpp-python compiles llama.cpp from source. A native build (-march=native) enables every
# instruction the build machine reports, AMX included, and that build crashed in its first
# decode on this project's CI machine (2026-12-05); a portable build (AVX2 kernels, no AMX) runs.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Install everything, then talk to ShopTalk in the local simulator (demo catalog).
chat: install
	$(BIN)/python -m skill chat

## Serve the skill over HTTP for the Alexa developer console (behind an HTTPS tunnel).
serve: install
	$(BIN)/python -m skill serve

## Install everything, then run the whole test suite (what CI runs).
test: install-dev
	$(BIN)/python -m pytest

## The fast tests only (no model weights, no servers that take seconds to start).
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow"

## Benchmarks (slow; figures go to BENCHMARKS.md). Each prints its baseline from the same run.
bench-cold-start: install
	$(BIN)/python -m skill.bench cold-start

bench-load: install
	$(BIN)/python -m skill.bench.load

bench-quality: install
	$(BIN)/python -m knowledge.bench quality

bench-scale: install
	$(BIN)/python -m knowledge.bench scale

bench-dialogue: install
	$(BIN)/python -m dialogue.bench

## Page latency of the content-team console (needs ../shared/data).
bench-console: install
	$(BIN)/python -m knowledge.console.bench

clean-venv:
	rm -rf $(VENV)
