"""What is particular to OpenQASM 3: keywords, unsupported constructs, and ``stdgates.inc``.

Gate names of ``stdgates.inc`` map onto qfusion's standard gates with the matrices
Qiskit gives them (``u1`` is ``p``, ``u2(φ, λ)`` is ``u(π/2, φ, λ)``, ``u3`` is ``u``,
``CX`` is ``cx``, ``phase``/``cphase`` are ``p``/``cp``).

>>> LIBRARY["cphase"][2](0.25)
Gate('cp', 0.25)
>>> "complex" in UNSUPPORTED
True
"""

from __future__ import annotations

import math

from qfusion.circuit.gates import StandardGate

CLASSICAL_TYPES = frozenset({"bit", "int", "uint", "float", "angle", "bool"})
TIME_TYPES = frozenset({"duration", "stretch"})
MODIFIERS = frozenset({"ctrl", "negctrl", "inv", "pow"})
RESERVED_NAMES = frozenset({"pi", "π", "tau", "τ", "euler", "ℇ", "true", "false", "U"})

STATEMENTS = {
    "include": "_include", "qreg": "_qreg", "creg": "_creg", "qubit": "_qubit", "gate": "_gate",
    "opaque": "_opaque", "measure": "_measure", "reset": "_reset", "barrier": "_barrier", "if": "_if",
    "for": "_for", "gphase": "_gphase", "bit": "_bit", "int": "_int", "uint": "_uint", "float": "_float",
    "angle": "_angle", "bool": "_bool", "const": "_const", "input": "_input", "output": "_output",
    "extern": "_extern", "def": "_def", "return": "_return", "let": "_let", "while": "_while",
    "switch": "_switch", "delay": "_delay", "box": "_box", "duration": "_duration", "stretch": "_stretch",
    "defcalgrammar": "_defcalgrammar", "defcal": "_defcal", "cal": "_cal", "array": "_array",
}
_NOT_SUPPORTED = {
    "break": "'break' is not supported in loops",
    "continue": "'continue' is not supported in loops",
    "end": "'end' is not supported",
    "case": "'case' outside a 'switch'",
    "default": "'default' outside a 'switch'",
    "durationof": "'durationof' is an expression (a duration), not a statement",
    "complex": "'complex' variables are not supported",
    "void": "'void' is not supported (subroutines are not supported)",
    "else": "'else' without a matching 'if'",
    "in": "unexpected 'in' outside a 'for' loop",
}
UNSUPPORTED = _NOT_SUPPORTED
KEYWORDS = (frozenset(STATEMENTS) | frozenset(_NOT_SUPPORTED) | {"extern", "def", "return", "let", "while", "switch"}
            | {"OPENQASM", "true", "false", "readonly", "mutable"} | MODIFIERS)
NOT_IN_GATE = frozenset({"measure", "reset", "qreg", "creg", "qubit", "gate", "include", "opaque", "bit", "def",
                         "return", "let", "duration", "stretch", "box", "array",
                         "int", "uint", "float", "angle", "bool", "const", "input", "output"})
TOP_LEVEL_ONLY = frozenset({"include", "gate", "qreg", "creg", "qubit", "opaque", "input", "output", "extern",
                            "def", "defcal", "defcalgrammar", "cal"})


def _standard(name: str):
    return lambda *params: StandardGate(name, params)


# name -> (number of parameters, number of qubits, builder from parameter values)
LIBRARY = {
    "CX": (0, 2, _standard("cx")),
    "phase": (1, 1, _standard("p")),
    "cphase": (1, 2, _standard("cp")),
    "u1": (1, 1, _standard("p")),
    "u2": (2, 1, lambda phi, lam: StandardGate("u", (math.pi / 2, phi, lam))),
    "u3": (3, 1, _standard("u")),
    "cu": (4, 2, _standard("cu")),
}
for _name in ("id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "cx", "cy", "cz", "ch", "swap",
              "ccx", "cswap"):
    LIBRARY[_name] = (0, StandardGate(_name).num_qubits, _standard(_name))
for _name, _qubits in (("p", 1), ("rx", 1), ("ry", 1), ("rz", 1), ("cp", 2), ("crx", 2), ("cry", 2),
                       ("crz", 2)):
    LIBRARY[_name] = (1, _qubits, _standard(_name))

# how the exporter names each standard gate in OpenQASM 3 (``u`` is the built-in ``U``)
EXPORT_NAMES = {name: name for name in (
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "p", "cx", "cy", "cz", "ch",
    "cp", "crx", "cry", "crz", "cu", "swap", "ccx", "cswap")}
EXPORT_NAMES["u"] = "U"
