#!/usr/bin/env bash
# The README's main command: install (idempotent), prove the rule library, optimize an example
# kernel for Hexagon HVX (global scheduler), run it on qemu-hexagon and check it against the
# reference interpreter, then benchmark our code against LLVM -O3 on every example.
# Arguments replace the kernel (default examples/conv3x3_u8.ir).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/rewriter verify rules/
.venv/bin/rewriter optimize "${1:-examples/conv3x3_u8.ir}" --target hexagon --run --check "${@:2}"
exec .venv/bin/rewriter bench --target hexagon
