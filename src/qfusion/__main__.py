"""``python -m qfusion``: the ``qfusion`` command (as ``mpiexec -n 4 python -m qfusion run c.qasm --backend mpi``)."""

import sys

from qfusion.cli import main

if __name__ == "__main__":
    sys.exit(main())
