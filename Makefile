# Targets document themselves: `make` or `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= public
JOBS ?=
RAW := data/raw
PROCESSED := data/processed
STAMP := $(VENV)/.installed-stamp
LINTED := src tests benchmarks  # what `make lint` and tests/test_lint.py check

.DEFAULT_GOAL := help
.PHONY: help venv data book test lab lint bench clean

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(doc){split($$1,t,":"); printf "  make %-10s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Нужен Python 3.11 или новее")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

## Create .venv and install the project (done by the other targets when needed)
venv: $(STAMP)

OUTPUT := output
REPORT := $(OUTPUT)/validation
# Generate the demo city when data/raw holds nothing but its README.
DEMO_IF_EMPTY = if [ -z "$$(find $(RAW) -mindepth 1 -maxdepth 1 ! -name README.md -print -quit)" ]; then \
		echo "data/raw пуста: создаю демонстрационный город (вымышленный)"; \
		$(PY) -m analysis demo-data --raw-dir $(RAW) || exit 1; \
	fi
# Ingest only when data/raw changed since the last ingest; $$st: 0 accepted, else not accepted.
INGEST = $(PY) -m analysis.ingest_status --raw-dir $(RAW) --processed-dir $(PROCESSED) \
		--report-dir $(REPORT); st=$$?; \
	if [ $$st -eq 1 ]; then \
		$(PY) -m analysis ingest --raw-dir $(RAW) --processed-dir $(PROCESSED) \
			--report-dir $(REPORT); st=$$?; \
	fi
# When the newest data was rejected, go on with the last good processed data (if any).
GO_ON = if [ ! -f $(PROCESSED)/manifest.json ]; then \
		echo "Нет принятых данных: исправьте ошибки из $(REPORT)/validation.html"; exit 1; \
	fi; \
	if [ $$st -ne 0 ]; then \
		echo "ВНИМАНИЕ: новые данные не приняты (ошибки — в $(REPORT)/validation.html);"; \
		echo "работа продолжается с последними принятыми данными ($(PROCESSED))."; \
	fi

## Generate the demo city if data/raw holds no data, then validate it into data/processed
data: $(STAMP)
	@$(DEMO_IF_EMPTY)
	@$(INGEST); exit $$st

## Render the book for every year (PROFILE=public|internal, JOBS=N); fails if new data was rejected
book: $(STAMP)
	@$(DEMO_IF_EMPTY)
	@$(INGEST); $(GO_ON); \
	$(PY) -m analysis build --profile $(PROFILE) $(if $(JOBS),--jobs $(JOBS),) \
		--processed-dir $(PROCESSED) --output-dir $(OUTPUT) || exit $$?; \
	exit $$st

## Run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

## Open JupyterLab on the notebooks (ingests data/raw only if it changed; a rejection does not stop it)
lab: $(STAMP)
	@$(DEMO_IF_EMPTY)
	@$(INGEST); $(GO_ON)
	$(VENV)/bin/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

## Lint and check formatting with ruff (the version pinned in constraints.txt); both always run
lint: $(STAMP)
	@st=0; $(PY) -m ruff check $(LINTED) || st=1; \
	$(PY) -m ruff format --check --output-format concise $(LINTED) || st=1; \
	exit $$st

## Print speed and memory figures (indicators at scales 1/20/200, build vs naive loop)
bench: $(STAMP)
	$(PY) benchmarks/run.py

## Remove generated outputs and processed data (raw data is kept)
clean:
	rm -rf output $(PROCESSED)/*[0-9] $(PROCESSED)/manifest.json
