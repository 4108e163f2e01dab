#!/usr/bin/env bash
# The same checks as .pre-commit-config.yaml, without needing pre-commit's
# network: ruff, pylint-odoo's mandatory and optional checks and OCA's module
# checks (XML, CSV, manifests), at the versions pinned in
# requirements-lint.txt, from a virtual environment of their own.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${HS_LINT_VENV:-${TMPDIR:-/tmp}/hybrid-support-lint}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-lint.txt
export PATH="$venv/bin:$PATH"
ruff check .
ruff format --check .
# pylint-odoo imports nothing of Odoo: the venv's pylint is enough. .pylintrc
# (OCA's optional set) holds every check of .pylintrc-mandatory too: one run
python -m pylint --rcfile=.pylintrc addons/* tests/addons/*
oca-checks-odoo-module addons/* tests/addons/*
# every test class says whether it runs at_install or post_install
python tools/check_test_tags.py
python tools/gen_readme.py --check
echo "lint: ok"
