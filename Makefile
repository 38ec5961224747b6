# The two commands of the README: `make run` (the main job) and `make test`
# (the whole suite). Both set up what they need: a virtualenv, a Docker engine,
# the judge image; the tests also a throwaway PostgreSQL, chromium, docker-compose.
PYTHON ?= python3
VENV := .venv
LCAGENT := $(VENV)/bin/lcagent

.PHONY: run test setup venv docker judge-image lint

run: setup
	$(LCAGENT) daemon

test: setup lint
	scripts/ensure-test-tools.sh
	LCAGENT_TEST_POSTGRES_URL=$$(scripts/ensure-postgres.sh) $(VENV)/bin/pytest

setup: venv docker judge-image

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

docker:
	scripts/ensure-docker.sh

judge-image: venv docker
	LCAGENT=$(LCAGENT) scripts/ensure-judge-image.sh

# before the tests: ruff everywhere, mypy as configured in pyproject.toml (strict on judge/ and storage/)
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
