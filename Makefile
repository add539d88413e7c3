# Targets document themselves: `make` or `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= public
JOBS ?=
RAW := data/raw
PROCESSED := data/processed
STAMP := $(VENV)/.installed-stamp

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

## Generate the demo city if data/raw holds no data, then validate it into data/processed
data: $(STAMP)
	@if [ -z "$$(find $(RAW) -mindepth 1 -maxdepth 1 ! -name README.md -print -quit)" ]; then \
		echo "data/raw пуста: создаю демонстрационный город"; \
		$(PY) -m analysis demo-data --raw-dir $(RAW); \
	fi
	$(PY) -m analysis ingest --raw-dir $(RAW) --processed-dir $(PROCESSED)

## Render the book for every year (PROFILE=public|internal, JOBS=N)
book: data
	$(PY) -m analysis build --profile $(PROFILE) $(if $(JOBS),--jobs $(JOBS),)

## Run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

## Open JupyterLab on the notebooks with the project's kernel
lab: data
	$(VENV)/bin/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

## Lint and check formatting with ruff
lint: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt ruff
	$(VENV)/bin/ruff check src tests benchmarks

## Print speed and memory figures (indicators at scales 1/20/200, build vs naive loop)
bench: $(STAMP)
	$(PY) benchmarks/run.py

## Remove generated outputs and processed data (raw data is kept)
clean:
	rm -rf output $(PROCESSED)/*[0-9] $(PROCESSED)/manifest.json
