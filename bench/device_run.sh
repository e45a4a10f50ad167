#!/bin/bash
# The GPU benchmarks of issue 16 on a device machine, in one call: every example and every
# suite kernel (bench/kernels, own size against the interpreter, scaled up against PyTorch
# eager and torch.compile), then WebGPU against our CUDA code. Run from a folder holding
# rewriter/ bench/ examples/ rules/, the code --prepare wrote (gcode/, wcode/), the wheels
# (_whl/: lark, wgpu, cffi, pycparser), the Vulkan loader and the glvnd/EGL libraries the
# NVIDIA Vulkan ICD needs (its nvidia_icd.json names libGLX_nvidia.so.0, which loads through
# libGLdispatch; /work/.library/device/README.md):
#
#   mkdir -p _gl /tmp/amd64/partial; o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd _gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
#
#   # here (z3 + llvmlite):
#   python -m rewriter.bench_gpu --prepare gcode
#   python bench/webgpu_vs_cuda.py --prepare wcode [--no-extras]
#   # there:
#   bash bench/device_run.sh OUTDIR [SECONDS_FOR_CUDA] [SECONDS_FOR_WEBGPU]
#
# The GPU machine has no Z3, OR-Tools or llvmlite: the --code paths import none of them.
set -u
out=${1:?output folder}; cuda_s=${2:-400}; web_s=${3:-150}
for f in _gl/*.deb; do dpkg -x "$f" /; done; ldconfig
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site _whl/*.whl >/dev/null 2>&1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}
# for diagnosis when WebGPU finds no adapter: the ICDs there, and the libraries they load
ls /usr/local/nvidia/share/vulkan/icd.d/ /usr/local/nvidia/share/glvnd/egl_vendor.d/ 2>&1
cat "$VK_DRIVER_FILES" 2>&1 | tr -s ' \n' ' '; echo
ldconfig -p | grep -E "libvulkan|libGLX_nvidia|libGLdispatch|libEGL_nvidia|libnvidia-glcore" | sed 's/ (.*=>/ =>/'
nvidia-smi --query-gpu=name,driver_version --format=csv
date -u
timeout "$cuda_s" python3 -m rewriter.bench_gpu --code gcode --repeat 10 --out "$out/gpu.md" > "$out/gpu.log" 2>&1
echo "bench_gpu rc $?"; date -u
timeout "$web_s" python3 bench/webgpu_vs_cuda.py --code wcode --repeat 10 --out "$out/webgpu.md" > "$out/webgpu.log" 2>&1
echo "webgpu_vs_cuda rc $?"; date -u
grep -c "^|" "$out"/*.log
