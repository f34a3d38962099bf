"""The ``qfusion`` command: ``run``, ``simulate``, ``draw``, ``bench``, ``backends``.

Every subcommand takes ``--json`` (machine-readable output on stdout). Errors print one
line, ``qfusion: error: <message>``, and exit 2 for bad usage or input, 1 for failures at run
time; ``--traceback`` or ``QFUSION_DEBUG=1`` shows the Python traceback instead.

    qfusion run examples/bell.qasm --shots 1000 --seed 7
    qfusion simulate examples/qft5.qasm --probabilities --json
    qfusion draw examples/teleport.qasm --output mpl --filename teleport.png
    qfusion bench --qubits 20,22 --families qft,ghz
    python -m qfusion.cli backends

>>> main(["backends", "--json"])  # doctest: +ELLIPSIS
{"backends": ["statevector", ...}
0
"""

from qfusion.cli.app import main

__all__ = ["main"]
