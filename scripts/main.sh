#!/usr/bin/env bash
# The README's main command: install (idempotent), then prove the rule library.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/rewriter verify rules/ "$@"
