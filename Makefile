# The README's two commands: `make run` and `make test`. Everything else is bootstrap.
#
# Both virtualenvs are built from pinned lock files and cached outside the clone, keyed by the
# lock file's hash, so a fresh clone (and CI) reuses them; `.venv` and `.venv-rasa` are symlinks.

SHELL := /bin/bash
PYTHON ?= python3.11
CACHE_DIR ?= $(HOME)/.cache/traffic-assistant
APP_LOCK := requirements.lock
RASA_LOCK := nlu/requirements-rasa.lock
APP_HASH := $(shell sha256sum $(APP_LOCK) | cut -c1-12)
RASA_HASH := $(shell sha256sum $(RASA_LOCK) | cut -c1-12)
APP_VENV := $(CACHE_DIR)/venv-app-$(APP_HASH)
RASA_VENV := $(CACHE_DIR)/venv-rasa-$(RASA_HASH)
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test lint venv venv-rasa browser clean

run: venv venv-rasa
	.venv/bin/python bot.py run

test: lint venv-rasa browser
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# The gates (CI runs them through `make test`): style, formatting, types, and the layering
# contract in pyproject.toml (channels -> actions -> storage -> core, no channel imports another).
lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: install Debian's chromium package (the browser tests need it)"; \
	  fi; \
	fi

venv: .venv/.ready
venv-rasa: .venv-rasa/.ready

.venv/.ready: $(APP_LOCK)
	@if [ ! -f $(APP_VENV)/.ready ]; then \
	  echo "creating the app virtualenv in $(APP_VENV)"; \
	  rm -rf $(APP_VENV) && mkdir -p $(CACHE_DIR) && \
	  $(PYTHON) -m venv $(APP_VENV) && \
	  $(APP_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(APP_LOCK) && \
	  touch $(APP_VENV)/.ready; \
	fi
	@ln -sfn $(APP_VENV) .venv

.venv-rasa/.ready: $(RASA_LOCK)
	@if [ ! -f $(RASA_VENV)/.ready ]; then \
	  echo "creating the Rasa virtualenv in $(RASA_VENV) (first time only, a few minutes)"; \
	  rm -rf $(RASA_VENV) && mkdir -p $(CACHE_DIR) && \
	  $(PYTHON) -m venv $(RASA_VENV) && \
	  $(RASA_VENV)/bin/pip install --quiet --disable-pip-version-check \
	    --no-deps --ignore-requires-python -r $(RASA_LOCK) && \
	  touch $(RASA_VENV)/.ready; \
	fi
	@ln -sfn $(RASA_VENV) .venv-rasa
	@# The trained NLU models (named by the hash of nlu/) are cached beside the venvs too: a fresh
	@# clone, CI's included, serves the model trained before instead of training it again.
	@if [ ! -e models ]; then mkdir -p $(CACHE_DIR)/models && ln -sfn $(CACHE_DIR)/models models; fi

clean:
	rm -f .venv .venv-rasa
	rm -rf data/ .pytest_cache
	if [ -L models ]; then rm -f models; else rm -rf models; fi
