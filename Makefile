# The two commands a newcomer needs: `make run` and `make test`. Nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo's reference article dates from 2015: keep its comments open.
RUN_ENV := DEBUG=1 COMMENTS_CLOSE_AFTER_DAYS=0
PORT ?= 8000

.PHONY: run test install node screenshots lint format check messages clean backup restore-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# axe-core and Lighthouse (pinned: its last release for Node 20) for the browser tests, when npm is
# here (without it they skip).
NPM := $(shell command -v npm 2>/dev/null)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node: $(if $(NPM),node_modules/.package-lock.json)
	@$(if $(NPM),:,echo "npm not found: the accessibility and Lighthouse tests will be skipped.")

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py load_demo_comments
	@echo "The desk: http://127.0.0.1:$(PORT)/desk/ (accounts above). The site: http://127.0.0.1:$(PORT)/"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install node
	$(BIN)/python -m pytest

# The browser tests alone; they save their screenshots in tests/artifacts/, copied for the README.
SCREENSHOTS := home home-phone section section-phone article-desktop article-phone \
	moderation-queue moderation-queue-phone \
	comment-decision comment-decision-phone desk-writing desk-writing-phone desk-article-list \
	desk-article-list-phone writing-quote-marker
screenshots: install node
	rm -f $(SCREENSHOTS:%=tests/artifacts/%.png)
	$(BIN)/python -m pytest tests/browser -m browser
	mkdir -p docs/screenshots
	cp $(SCREENSHOTS:%=tests/artifacts/%.png) docs/screenshots/

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(RUN_ENV) $(BIN)/python manage.py check --fail-level WARNING
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(RUN_ENV) $(BIN)/python manage.py makemessages -l fr --no-location --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --ignore=node_modules
	$(RUN_ENV) $(BIN)/python manage.py makemessages -d djangojs -l fr --no-location --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --ignore=node_modules
	$(RUN_ENV) $(BIN)/python manage.py compilemessages -l fr --ignore=.venv

# Backups (PostgreSQL): DATABASE_URL names the database; dumps go to BACKUP_DIR.
BACKUP_DIR ?= backups
backup:
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL to the PostgreSQL database to back up." && exit 1)
	mkdir -p $(BACKUP_DIR)
	pg_dump --format=custom --no-owner --file=$(BACKUP_DIR)/newsroom-$$(date +%Y%m%d-%H%M%S).dump "$(DATABASE_URL)"
	@ls -1t $(BACKUP_DIR)/*.dump | head -1

# Restore the latest dump into a scratch database, check migrations, count and render pages.
RESTORE_URL ?= $(shell echo "$(DATABASE_URL)" | sed 's|/[^/]*$$|/newsroom_restore_check|')
restore-check: install
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL (the scratch database sits beside it)." && exit 1)
	psql "$(DATABASE_URL)" -q -c "DROP DATABASE IF EXISTS newsroom_restore_check" -c "CREATE DATABASE newsroom_restore_check"
	pg_restore --no-owner --exit-on-error --dbname="$(RESTORE_URL)" "$$(ls -1t $(BACKUP_DIR)/*.dump | head -1)"
	DATABASE_URL="$(RESTORE_URL)" DEBUG=1 ALLOWED_HOSTS=testserver $(BIN)/python manage.py smoke_check
	psql "$(DATABASE_URL)" -q -c "DROP DATABASE newsroom_restore_check"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
