"""Pieces both converters share: controlled gates in their standard form, and conditions.

>>> make_controlled(StandardGate("x"), 2)
Gate('ccx')
>>> and_conditions(Condition((0,), 1), Condition((2,), 0))
Condition(clbits=(0, 2), value=1)
"""

from __future__ import annotations

from qfusion.circuit.circuit import Condition
from qfusion.circuit.gates import Gate, StandardGate
from qfusion.circuit.modifiers import ControlledGate
from qfusion.errors import CircuitError

# gates whose controlled version with one control is itself a standard gate ("c" + name)
_CONTROLLED_STANDARD = {"x", "y", "z", "h", "p", "rx", "ry", "rz", "swap"}


def make_controlled(base: Gate, num_ctrl: int, ctrl_state: int | None = None) -> Gate:
    """``base`` controlled on ``num_ctrl`` qubits, as a standard gate when one is exactly that."""
    full = (1 << num_ctrl) - 1
    ctrl_state = full if ctrl_state is None else int(ctrl_state)
    if ctrl_state == full and isinstance(base, StandardGate):
        if base.name == "x":
            return StandardGate({1: "cx", 2: "ccx"}.get(num_ctrl, "mcx"), (), num_ctrl + 1)
        if num_ctrl == 1 and base.name in _CONTROLLED_STANDARD:
            return StandardGate("c" + base.name, base.params)
        if num_ctrl == 1 and base.name == "u":
            return StandardGate("cu", base.params + (0.0,))
    return ControlledGate(base, num_ctrl, ctrl_state)


def bits_condition(bits: dict[int, int]) -> Condition:
    """The condition that each classical bit ``b`` of ``bits`` holds ``bits[b]``."""
    return Condition(tuple(bits), sum(v << i for i, v in enumerate(bits.values())))


def require(bits: dict[int, int], bit: int, value: int, source) -> None:
    """Add ``bit == value`` to ``bits``; a contradiction is an error (the block could never run)."""
    if bits.setdefault(bit, value) != value:
        raise CircuitError(f"the condition {source} can never hold; qfusion cannot express it")


def and_conditions(outer: Condition | None, inner: Condition) -> Condition:
    """Both conditions at once (for a conditioned block nested in another)."""
    if outer is None:
        return inner
    bits = {b: outer.value >> i & 1 for i, b in enumerate(outer.clbits)}
    for i, b in enumerate(inner.clbits):
        require(bits, b, inner.value >> i & 1, f"{outer} and {inner}")
    return bits_condition(bits)
