#!/usr/bin/env bash
# The README's test command: install (idempotent), then the whole suite, slow tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest -q -m "not slow" "$@"
.venv/bin/python -m pytest -q -m slow "$@"
