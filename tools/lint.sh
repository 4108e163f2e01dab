#!/usr/bin/env bash
# The same checks as .pre-commit-config.yaml, without needing pre-commit's network.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
ruff format --check .
python3 -m pylint --rcfile=.pylintrc-mandatory addons/* tests/addons/*
echo "lint: ok"
