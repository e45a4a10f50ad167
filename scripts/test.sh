#!/usr/bin/env bash
# The README's test command: install (idempotent), then the whole suite: the fast tests
# first, then the slow ones (cold verification of the whole rule library).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
# One pytest-xdist worker a core (-n auto), a test module at a time (--dist loadfile), so
# the module-scoped fixtures (every example compiled, a Dask cluster) are built once, not
# once a worker.
PAR=(-n auto --dist loadfile)
.venv/bin/python -m pytest -q "${PAR[@]}" -m "not slow" "$@"
# pytest exits 5 when it collects nothing; a suite without slow tests is not a failure.
.venv/bin/python -m pytest -q "${PAR[@]}" -m slow "$@" || [ $? -eq 5 ]
