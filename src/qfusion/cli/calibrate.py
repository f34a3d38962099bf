"""``qfusion calibrate``: measure the planner's cost-model constants here and store them in the user's
config directory (``$QFUSION_CONFIG_DIR``, else ``~/.config/qfusion/cost_model.json``).

>>> import os, tempfile, types
>>> os.environ["QFUSION_CONFIG_DIR"] = tempfile.mkdtemp()
>>> out = calibrate(types.SimpleNamespace(repeats=1, quick=True, dry_run=False, json=True))
>>> out["saved"].endswith("cost_model.json") and out["constants"]["statevector_rate"] > 0
True
>>> del os.environ["QFUSION_CONFIG_DIR"]
"""

from __future__ import annotations

import sys
from dataclasses import asdict

_QUICK = {"statevector": 14, "density_matrix": 7, "mps": 16, "stabilizer": 100}


def add_parser(sub, common) -> None:
    """Add ``qfusion calibrate`` to the subcommands ``sub``.

    >>> from qfusion.cli.app import build_parser
    >>> args = build_parser().parse_args(["calibrate", "--quick", "--dry-run"])
    >>> args.quick, args.dry_run
    (True, True)
    """
    p = sub.add_parser("calibrate", parents=[common], help="measure the planner's cost model on this machine")
    p.add_argument("--repeats", type=int, default=3, help="best of R runs per probe (default 3)")
    p.add_argument("--quick", action="store_true", help="smaller probes (seconds instead of a minute)")
    p.add_argument("--dry-run", action="store_true", help="measure and print, but do not save")


def calibrate(args) -> dict:
    from qfusion.cli.app import UsageError
    from qfusion.hpc.calibrate import calibrate as measure
    from qfusion.hpc.cost import CostModel
    if args.repeats < 1:
        raise UsageError(f"--repeats must be at least 1, got {args.repeats}")
    from qfusion.errors import QfusionError
    say = (lambda text: None) if args.json else (lambda text: print(text, file=sys.stderr))
    try:
        old = CostModel.load()
    except QfusionError as exc:  # a broken file is what calibrating replaces
        print(f"qfusion: warning: {exc}; starting from the shipped defaults", file=sys.stderr)
        old = CostModel()
    new = measure(old, repeats=args.repeats, sizes=_QUICK if args.quick else None, progress=say)
    saved = None if args.dry_run else str(new.save())
    if not args.json:
        for key, value in asdict(new).items():
            if key != "source":
                print(f"{key:<24} {value:<12.4g} (was {getattr(old, key):.4g})")
        print(f"saved to {saved}" if saved else "not saved (--dry-run)")
    return {"constants": {k: v for k, v in asdict(new).items() if k != "source"}, "saved": saved}
