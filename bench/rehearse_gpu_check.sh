#!/usr/bin/env bash
# Rehearse bench/gpu_check.sh without a GPU, in a virtual environment built like the GPU machine's
# python3: numba with the numba-cuda package (not numba's built-in CUDA target), the NVIDIA wheels the
# machine has (cuda-bindings 13, cuda-core, cuda-pathfinder, NVRTC, nvJitLink, the CUDA runtime) and
# no libNVVM wheel (the machine's comes with its CUDA toolkit, as here), and none of the CPU peers
# (qiskit, cirq, ...). Then, in that environment:
#   1. gpu_check.sh itself under numba's CUDA simulator, at tiny sizes (every real-GPU test skips there
#      by design, so this checks that each step imports, collects, runs and writes its files);
#   2. the CUDA-simulator cases (tests/sim/cudasim_*cases.py) and the sm_90 PTX compile of every kernel
#      (tests/sim/compile_ptx.py, which prints each kernel's compile seconds) under numba-cuda.
#   run: bash bench/rehearse_gpu_check.sh        (about 6 minutes on 2 cores, plus the venv's first build)
# DEVENV (default .cache/devenv), BASE_PYTHON (default python3.12, else python3.11), OUT (default
# /tmp/gpu_check_rehearsal). The GPU machine has Python 3.12 and numpy 2.5; use the nearest you have.
set -u -o pipefail
cd "$(dirname "$0")/.."
DEVENV=${DEVENV:-$PWD/.cache/devenv}
BASE_PYTHON=${BASE_PYTHON:-$(command -v python3.12 || command -v python3.11)}
OUT=${OUT:-/tmp/gpu_check_rehearsal}
PY=$DEVENV/bin/python
if [ ! -x "$PY" ]; then
  "$BASE_PYTHON" -m venv "$DEVENV" && "$PY" -m pip install -q --upgrade pip &&
  "$PY" -m pip install -q numba-cuda "cuda-bindings==13.*" cuda-core cuda-pathfinder nvidia-cuda-nvrtc \
    nvidia-nvjitlink nvidia-cuda-runtime "numpy>=2" numba pytest pytest-xdist pytest-timeout hypothesis scipy \
    pyyaml matplotlib psutil ${EXTRA_PACKAGES:-} || exit 1
fi
export PYTHONPATH=$PWD/src NUMBA_CACHE_DIR=$PWD/.cache/numba-devenv
"$PY" -m pip list 2>/dev/null | grep -i -E "^(numba|numba-cuda|numpy|llvmlite|cuda-[a-z]+|nvidia-[a-z0-9-]+|pytest|hypothesis|scipy) "
"$PY" -c "import sys; from numba import cuda; print('python', sys.version.split()[0], 'numba.cuda:', cuda.implementation)"
if "$PY" -c "import qiskit" 2>/dev/null; then echo "qiskit is importable: not like the GPU machine"; exit 1; fi

rm -rf "$OUT" "$OUT.numba"
echo "== 1. gpu_check.sh under the CUDA simulator (OUT=$OUT)"
NUMBA_ENABLE_CUDASIM=1 OUT=$OUT PYTHON=$PY NUMBA_CACHE_DIR=$OUT.numba \
  DEVICE_TIMEOUT=60 NEW_TEST_TIMEOUT=300 TEST_TIMEOUT=300 DENSITY_TIMEOUT=600 BENCH_TIMEOUT=600 KERNEL_TIMEOUT=600 \
  KERNEL_ARGS="--qubits 6 --repeat 1 --inner 1" \
  DENSITY_ARGS="--density-qubits 3 --density-layers 2 --adjoint-qubits 4 --repeat 1" \
  BENCH_ARGS="--qubits 6 --dtype both --peers all --repeat 1 --batch 8 --batch-cpu 8 --batch-qubits 4" \
  bash bench/gpu_check.sh > "$OUT.log" 2>&1
sed -n '/== summary/,$p' "$OUT/device.txt"
status=0
grep -q "rc=[1-9]" "$OUT/device.txt" && { echo "FAIL: a step of gpu_check.sh failed ($OUT.log)"; status=1; }
[ "$(ls "$OUT" | wc -l)" -le 8 ] || { echo "FAIL: more than 8 files under \$OUT"; status=1; }
for f in bench_gpu.json bench_gpu_density.json; do
  "$PY" -c "import json, sys; sys.exit(0 if json.load(open('$OUT/$f'))['complete'] else 1)" ||
    { echo "FAIL: $f is missing or incomplete"; status=1; }
done
grep -E " (FAILED|ERROR)( |$)|[0-9]+ (errors?|failed)" "$OUT"/gpu_tests*.txt && status=1

echo "== 2. the CUDA-simulator cases and the sm_90 PTX compile, under numba-cuda"
"$PY" -m pytest -q -p no:cacheprovider -p no:xdist -o addopts="" -rs --durations=6 \
  tests/sim/test_gpu.py tests/sim/test_gpu_density.py tests/sim/test_gpu_adjoint.py || status=1
"$PY" tests/sim/compile_ptx.py | awk '/^ok/ {n++; s += $4} /^FAIL|^compiled/ {print} END {printf "%d kernels, %.1f s of compiling\n", n, s}'
exit $status
