# The two commands of the README, and the routine tasks behind them.
# `make run` and `make test` each set up everything they need on a fresh Linux machine that has
# Python 3.11+ and access to the package registries; on a set-up machine they start in seconds.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS_DIR := .heavy/tools
VENV := .venv
# Test processes for `make test` / `make fast-test` (pytest-xdist; each has its own embedded
# PostgreSQL). 0 runs the tests in one process. Browser tests always run in one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile
# uv from PATH when present, otherwise a pinned copy bootstrapped into $(TOOLS_DIR).
UV ?= $(shell command -v uv 2>/dev/null || echo $(TOOLS_DIR)/bin/uv)

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: lock install run test lint check-types pytest fast-test browser format clean

install: $(VENV)/.synced

# Debian/Ubuntu Pythons without python3-venv cannot make a venv with pip: then pip (python3-pip)
# installs uv straight into the folder, whose bin/uv is the same path.
$(TOOLS_DIR)/bin/uv:
	@if $(PYTHON) -m venv $(TOOLS_DIR) >/dev/null 2>&1; then \
		$(TOOLS_DIR)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; \
	elif $(PYTHON) -m pip --version >/dev/null 2>&1; then \
		echo "make: $(PYTHON) -m venv failed (no python3-venv?); installing uv with $(PYTHON) -m pip --target"; \
		rm -rf $(TOOLS_DIR) && \
		PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(TOOLS_DIR) "uv==$(UV_VERSION)"; \
	else \
		echo "make: $(PYTHON) can make neither a venv nor use pip: apt-get install python3-venv, or install uv" >&2; \
		exit 1; \
	fi

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

run: install
	$(VENV)/bin/heavy run

test: install browser lint check-types pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # the runtime (heavy/) never imports the app: pyproject.toml [tool.importlinter]

check-types: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not browser"
	$(VENV)/bin/pytest -m browser  # one process: Chromium needs the CPU a second session would take

fast-test: install
	$(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not slow and not browser"

browser:
	@./scripts/install_browser.sh

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .heavy/tools .mypy_cache .ruff_cache .pytest_cache

lock: | $(UV)
	$(UV) lock --python $(PYTHON)
