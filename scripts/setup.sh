#!/usr/bin/env bash
# One idempotent setup shared by both README commands and CI: creates .venv and installs the
# package with its test extras. System packages for later targets (qemu, llvm-mc, lld,
# lavapipe) are added here, guarded so that a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[test]'
    rm -f .venv/.installed-*
    touch "$stamp"
fi
# WebGPU backend (tests/test_webgpu.py): wgpu needs a Vulkan loader and, without a GPU,
# Mesa's lavapipe (a Vulkan driver on the CPU). Installed only when missing.
if ! dpkg -s mesa-vulkan-drivers libvulkan1 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then APT=(apt-get); else APT=(sudo apt-get); fi
    "${APT[@]}" install -y --no-install-recommends mesa-vulkan-drivers libvulkan1 \
        || { "${APT[@]}" update && "${APT[@]}" install -y --no-install-recommends mesa-vulkan-drivers libvulkan1; }
fi
