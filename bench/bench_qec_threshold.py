"""Published thresholds, reproduced with qf.qec.threshold (sinter collection, pymatching):

* rotated surface code, bit-flip code capacity, MWPM: 10.3 % (Dennis et al., J. Math. Phys. 43, 4452 (2002);
  Wang, Harrington, Preskill, Ann. Phys. 303, 31 (2003));
* rotated surface code, SD6 circuit noise, MWPM: about 0.7 % (Gidney et al., Quantum 5, 605 (2021): "between
  0.5 and 1 %").

    python bench/bench_qec_threshold.py [--workers 2] [--shots 50000]
"""

from __future__ import annotations

import argparse
import time

import qfusion as qf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shots", type=int, default=50_000)
    parser.add_argument("--max-errors", type=int, default=1000)
    args = parser.parse_args()
    common = dict(shots=args.shots, max_errors=args.max_errors, workers=args.workers, progress=False)
    start = time.perf_counter()
    capacity = qf.qec.threshold("surface", [5, 7, 9], [0.08, 0.09, 0.10, 0.11, 0.12, 0.13], noise="bit_flip",
                                rounds=1, **common)
    print("rotated surface code, bit-flip code capacity (published 10.3 %):")
    print(capacity)
    sd6 = qf.qec.threshold("surface", [5, 7, 9], [0.005, 0.006, 0.007, 0.008, 0.009, 0.010, 0.011], noise="sd6",
                           **common)
    print("\nrotated surface code, SD6, rounds = d (published ~0.7 %, between 0.5 and 1 %):")
    print(sd6)
    print(f"\n{time.perf_counter() - start:.0f} s with {args.workers} workers")


if __name__ == "__main__":
    main()
