# Aspirasi: `make run` serves the app with demo data; `make test` runs every test on both
# databases (as CI does); `make test-fast` runs the quick tests on SQLite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-fast bench install install-dev lock system-deps translations db demo serve clean

run: install translations db demo serve

test:
	bash scripts/test.sh

test-fast:
	bash scripts/test.sh --fast

# The service with triage suggestions: the versions pinned in requirements/triage.txt, every
# file checked against its hash. A server without suggestions, in a new venv:
#   make install translations REQUIREMENTS=requirements/base.txt
# Neither holds a test tool.
REQUIREMENTS ?= requirements/triage.txt
install: $(BIN)/.installed-$(notdir $(REQUIREMENTS))

# Everything: the service, triage, and the tests' tools (requirements/dev.txt).
install-dev: $(BIN)/.installed-dev.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(BIN)/.installed-%.txt: requirements/%.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $<
	touch $@

# dev.txt holds every pin of base.txt and triage.txt, so it installs them too.
$(BIN)/.installed-dev.txt: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $<
	touch $@ $(BIN)/.installed-triage.txt $(BIN)/.installed-base.txt

# Write the lock files from pyproject.toml. Pins already there are kept unless asked, e.g.
#   make lock LOCK_UPGRADE="--upgrade-package flask"   (or LOCK_UPGRADE=--upgrade for all)
# dev.txt is resolved first; triage.txt and base.txt take its versions, so every install kind
# runs the same code.
LOCK_UPGRADE ?=
LOCK_ARGS := --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock"
lock: install-dev
	$(BIN)/uv pip compile pyproject.toml --extra triage --extra dev $(LOCK_ARGS) $(LOCK_UPGRADE) \
		-o requirements/dev.txt
	$(BIN)/uv pip compile pyproject.toml --extra triage $(LOCK_ARGS) -c requirements/dev.txt \
		-o requirements/triage.txt
	$(BIN)/uv pip compile pyproject.toml $(LOCK_ARGS) -c requirements/dev.txt -o requirements/base.txt

# Load test on throwaway databases (not part of `make test`), e.g.
#   make bench BENCH_SIZES=10k,100k BENCH_DB=sqlite,postgres
BENCH_SIZES ?= 10k
BENCH_DB    ?= sqlite
BENCH_ARGS  ?=
bench: install translations
	$(BIN)/python scripts/bench.py --sizes $(BENCH_SIZES) --db $(BENCH_DB) $(BENCH_ARGS)

system-deps:
	bash scripts/system-deps.sh

translations: install
	@for po in translations/*/LC_MESSAGES/*.po; do \
	  [ -e "$$po" ] || continue; \
	  lang=$$(basename $$(dirname $$(dirname $$po))); \
	  $(BIN)/pybabel compile -d translations -l $$lang -D $$(basename $$po .po) >/dev/null || exit 1; \
	done

db: install
	$(BIN)/flask --app wsgi db upgrade

# The demo's mails are queued by this command, outside any request: their links need the
# address the demo is served on.
demo: install
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask --app wsgi seed-demo

# gunicorn with gunicorn.conf.py and the mail worker, as in production but without nginx in
# front, hence threaded workers (scripts/serve.sh); Ctrl-C stops both.
serve: install
	@echo "Aspirasi berjalan di http://$(HOST):$(PORT)  (email keluar: instance/outbox/; Ctrl-C untuk berhenti)"
	@GUNICORN_BIND=$(HOST):$(PORT) BIN=$(BIN) bash scripts/serve.sh

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
