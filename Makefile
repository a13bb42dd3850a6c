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
DOSSIER_PORT ?= 8765

# Prefect stays inside the project: its own home, no telemetry, a start-up
# timeout that fits 2 cores. Variables already set in the environment win.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90

# Debian packages the pipeline and its browser tests need.
SYSTEM_PACKAGES := chromium fonts-dejavu-core
AXE := .cache/node/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1

# pip here prints one warning per package about optional local mirrors; hide only those.
PIP_QUIET := grep -v "is ignored: it is neither a file nor a directory" || true

.PHONY: help venv compiled system-deps run test mutants eval train-stance bench score-study lint format ui ui-stop serve clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | $(PIP_QUIET)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | $(PIP_QUIET)
	$(BIN)/python -c "import flows, prefect, duckdb, spacy, jinja2, pandas"
	touch $(STAMP)

venv: $(STAMP) compiled ## create the virtual environment and install the project

# The stance reader's hot modules compiled with Cython into .cache/compiled (about
# 80 s of CPU, only for modules whose source changed); a module whose build is
# missing or stale loads from its .py file (flows/nlp/compiled.py, decision 0221).
compiled: $(STAMP) ## compile the stance reader's hot modules (Cython; the .py ones serve otherwise)
	@$(BIN)/python -c "import sys; from flows.nlp.compiled import main; sys.exit(main())"

system-deps: ## install Chromium and fonts with apt-get when missing
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
		else echo "please install:$$missing (apt-get install$$missing)"; exit 1; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(AXE):
	npm install --prefix .cache/node --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) >/dev/null

run: system-deps $(STAMP) compiled ## run the pipeline on the demo study (STUDY=path for another)
	$(BIN)/triangulate run $(STUDY)

# Two workers (pytest-xdist); each test file stays on one worker (tests/conftest.py).
PYTEST_WORKERS ?= 2

test: system-deps $(STAMP) compiled $(AXE) ## run the test suite on two workers (browser tests included)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

mutants: $(STAMP) ## mutation testing (mutmut + SQL branch mutants), ~30-60 min; MUTANTS_ARGS="--only audit sql"
	$(BIN)/python tests/mutation/run_mutants.py $(MUTANTS_ARGS)

eval: $(STAMP) compiled ## score the stance reader: leave-one-writer-out on data/eval/dev, old sets, speed
	OMP_NUM_THREADS=1 $(BIN)/python -m flows.evaluate --set dev --cross-writer --speed
	$(BIN)/python -m flows.evaluate --set heldout

train-stance: $(STAMP) compiled ## retrain flows/nlp/stance-model.json on data/eval/dev and data/eval/train
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m flows.nlp.train

bench: system-deps $(STAMP) compiled ## benchmark 9, 100 and 1,000 generated cases (BENCH_ARGS=--with-10k for 10,000)
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

score-study: $(STAMP) compiled ## score a study end to end against an answer key: STUDY=dir TRUTH=truth.csv
	$(BIN)/python bench/score_study.py --study $(STUDY) --truth $(TRUTH)

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Exit 0 when the Prefect server answers its health check on UI_PORT.
UI_UP = $(BIN)/python -c "import sys; from flows.orchestration.settings import server_is_up; sys.exit(0 if server_is_up('http://$(UI_HOST):$(UI_PORT)/api') else 1)"

ui: $(STAMP) ## start the Prefect UI (127.0.0.1:4200) and the dossier server (127.0.0.1:8765)
	@if $(UI_UP); then \
		echo "Prefect UI already running"; \
	else \
		PREFECT_UI_API_URL=http://$(UI_HOST):$(UI_PORT)/api \
			$(BIN)/prefect server start --host $(UI_HOST) --port $(UI_PORT) --background --analytics-off; \
		echo "waiting for the Prefect server to answer (up to 120 s)"; \
		for i in $$(seq 120); do $(UI_UP) && break; sleep 1; done; \
		$(UI_UP) || { echo "the Prefect server did not answer on port $(UI_PORT): make ui-stop, then $(BIN)/prefect server start --port $(UI_PORT) shows why"; exit 1; }; \
	fi
	@mkdir -p $(PREFECT_HOME) out
	@if [ -f $(PREFECT_HOME)/dossiers.pid ] && kill -0 $$(cat $(PREFECT_HOME)/dossiers.pid) 2>/dev/null; then \
		echo "dossier server already running"; \
	else \
		nohup $(BIN)/triangulate serve-dossiers out --port $(DOSSIER_PORT) > $(PREFECT_HOME)/dossiers.log 2>&1 & echo $$! > $(PREFECT_HOME)/dossiers.pid; \
	fi
	@echo "Prefect UI: http://$(UI_HOST):$(UI_PORT)   dossiers: http://$(UI_HOST):$(DOSSIER_PORT)/"
	@echo "make run now reports to this server; make serve adds a deployment to start runs from the UI; make ui-stop stops both."

ui-stop: ## stop the Prefect UI and the dossier server started by make ui
	-$(BIN)/prefect server stop
	@if [ -f $(PREFECT_HOME)/dossiers.pid ]; then kill $$(cat $(PREFECT_HOME)/dossiers.pid) 2>/dev/null || true; rm -f $(PREFECT_HOME)/dossiers.pid; fi

# `make serve STUDY=path` offers that study; STUDIES="a b" several; neither: the demo.
STUDIES ?= $(if $(filter command line environment,$(origin STUDY)),$(STUDY))

serve: $(STAMP) ## serve the `triangulate` deployment to the UI (needs make ui); STUDY=path or STUDIES="a b" offers those study folders
	PREFECT_API_URL=http://$(UI_HOST):$(UI_PORT)/api $(BIN)/triangulate serve $(STUDIES)

clean: ## remove outputs, the Prefect home and the environment
	rm -rf out .prefect .cache $(VENV) .pytest_cache .ruff_cache *.egg-info test-artifacts
