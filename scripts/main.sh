#!/usr/bin/env bash
# The README's main command: install (idempotent), prove the rule library, then optimize an
# example kernel for the CPU, run it and check it against the reference interpreter.
# Arguments replace the kernel (default examples/conv3x3_u8.ir).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/rewriter verify rules/
exec .venv/bin/rewriter optimize "${1:-examples/conv3x3_u8.ir}" --target cpu --run --check "${@:2}"
