# triangulate: two commands set everything up on a fresh machine.
#   make run    create the environment if needed, run the pipeline on the demo study
#   make test   create the environment if needed, run the tests
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STUDY ?= data/demo
UI_HOST := 127.0.0.1
UI_PORT ?= 4200

# Prefect stays inside the project: its own home, no telemetry, a start-up
# timeout that fits 2 cores. Variables already set in the environment win.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90

# pip here prints one warning per package about optional local mirrors; hide only those.
PIP_QUIET := grep -v "is ignored: it is neither a file nor a directory" || true

.PHONY: help venv run test lint format ui ui-stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | $(PIP_QUIET)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | $(PIP_QUIET)
	$(BIN)/python -c "import flows, prefect, duckdb, spacy, jinja2, pandas"
	touch $(STAMP)

venv: $(STAMP) ## create the virtual environment and install the project

run: $(STAMP) ## run the pipeline on the demo study (STUDY=path for another)
	$(BIN)/triangulate run $(STUDY)

test: $(STAMP) ## run the test suite
	$(BIN)/pytest

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ui: $(STAMP) ## start the Prefect UI on 127.0.0.1:$(UI_PORT) in the background
	$(BIN)/prefect server start --host $(UI_HOST) --port $(UI_PORT) --background --analytics-off
	@echo "Prefect UI: http://$(UI_HOST):$(UI_PORT)  (make run now reports to it; make ui-stop stops it)"

ui-stop: ## stop the Prefect UI started by make ui
	$(BIN)/prefect server stop

clean: ## remove outputs, the Prefect home and the environment
	rm -rf out .prefect $(VENV) .pytest_cache .ruff_cache *.egg-info
