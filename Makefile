# gcpdash: every target creates .venv and installs what it needs on a fresh machine, from the committed
# lock (requirements.lock: exact versions with hashes), so a release elsewhere cannot change a build.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
LATEST := .venv-latest
TOOLS := .venv-lock
PIP_TOOLS := pip-tools==7.6.2
# pip's own version check and the (absent) local package folders only add noise to every install.
PIP := PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/python -m pip

.PHONY: demo test lint bench venv bytecode lock test-latest clean

# Everything from the lock, hash-checked; then gcpdash itself, built with the locked setuptools.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) check
	$(BIN)/python -m compileall -q dashboard
	touch $(STAMP)

venv: $(STAMP)

# gcpdash's own modules compiled ahead, as installing a wheel does (pip compiles what it installs; an
# editable install is left to compile on first import, which never happens where the environment sets
# PYTHONDONTWRITEBYTECODE, and costs every start-up ~130 ms). Quick when nothing changed.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q dashboard

demo: bytecode
	$(BIN)/gcpdash --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	GRPC_VERBOSITY=ERROR $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The lock again, from pyproject's ranges (the dev extra included) and requirements/build.in.
lock:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet '$(PIP_TOOLS)'
	$(TOOLS)/bin/pip-compile --quiet --upgrade --extra dev --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml requirements/build.in
	@echo "$(LOCK) refreshed: run 'make test' on it, then commit it."

# The suite on the newest releases pyproject allows (not the lock), in a venv of its own: drift shows here
# before it breaks anyone. A failure here is news, not a broken build.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	PIP_DISABLE_PIP_VERSION_CHECK=1 $(LATEST)/bin/python -m pip install --quiet --upgrade -e '.[dev]' -r requirements/build.in
	@$(LATEST)/bin/python -m pip freeze --exclude-editable | diff <(grep -E '^[A-Za-z0-9_.-]+==' $(LOCK) \
		| sed 's/ .*//' | tr A-Z_ a-z- | sort) <(tr A-Z_ a-z- | sort) | grep '^>' | sed 's/^>/newer than the lock:/' || true
	@if $(LATEST)/bin/ruff check . && $(LATEST)/bin/mypy && GRPC_VERBOSITY=ERROR $(LATEST)/bin/pytest; then \
		echo "test-latest: the newest releases pass; 'make lock' moves the lock to them."; \
	else \
		echo "test-latest: FAILED on the newest releases (above: what is newer than the lock)."; \
		echo "  The lock still holds, so 'make test' is unaffected. Fix gcpdash for the new release (or bound its"; \
		echo "  range in pyproject.toml), then 'make lock' and 'make test', and commit requirements.lock."; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) $(LATEST) $(TOOLS) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
