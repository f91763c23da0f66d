# The two commands of the README, and the routine tasks behind them.
# `make run` and `make test` each set up everything they need on a fresh Linux machine that has
# Python 3.11+ and access to the package registries; on a set-up machine they start in seconds.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS_DIR := .heavy/tools
VENV := .venv
# uv from PATH when present, otherwise a pinned copy bootstrapped into a project-local venv.
UV ?= $(shell command -v uv 2>/dev/null || echo $(TOOLS_DIR)/bin/uv)

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: lock install run test lint check-types pytest fast-test browser format clean

install: $(VENV)/.synced

$(TOOLS_DIR)/bin/uv:
	$(PYTHON) -m venv $(TOOLS_DIR)
	$(TOOLS_DIR)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

run: install
	$(VENV)/bin/heavy run

test: install browser lint check-types pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-types: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest

fast-test: install
	$(VENV)/bin/pytest -m "not slow and not browser"

browser:
	@./scripts/install_browser.sh

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .heavy/tools .mypy_cache .ruff_cache .pytest_cache

lock: | $(UV)
	$(UV) lock --python $(PYTHON)
