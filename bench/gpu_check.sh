#!/usr/bin/env bash
# One call on the GPU machine: the GPU test suite, then the GPU benchmark; results under $OUT.
#   run: bash bench/gpu_check.sh            (OUT defaults to ./gpu_out; at most ~9.5 minutes)
#   BENCH_ARGS="--qubits 26,28 --dtype complex64" bash bench/gpu_check.sh    (a shorter benchmark)
# Uses the machine's python3 and its numba/numba-cuda/numpy; qfusion runs from src/ (no install).
set -u -o pipefail
OUT=${OUT:-$PWD/gpu_out}
mkdir -p "$OUT"
export PYTHONPATH=$PWD/src${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 MPLBACKEND=Agg
export NUMBA_CACHE_DIR=/tmp/qfusion-numba
PY=${PYTHON:-python3}
{ nvidia-smi; $PY -c "import numba, numpy; print('numba', numba.__version__, 'numpy', numpy.__version__)";
  $PY -c "from numba import cuda; cuda.detect()"; } > "$OUT/device.txt" 2>&1
# the suite: the real-GPU tests and the no-GPU checks (not the slow CUDA-simulator run)
timeout ${TEST_TIMEOUT:-200} $PY -m pytest -q -p no:cacheprovider -o addopts="" \
    tests/sim/test_gpu_device.py tests/sim/test_gpu.py -k "not cuda_simulator_suite" -rs 2>&1 | tee "$OUT/gpu_tests.txt"
echo "tests rc=$?" | tee -a "$OUT/gpu_tests.txt"
timeout ${BENCH_TIMEOUT:-360} $PY bench/bench_gpu.py ${BENCH_ARGS:-} --json "$OUT/bench_gpu.json" 2>&1 \
    | tee "$OUT/bench_gpu.txt"
echo "bench rc=$?" | tee -a "$OUT/bench_gpu.txt"
