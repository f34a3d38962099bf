#!/usr/bin/env bash
# One call on the GPU machine: the GPU test suite, then the GPU benchmarks; results under $OUT.
#   run: bash bench/gpu_check.sh            (OUT defaults to ./gpu_out; at most ~9.5 minutes)
#   BENCH_ARGS="--qubits 26,28 --dtype complex64" bash bench/gpu_check.sh    (a shorter state-vector benchmark)
#   DENSITY_ARGS="--density-qubits 12,13 --adjoint-qubits 16" bash bench/gpu_check.sh
# Uses the machine's python3 and its numba/numba-cuda/numpy; qfusion runs from src/ (no install).
# Time budget (each step is cut at its timeout, keeping what it printed; the environment variables
# change them): new GPU tests (density matrix, adjoint) 100 s, the other GPU tests 170 s, density
# matrix and adjoint benchmark 90 s, state-vector benchmark 220 s: 580 s in all.
set -u -o pipefail
OUT=${OUT:-$PWD/gpu_out}
mkdir -p "$OUT"
export PYTHONPATH=$PWD/src${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 MPLBACKEND=Agg
export NUMBA_CACHE_DIR=/tmp/qfusion-numba
PY=${PYTHON:-python3}
{ nvidia-smi; $PY -c "import numba, numpy; print('numba', numba.__version__, 'numpy', numpy.__version__)";
  $PY -c "from numba import cuda; cuda.detect()"; } > "$OUT/device.txt" 2>&1
# the suite: the real-GPU tests and the no-GPU checks (not the slow CUDA-simulator runs); the density
# matrix and adjoint tests first, in their own step, so a slow state-vector test cannot crowd them out
timeout ${NEW_TEST_TIMEOUT:-100} $PY -m pytest -q -p no:cacheprovider -o addopts="" tests/sim/test_gpu_device.py \
    -k "density or adjoint" -rs --durations=10 2>&1 | tee "$OUT/gpu_tests_density_adjoint.txt"
echo "density/adjoint tests rc=$?" | tee -a "$OUT/gpu_tests_density_adjoint.txt"
timeout ${TEST_TIMEOUT:-170} $PY -m pytest -q -p no:cacheprovider -o addopts="" \
    tests/sim/test_gpu_device.py tests/sim/test_gpu.py tests/sim/test_gpu_density.py tests/sim/test_gpu_adjoint.py \
    -k "not (test_gpu_device and (density or adjoint))" -m "not slow" -rs --durations=15 2>&1 | tee "$OUT/gpu_tests.txt"
echo "tests rc=$?" | tee -a "$OUT/gpu_tests.txt"
# the density matrix (12-14 qubits, noise after every gate, against the CPU) and adjoint gradients
timeout ${DENSITY_TIMEOUT:-90} $PY bench/bench_gpu.py --sections density,adjoint ${DENSITY_ARGS:-} \
    --json "$OUT/bench_gpu_density.json" 2>&1 | tee "$OUT/bench_gpu_density.txt"
echo "density bench rc=$?" | tee -a "$OUT/bench_gpu_density.txt"
timeout ${BENCH_TIMEOUT:-220} $PY bench/bench_gpu.py --sections circuits,batch ${BENCH_ARGS:-} \
    --json "$OUT/bench_gpu.json" 2>&1 | tee "$OUT/bench_gpu.txt"
echo "bench rc=$?" | tee -a "$OUT/bench_gpu.txt"
