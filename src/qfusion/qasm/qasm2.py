"""What is particular to OpenQASM 2.0: its few keywords and the gates of ``qelib1.inc``.

The ``qelib1.inc`` shipped here is the extended one Qiskit reads and writes. Each of its
gates maps onto a qfusion gate with exactly the same matrix, except ``rccx`` and
``rc3x`` (relative-phase Toffolis), which are expanded from their definitions in the file.

>>> LIBRARY["u1"][2](0.5)
Gate('p', 0.5)
>>> LIBRARY["cu3"][2](0.1, 0.2, 0.3)
Gate('cu', 0.1, 0.2, 0.3, 0)
>>> sorted(INLINE)
['rc3x', 'rccx']
"""

from __future__ import annotations

import math

from qfusion.circuit.gates import StandardGate

KEYWORDS = frozenset({"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset",
                      "barrier", "if", "pi"})
STATEMENTS = {"include": "_include", "qreg": "_qreg", "creg": "_creg", "gate": "_gate", "opaque": "_opaque",
              "measure": "_measure", "reset": "_reset", "barrier": "_barrier", "if": "_if"}
UNSUPPORTED: dict[str, str] = {}
NOT_IN_GATE = frozenset({"measure", "reset", "if", "qreg", "creg", "gate", "include", "opaque"})
TOP_LEVEL_ONLY = frozenset({"include", "gate", "qreg", "creg", "opaque"})


def _standard(name: str):
    return lambda *params: StandardGate(name, params)


# name -> (number of parameters, number of qubits, builder from parameter values)
LIBRARY = {
    "u3": (3, 1, _standard("u")),
    "u2": (2, 1, lambda phi, lam: StandardGate("u", (math.pi / 2, phi, lam))),
    "u1": (1, 1, _standard("p")),
    "u0": (1, 1, lambda gamma: StandardGate("id")),
    "cu1": (1, 2, _standard("cp")),
    "cu3": (3, 2, lambda theta, phi, lam: StandardGate("cu", (theta, phi, lam, 0))),
    "csx": (0, 2, lambda: StandardGate("sx").control(1)),
    "c3x": (0, 4, lambda: StandardGate("mcx", (), 4)),
    "c3sqrtx": (0, 4, lambda: StandardGate("sx").control(3)),
    "c4x": (0, 5, lambda: StandardGate("mcx", (), 5)),
}
for _name in ("id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "cx", "cy", "cz", "ch",
              "swap", "ccx", "cswap"):
    LIBRARY[_name] = (0, StandardGate(_name).num_qubits, _standard(_name))
for _name, _qubits in (("rx", 1), ("ry", 1), ("rz", 1), ("p", 1), ("cp", 2), ("crx", 2), ("cry", 2),
                       ("crz", 2), ("rxx", 2), ("rzz", 2)):
    LIBRARY[_name] = (1, _qubits, _standard(_name))
LIBRARY["u"] = (3, 1, _standard("u"))
LIBRARY["cu"] = (4, 2, _standard("cu"))

# the gates of the specification's qelib1.inc (arXiv:1707.03429); the others here are Qiskit's
# extensions, and a program's own definition of one of those names shadows it (as in Qiskit)
SPECIFICATION = frozenset({"u3", "u2", "u1", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry",
                           "rz", "cz", "cy", "ch", "ccx", "crz", "cu1", "cu3"})

# gates of qelib1.inc with no exact qfusion counterpart: expanded from the file's definitions
INLINE = frozenset({"rccx", "rc3x"})

# how the exporter names each standard gate in OpenQASM 2 (mcx by its number of controls)
EXPORT_NAMES = {name: name for name in LIBRARY if name in (
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "p", "u", "cx", "cy",
    "cz", "ch", "cp", "crx", "cry", "crz", "cu", "swap", "rxx", "rzz", "ccx", "cswap")}
