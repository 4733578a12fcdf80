# Aspirasi: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test bench install system-deps translations db demo serve clean

run: install translations db demo serve

test:
	bash scripts/test.sh

install: $(BIN)/.installed

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

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

# gunicorn with gunicorn.conf.py and the mail worker, as in production; Ctrl-C stops both.
serve: install
	@echo "Aspirasi berjalan di http://$(HOST):$(PORT)  (email keluar: instance/outbox/; Ctrl-C untuk berhenti)"
	@GUNICORN_BIND=$(HOST):$(PORT) BIN=$(BIN) bash scripts/serve.sh

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
