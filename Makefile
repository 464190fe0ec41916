# drawsite: `make run` starts the app, `make test` runs the whole suite. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k raster"`.
PYTEST_ARGS ?=

.PHONY: run test bench train evaluate browser-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files re-run the install only when a requirements file changes.
$(VENV)/.serve-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.serve-installed

run: $(VENV)/.serve-installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  drawsite is running at http://$(HOST):$(PORT)/"
	@echo ""
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) drawsite.asgi:application

# Debian's Chromium for the Playwright tests (`playwright install` cannot download browsers here).
browser-deps:
	@test -x $(CHROMIUM) || { (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; browser tests will skip"; }

test: $(VENV)/.dev-installed browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Speed figures: raster + inference micro-benchmarks, then the websocket load benchmark (about 7 minutes).
bench: $(VENV)/.dev-installed
	$(PY) -m ml.bench
	$(PY) -m loadtest

train: $(VENV)/.dev-installed
	$(PY) -m ml.train

evaluate: $(VENV)/.serve-installed
	$(PY) -m ml.evaluate --data $${QUICKDRAW_DATA:-../shared/quickdraw}

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
