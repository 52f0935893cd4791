# The two commands of the README: `make` (main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: all test bench fuzz setup clean

all: $(STAMP) $(NODE_STAMP)
	$(BIN)/wsas lint
	$(BIN)/wsas validate rubrics/*/examples/*.valid.json
	$(BIN)/wsas score rubrics/*/examples/*.valid.json
	$(BIN)/wsas score rubrics/*/examples/*.valid.json --jsonl build/examples.results.jsonl --csv build/examples.totals.csv
	for log in rubrics/*/examples/eventlogs/ok.json; do \
	  program=$$(basename $$(dirname $$(dirname $$(dirname $$log)))); \
	  $(BIN)/wsas check $$program $$log || exit 1; \
	done
	$(BIN)/wsas records check records/examples/hazards records/examples/hazards.valid.jsonl --as-of 2024-06-30
	$(BIN)/wsas records lists records/examples/risks.valid.jsonl --kind risk-list --format csv -o build/risk-list.csv
	$(BIN)/wsas schedule haimen-2022 --start 2021-01-01 --end 2022-12-31 --format ics --output build/haimen-2022.ics
	$(BIN)/wsas schema bundle --output build/wsas.bundle.json
	$(BIN)/wsas site build
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m wsas.site.offline build/site build   # search from file://, sw.js, offline copy build/wsas-handbook-<spec>.zip
	@echo "bundled schema: build/wsas.bundle.json; example calendar: build/haimen-2022.ics"
	@echo "handbook: build/site — serve it with .venv/bin/python -m http.server -d build/site 8000 and open http://127.0.0.1:8000/ (or .venv/bin/wsas site serve)"

test: $(STAMP) $(NODE_STAMP)
	node --test tests/js/
	$(BIN)/python -m pytest

# Batch throughput and memory (not part of the tests): figures and ratios against the targets.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/throughput.py $(BENCH_ARGS)

# The handbook's batch page in Chromium against wsas score (not part of the tests): records/s and their ratio.
.PHONY: bench-browser
bench-browser: $(STAMP) $(NODE_STAMP)
	$(BIN)/wsas site build
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python benchmarks/batch_page.py $(BENCH_ARGS)

# Fuzz every entry point (not part of the tests): inputs tried, crashes, hangs per entry point;
# the js-* entry points run the handbook's modules in node (node_modules).
fuzz: $(STAMP) $(NODE_STAMP)
	$(BIN)/python benchmarks/fuzz.py $(FUZZ_ARGS)

# The distributables in build/dist (not part of the tests): the Python wheel (harness and reference,
# with the vectors), the npm package of the JavaScript validator and scorer, and the vendors' kit.
.PHONY: dist
dist: $(STAMP) $(NODE_STAMP)
	mkdir -p build/dist
	rm -f build/dist/wsas-*.whl build/dist/wsas-js-*.tgz build/dist/wsas-conformance-*.zip
	$(BIN)/python -m pip wheel --no-deps --quiet . -w build/dist
	cd packages/wsas-js && npm pack --silent --pack-destination ../../build/dist
	$(BIN)/python -m wsas.site.vendors_dist build/dist
	@ls -l build/dist

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,site]'
	touch $(STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

clean:
	rm -rf $(VENV) build node_modules
