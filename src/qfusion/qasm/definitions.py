"""Gate definitions for the qfusion gates that ``stdgates.inc`` / ``qelib1.inc`` lack.

:func:`~qfusion.qasm.dumps` writes these definitions into its output, so other tools can
read the file; :func:`~qfusion.qasm.loads` recognises them by name and body (the same tokens,
whatever the formal names) and maps them back onto the standard gate, so round trips are
exact. OpenQASM 3 definitions are exact including the global phase (they may be controlled);
OpenQASM 2 ones are exact up to a global phase, which OpenQASM 2 cannot express.

A multi-controlled X with ``k`` controls is ``mcx_k`` (in OpenQASM 2, ``c3x`` and ``c4x`` for
3 and 4 controls, and ``mcx_k`` is built from ``mcphase_k`` helpers without ancillas).

>>> print(definitions("rzz", 3)[0][1])
gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }
>>> [name for name, _ in definitions(mcx_name(5, 2), 2)]
['mcphase_2', 'mcphase_3', 'mcphase_4', 'mcphase_5', 'mcx_5']
>>> standard_gate_for("mcx_3")[2]()
Gate('mcx')
"""

from __future__ import annotations

import re

from qfusion.circuit.gates import StandardGate

_FIXED_V3 = {
    "sxdg": "gate sxdg a { s a; h a; s a; gphase(-pi/4); }",
    "iswap": "gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }",
    "ecr": "gate ecr a, b { s a; sx b; cx a, b; x a; gphase(-pi/4); }",
    "rxx": "gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h b; h a; }",
    "ryy": ("gate ryy(theta) a, b { rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b; "
            "rx(-pi/2) a; rx(-pi/2) b; }"),
    "rzz": "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }",
}
_FIXED_V2 = {
    "iswap": _FIXED_V3["iswap"],
    "ecr": "gate ecr a, b { s a; sx b; cx a, b; x a; }",
    "ryy": _FIXED_V3["ryy"],
}
_FIXED_PARAMS = {"rxx": 1, "ryy": 1, "rzz": 1}
_MCX = re.compile(r"mcx_([1-9][0-9]{0,5})")
_MCPHASE = re.compile(r"mcphase_([1-9][0-9]{0,5})")
_V2_SMALL_MCX = {1: "cx", 2: "ccx", 3: "c3x", 4: "c4x"}


def mcx_name(num_controls: int, version: int) -> str:
    """The name under which an X with ``num_controls`` controls is written.

    >>> mcx_name(3, 2), mcx_name(3, 3)
    ('c3x', 'mcx_3')
    """
    if version < 3 and num_controls in (3, 4):
        return _V2_SMALL_MCX[num_controls]
    return f"mcx_{num_controls}"


def _qubits(num_controls: int) -> list[str]:
    return [f"c{i}" for i in range(num_controls)] + ["t"]


def _mcx_v3(k: int) -> str:
    qubits = ", ".join(_qubits(k))
    return f"gate mcx_{k} {qubits} {{ ctrl({k}) @ x {qubits}; }}"


def _mcx_v2(k: int) -> str:
    qubits = ", ".join(_qubits(k))
    if k <= 2:
        return f"gate mcx_{k} {qubits} {{ {_V2_SMALL_MCX[k]} {qubits}; }}"
    return f"gate mcx_{k} {qubits} {{ h t; mcphase_{k}(pi) {qubits}; h t; }}"


def _mcphase_v2(k: int) -> str:
    # phase e^{i theta} when all controls and the target are 1, without ancillas:
    # cp(theta/2) on (last control, target), flip the last control by the others, cp(-theta/2),
    # flip back, and the same phase gate with one control fewer and half the angle.
    qubits = _qubits(k)
    last, rest = qubits[k - 1], qubits[:k - 1]
    flip = _V2_SMALL_MCX.get(k - 1, f"mcx_{k - 1}")
    smaller = "cp" if k == 2 else f"mcphase_{k - 1}"
    flip_args = ", ".join(rest + [last])
    smaller_args = ", ".join(rest + ["t"])
    return (f"gate mcphase_{k}(theta) {', '.join(qubits)} {{ cp(theta/2) {last}, t; {flip} {flip_args}; "
            f"cp(-theta/2) {last}, t; {flip} {flip_args}; {smaller}(theta/2) {smaller_args}; }}")


def definitions(name: str, version: int) -> list[tuple[str, str]]:
    """``[(name, text), ...]``: the definition of ``name`` after those it needs, or ``[]``.

    >>> definitions("iswap", 2)[0][0], definitions("rzz", 2)
    ('iswap', [])
    """
    fixed = _FIXED_V3 if version >= 3 else _FIXED_V2
    if name in fixed:
        return [(name, fixed[name])]
    match = _MCX.fullmatch(name)
    if match:
        k = int(match.group(1))
        if version >= 3:
            return [(name, _mcx_v3(k))]
        if k in (3, 4):
            return []
        if k <= 2:
            return [(name, _mcx_v2(k))]
        out = []
        for j in range(2, k + 1):
            out.append((f"mcphase_{j}", _mcphase_v2(j)))
            if j >= 5:
                out.append((f"mcx_{j}", _mcx_v2(j)))
        return out
    match = _MCPHASE.fullmatch(name)
    if match and version < 3:
        k = int(match.group(1))
        if k < 2:
            return []
        out = []
        for j in range(2, k + 1):
            out.append((f"mcphase_{j}", _mcphase_v2(j)))
            if 5 <= j < k:
                out.append((f"mcx_{j}", _mcx_v2(j)))
        return out
    return []


def canonical_text(name: str, version: int) -> str | None:
    """The text :func:`~qfusion.qasm.dumps` writes for the definition of ``name``, or None.

    >>> canonical_text("mcx_2", 3)
    'gate mcx_2 c0, c1, t { ctrl(2) @ x c0, c1, t; }'
    """
    for defined, text in reversed(definitions(name, version)):
        if defined == name:
            return text
    return None


def standard_gate_for(name: str):
    """``(num_params, num_qubits, builder)`` of the qfusion gate a canonical ``name`` stands for.

    >>> num_params, num_qubits, build = standard_gate_for("ryy")
    >>> num_params, num_qubits, build(0.5)
    (1, 2, Gate('ryy', 0.5))
    """
    if name in _FIXED_V3:
        return (_FIXED_PARAMS.get(name, 0), 1 if name == "sxdg" else 2,
                lambda *params: StandardGate(name, params))
    match = _MCX.fullmatch(name)
    if match:
        qubits = int(match.group(1)) + 1
        return (0, qubits, lambda: StandardGate("mcx", (), qubits))
    match = _MCPHASE.fullmatch(name)
    if match and int(match.group(1)) >= 2:
        controls = int(match.group(1))
        return (1, controls + 1, lambda theta: StandardGate("p", (theta,)).control(controls))
    return None
