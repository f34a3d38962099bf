#!/usr/bin/env bash
# One call on the GPU machine, after `python3 bench/gpu_wheels.py install`: qfusion and the carried peers at
# n = 26, 28 in both precisions, each peer first checked against qfusion's CPU state; results under $OUT:
# bench_gpu_peers.txt and bench_gpu_peers.json.
#   run: bash bench/gpu_peers.sh            (at most PEERS_TIMEOUT=400 s; PEERS_ARGS="--qubits 28" for less)
# The peers come from BENCH_PEER_PATH (default: where gpu_wheels.py installs them), which only the peers'
# worker processes put on their path; qfusion runs from src/ with the machine's packages, as in gpu_check.sh.
set -u -o pipefail
OUT=${OUT:-$PWD/gpu_out}
mkdir -p "$OUT"
export PYTHONPATH=$PWD/src${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 MPLBACKEND=Agg
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/tmp/qfusion-numba} NUMBA_CUDA_LOW_OCCUPANCY_WARNINGS=0
export BENCH_PEER_PATH=${BENCH_PEER_PATH:-/tmp/site:/tmp/site12}
if [ -z "${CUDA_HOME:-}${CUDA_PATH:-}" ]; then  # as gpu_check.sh: numba-cuda finds the toolkit's libNVVM so
  for home in "$(dirname "$(dirname "$(command -v nvcc || echo /none/bin/nvcc)")")" /usr/local/cuda; do
    if [ -d "$home/nvvm" ]; then export CUDA_HOME=$home; break; fi
  done
fi
timeout -k 5 "${PEERS_TIMEOUT:-400}" "${PYTHON:-python3}" bench/bench_gpu.py --sections circuits --qubits 26,28 \
  --check-max 26 --peer-timeout 90 ${PEERS_ARGS:-} --json "$OUT/bench_gpu_peers.json" 2>&1 | tee "$OUT/bench_gpu_peers.txt"
echo "peers bench rc=$?" | tee -a "$OUT/bench_gpu_peers.txt"
