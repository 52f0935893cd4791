# The two commands of the README: `make` (main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all test setup clean

all: $(STAMP)
	$(BIN)/wsas lint
	$(BIN)/wsas validate rubrics/*/examples/*.valid.json
	$(BIN)/wsas score rubrics/*/examples/*.valid.json
	for log in rubrics/*/examples/eventlogs/ok.json; do \
	  program=$$(basename $$(dirname $$(dirname $$(dirname $$log)))); \
	  $(BIN)/wsas check $$program $$log || exit 1; \
	done
	$(BIN)/wsas schedule haimen-2022 --start 2021-01-01 --end 2022-12-31 --format ics --output build/haimen-2022.ics
	$(BIN)/wsas schema bundle --output build/wsas.bundle.json
	@echo "bundled schema: build/wsas.bundle.json; example calendar: build/haimen-2022.ics"

test: $(STAMP)
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build
