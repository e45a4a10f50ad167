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

# Hexagon toolchain (rewriter/runtime/hexagon.py): llvm-mc assembles, ld.lld links, QEMU runs.
# Debian bookworm: `llvm` gives /usr/bin/llvm-mc (and llvm-objdump), `lld` gives /usr/bin/ld.lld
# (a link to ld.lld-14), `qemu-user-static` gives /usr/bin/qemu-hexagon-static. Only when one is
# missing: apt-get update once, then install; a second run finds all three and does nothing.
hexagon_missing=0
for tool in llvm-mc ld.lld qemu-hexagon-static; do
    command -v "$tool" >/dev/null 2>&1 || hexagon_missing=1
done
if [ "$hexagon_missing" = 1 ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        llvm lld qemu-user-static >/dev/null
    # Some installs ship only the versioned name (ld.lld-14); link it where our finder looks.
    if ! command -v ld.lld >/dev/null 2>&1; then
        for v in /usr/bin/ld.lld-*; do
            [ -x "$v" ] && $SUDO ln -sf "$v" /usr/local/bin/ld.lld && break
        done
    fi
fi

# WebGPU backend (tests/test_webgpu.py): wgpu needs a Vulkan loader and, without a GPU,
# Mesa's lavapipe (a Vulkan driver on the CPU). Installed only when missing.
if ! dpkg -s mesa-vulkan-drivers libvulkan1 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then APT=(apt-get); else APT=(sudo apt-get); fi
    "${APT[@]}" install -y --no-install-recommends mesa-vulkan-drivers libvulkan1 \
        || { "${APT[@]}" update && "${APT[@]}" install -y --no-install-recommends mesa-vulkan-drivers libvulkan1; }
fi

# The browser test of `rewriter viz` (tests/test_viz.py): headless Chromium renders the page and
# takes a screenshot (kept in tests/artifacts/). Installed only when missing.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then APT=(apt-get); else APT=(sudo apt-get); fi
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y --no-install-recommends chromium \
        || { "${APT[@]}" update && DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y --no-install-recommends chromium; }
fi
