#!/usr/bin/env bash
# The GPU machine's checks, in two parts that each fit one device call with room to spare; results under $OUT.
#   bash bench/gpu_check.sh check   the device report, the GPU test suite, and the kernel passes against the
#                                   copy floor (bench_gpu_kernels.py): at most 20+100+170+60 = 350 s
#   bash bench/gpu_check.sh bench   the device report, the density-matrix/adjoint benchmark and the
#                                   state-vector benchmark (bench_gpu.py): at most 20+80+190 = 290 s
#   bash bench/gpu_check.sh         both (640 s: over the 600 s one command may run; for a machine of your own)
#   BENCH_ARGS="--qubits 26,28 --dtype complex64" bash bench/gpu_check.sh bench   (a shorter state-vector benchmark)
#   DENSITY_ARGS="--density-qubits 12,13 --adjoint-qubits 16" KERNEL_ARGS="--qubits 28" ...
# A session's 15 minutes of device time hold the machine's start, `check` and `bench` (about 11 minutes),
# and a short peers call if wheels were carried (bench/gpu_wheels.py prints the calls).
# Uses the machine's python3 (PYTHON=... for another) and its numba/numba-cuda/numpy; qfusion runs
# from src/ (no install). Rehearsed without a GPU by bench/rehearse_gpu_check.sh (bench/README.md).
# Each step is cut at its timeout, keeping what it printed (the environment variables change them).
# Files, all directly under $OUT (the tool returns at most 8): device.txt (versions, libraries, the step
# summary at its end) in each part; check: gpu_tests_density_adjoint.txt, gpu_tests.txt,
# bench_gpu_kernels.txt; bench: bench_gpu_density.txt/json, bench_gpu.txt/json (each JSON rewritten after
# every measured row, so a step cut at its timeout keeps its rows).
set -u -o pipefail
PART=${1:-all}
case $PART in check|bench|all) ;; *) echo "usage: bash bench/gpu_check.sh [check|bench|all]"; exit 2;; esac
OUT=${OUT:-$PWD/gpu_out}
mkdir -p "$OUT"
export PYTHONPATH=$PWD/src${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 MPLBACKEND=Agg
# compiled CPU kernels (cache=True) are written here by the first process and loaded by the others
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/tmp/qfusion-numba}
export NUMBA_CUDA_LOW_OCCUPANCY_WARNINGS=0  # the small test launches would each warn
# numba-cuda finds libNVVM in its nvidia-nvvm wheel, on the linker's path or under CUDA_HOME; a CUDA
# toolkit installed apart from pip (the machine's nvcc) is found only through CUDA_HOME
if [ -z "${CUDA_HOME:-}${CUDA_PATH:-}" ]; then
  for home in "$(dirname "$(dirname "$(command -v nvcc || echo /none/bin/nvcc)")")" /usr/local/cuda; do
    if [ -d "$home/nvvm" ]; then export CUDA_HOME=$home; break; fi
  done
fi
PY=${PYTHON:-python3}
# per-test limit (pytest-timeout, when installed): a hung test prints every thread's stack
TEST_LIMIT=$($PY -c "import pytest_timeout" 2>/dev/null && echo "--timeout=${PER_TEST_TIMEOUT:-90} --timeout-method=thread")
SUMMARY=""

step() {  # step NAME SECONDS FILE COMMAND...: COMMAND cut at SECONDS, its output shown and in $OUT/FILE
  local name=$1 limit=$2 file=$3 start=$SECONDS rc
  shift 3
  timeout -k 5 "$limit" "$@" 2>&1 | tee "$OUT/$file"
  rc=$?
  echo "$name rc=$rc ($((SECONDS - start)) s of $limit s$([ $rc = 124 ] && echo ', cut at its timeout'))" \
    | tee -a "$OUT/$file"
  SUMMARY+="$name rc=$rc $((SECONDS - start))/$limit s"$'\n'
}

{ nvidia-smi; echo "CUDA_HOME=${CUDA_HOME:-}"; timeout -k 5 ${DEVICE_TIMEOUT:-20} $PY - <<'EOF'
import sys
from importlib.metadata import PackageNotFoundError, version

import numba
import numpy
from numba import cuda

print("python", sys.version.split()[0], "numba", numba.__version__, "numpy", numpy.__version__,
      "numba.cuda:", getattr(cuda, "implementation", "?"))
for name in ("numba-cuda", "llvmlite", "cuda-bindings", "cuda-core", "cuda-pathfinder", "nvidia-nvvm",
             "nvidia-nvjitlink", "nvidia-cuda-nvcc-cu12", "pytest", "hypothesis", "scipy"):
    try:
        print(f"  {name} {version(name)}")
    except PackageNotFoundError:
        print(f"  {name} -")
try:
    cuda.detect()
    from numba.cuda.cudadrv import libs
    if hasattr(libs, "test"):  # not under the CUDA simulator
        libs.test()  # where numba.cuda found the driver, libNVVM, NVRTC and libdevice
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
from qfusion.sim.gpu import statevector as gpu
print("qfusion gpu backend:", ("usable" + (" (numba's CUDA simulator)" if gpu.cuda_simulator() else ""))
      if gpu.device_available() else "NOT usable: " + gpu.unavailable_reason())
EOF
} > "$OUT/device.txt" 2>&1
USABLE=$(tail -1 "$OUT/device.txt")  # "qfusion gpu backend: usable", or why not
echo "$USABLE"

# the suite: the real-GPU tests and the no-GPU checks (not the slow CUDA-simulator runs, nor the sm_90
# PTX compile of every kernel: 10-20 s that the real tests' own compiles make redundant here); the
# density matrix and adjoint tests first, in their own step, so a slow state-vector test cannot crowd
# them out. Each process JIT-compiles the CUDA kernels it launches (at most 36 specialisations, ~8 s
# on a 2-core VM); the CPU kernels compile once, into NUMBA_CACHE_DIR, and load from there after.
if [ "$PART" != bench ]; then
  step "density/adjoint tests" ${NEW_TEST_TIMEOUT:-100} gpu_tests_density_adjoint.txt \
    $PY -m pytest -v -p no:cacheprovider -o addopts="" $TEST_LIMIT tests/sim/test_gpu_device.py \
    -k "density or adjoint" -rs --durations=10
  step "tests" ${TEST_TIMEOUT:-170} gpu_tests.txt \
    $PY -m pytest -v -p no:cacheprovider -o addopts="" $TEST_LIMIT \
    tests/sim/test_gpu_device.py tests/sim/test_gpu.py tests/sim/test_gpu_density.py tests/sim/test_gpu_adjoint.py \
    -k "not (test_gpu_device and (density or adjoint)) and not compiles_to_ptx" -m "not slow" -rs --durations=15
  # one pass of each kernel (qfusion's generic ones, hand-specialised numba, CuPy) against the copy floor
  step "kernels" ${KERNEL_TIMEOUT:-60} bench_gpu_kernels.txt $PY bench/bench_gpu_kernels.py ${KERNEL_ARGS:---qubits 27}
fi
if [ "$PART" != check ]; then
  # the density matrix (12-14 qubits, noise after every gate, against the CPU) and adjoint gradients
  step "density bench" ${DENSITY_TIMEOUT:-80} bench_gpu_density.txt \
    $PY bench/bench_gpu.py --sections density,adjoint ${DENSITY_ARGS:---density-sweep-qubits +1,+2} \
    --json "$OUT/bench_gpu_density.json"
  # each circuit at three sweep chunk sizes (32, 64, 128 KiB of shared memory): the fastest is chosen here
  step "bench" ${BENCH_TIMEOUT:-190} bench_gpu.txt \
    $PY bench/bench_gpu.py --sections circuits,batch ${BENCH_ARGS:---sweep-qubits default,+1,+2 --repeat 2} \
    --json "$OUT/bench_gpu.json"
fi

{ echo; echo "== summary (rc 124: cut at the step's timeout)"; echo "$USABLE"; printf %s "$SUMMARY"
  echo "files under \$OUT: $(find "$OUT" -type f | wc -l) (at most 8 come back)"; } | tee -a "$OUT/device.txt"
