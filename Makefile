# ShopTalk developer commands. `make chat` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: chat serve test test-fast install install-dev bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -r requirements.txt
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

clean-venv:
	rm -rf $(VENV)
