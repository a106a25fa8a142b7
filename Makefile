# cxgov: `make run` serves the API locally, `make test` runs every test. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# checkov (issue 25) pins boto3 and others against the dev lock: it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
PORT ?= 8000
ROLE ?= ccxo
DEPT ?=

.DEFAULT_GOAL := help

.PHONY: help install browser run test test-unit test-integration test-e2e fuzz token bench lock clean package lint-template scan-template test-infra digests

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .  # the `cxgov` console script
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.lock
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed ## install Python and npm dependencies from the lock files into the project
	@$(PY) -m devtools.dashboard_assets  # the USWDS files the dashboard serves (issue 20)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser: ## install Debian's Chromium for the dashboard's browser test, if it is missing
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

run: install ## start DynamoDB Local, seed the demo organisation, print tokens, serve the API on 127.0.0.1:$(PORT)
	PORT=$(PORT) $(PY) -m devtools.run

# The suite on two pytest-xdist workers, a test module (or a group of them: tests/conftest.py) at a time.
WORKERS ?= 2
PARALLEL = -n $(WORKERS) --dist loadscope --no-loadscope-reorder

test: install browser $(CHECKOV_VENV)/.installed ## run the whole suite: unit, integration (moto) and end-to-end (chalice local + DynamoDB Local); prints the 15 slowest tests
	$(PY) -m pytest $(PARALLEL) --durations=15

test-unit: install ## unit tests of the domain only (no AWS)
	$(PY) -m pytest tests/unit

test-integration: install ## HTTP tests through chalice.test.Client on moto
	$(PY) -m pytest tests/integration

test-e2e: install browser ## end-to-end tests over HTTP against chalice local and DynamoDB Local
	$(PY) -m pytest $(PARALLEL) tests/e2e

fuzz: install ## a longer Schemathesis run and wider races against the live local stack (CXGOV_FUZZ_EXAMPLES, default 300; CXGOV_RACE_CLIENTS, default 32)
	CXGOV_FUZZ_EXAMPLES=$${CXGOV_FUZZ_EXAMPLES:-300} CXGOV_RACE_CLIENTS=$${CXGOV_RACE_CLIENTS:-32} $(PY) -m pytest -s tests/e2e/test_fuzz_api.py tests/e2e/test_races.py

digests: install ## run the digest job once now against the stack `make run` serves (same PORT=); .eml files under .local/outbox/
	PORT=$(PORT) $(PY) -m devtools.digests

token: install ## mint a local token: make token ROLE=dcxo DEPT=parks
	@$(PY) -m devtools.issuer --role $(ROLE) $(if $(DEPT),--dept $(DEPT))

bench: install ## print the figures: import-time ratio, DynamoDB calls per request, and the scale runs kept out of `make test` (200,000-row job, 1,000-department dashboard)
	$(PY) -m devtools.bench

package: install ## build/package/sam.json + deployment.zip: chalice package merged with infra/ (offline, no AWS credentials)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(PY) -m devtools.package

lint-template: package ## validate the packaged template with cfn-lint
	$(VENV)/bin/cfn-lint build/package/sam.json

scan-template: package $(CHECKOV_VENV)/.installed ## scan the packaged template with checkov (CloudFormation rules; skips carry their reason in infra/template.yaml)
	$(CHECKOV_VENV)/bin/checkov -f build/package/sam.json --framework cloudformation --skip-download --compact

test-infra: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## the deployment tests: template vs models, IAM, cfn-lint, checkov, package size
	$(PY) -m pytest tests/infra

lock: ## re-resolve the lock files from pyproject.toml (needs pip-tools from the dev lock)
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt pyproject.toml
	$(PY) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['scan'], sep='\n')" | \
	  $(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements-checkov.lock -

clean: ## remove the virtualenv, node_modules and local data (.local/)
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules .local .pytest_cache
