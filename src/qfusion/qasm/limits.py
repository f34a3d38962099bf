"""Limits that keep hostile or accidental OpenQASM input from costing unbounded memory or time.

Every limit is checked *before* the work it guards is done: a loop of a billion
iterations is refused before the first one runs, a register of a million qubits
before it is declared, a nested expression before the parser recurses into it.

>>> from qfusion.qasm.limits import DEFAULT_LIMITS, Limits
>>> DEFAULT_LIMITS.max_operations
10000000
>>> Limits(max_qubits=64).max_qubits
64
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass

from qfusion.errors import QasmError

_MAX_NESTING_LIMIT = 1000


@dataclass(frozen=True)
class Limits:
    """Bounds on what one :func:`qfusion.qasm.loads` call may read and build.

    ``max_operations`` counts every instruction of the unrolled circuit (a gate defined
    in OpenQASM counts as many instructions as its expanded body), every loop iteration
    and every statement run inside a gate definition.

    >>> from qfusion.qasm import loads
    >>> loads("OPENQASM 3.0; qubit[5] q;", limits=Limits(max_qubits=4))
    Traceback (most recent call last):
        ...
    qfusion.errors.QasmError: 1:24: declaring q[5] makes 5 qubits, more than the limit of 4 (Limits.max_qubits)
    """

    max_source_bytes: int = 50 * 2**20
    max_include_depth: int = 8
    max_gate_depth: int = 64
    max_nesting: int = 64
    max_expression_depth: int = 200
    max_expression_size: int = 100_000
    max_operations: int = 10_000_000
    max_qubits: int = 10_000
    max_clbits: int = 1_000_000
    max_while_iterations: int = 100_000

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, got {value!r}")
        for name in ("max_gate_depth", "max_nesting", "max_expression_depth", "max_include_depth"):
            if getattr(self, name) > _MAX_NESTING_LIMIT:
                raise ValueError(f"Limits.{name} is at most {_MAX_NESTING_LIMIT} "
                                 f"(deeper nesting would overflow the interpreter's stack)")


DEFAULT_LIMITS = Limits()


class Budget:
    """Counts operations against ``Limits.max_operations`` and refuses the one that overflows it.

    >>> from qfusion.qasm.lexer import tokenize
    >>> budget = Budget(10)
    >>> budget.charge(7, None)
    >>> budget.remaining()
    3
    >>> budget.charge(4, tokenize("x q;")[0], "the loop")
    Traceback (most recent call last):
        ...
    qfusion.errors.QasmError: 1:1: the loop unrolls to more than 10 operations (raise Limits.max_operations to allow it)
    """

    __slots__ = ("used", "limit")

    def __init__(self, limit: int):
        self.used = 0
        self.limit = limit

    def charge(self, count: int, token, what: str = "the program") -> None:
        """Add ``count`` operations; a :class:`QasmError` at ``token`` once the limit is passed.

        >>> budget = Budget(2)
        >>> budget.charge(2, None), budget.used
        (None, 2)
        >>> budget.charge(1, None)
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: the program unrolls to more than 2 operations (raise Limits.max_operations to allow it)
        """
        self.used += count
        if self.used > self.limit:
            raise QasmError(f"{what} unrolls to more than {self.limit:,} operations "
                            f"(raise Limits.max_operations to allow it)", *position(token))

    def remaining(self) -> int:
        """Operations still allowed.

        >>> budget = Budget(100)
        >>> budget.charge(30, None)
        >>> budget.remaining()
        70
        """
        return self.limit - self.used


def position(token) -> tuple:
    """``(line, column, filename)`` of a token, for :class:`QasmError`.

    >>> from qfusion.qasm.lexer import tokenize
    >>> position(tokenize("\\n  x", "f.qasm")[0]), position(None)
    ((2, 3, 'f.qasm'), (None, None, None))
    """
    if token is None:
        return (None, None, None)
    return (token.line, token.column, token.filename)


# Python frames one level of each kind of nesting can take, with room to spare.
_FRAMES_PER_LEVEL = 8
_FRAMES_PER_EXPRESSION_LEVEL = 4
_SPARE_FRAMES = 300


@contextlib.contextmanager
def recursion_headroom(limits: Limits):
    """Make sure the deepest nesting ``limits`` allow fits under Python's recursion limit.

    The nesting limits are what keep recursion bounded; this only makes room for them when
    the caller is itself deep in the stack. The old limit is restored afterwards.

    >>> import sys
    >>> before = sys.getrecursionlimit()
    >>> with recursion_headroom(DEFAULT_LIMITS):
    ...     sys.getrecursionlimit() >= before
    True
    >>> sys.getrecursionlimit() == before
    True
    """
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    needed = (depth + _SPARE_FRAMES
              + (limits.max_gate_depth + limits.max_nesting) * _FRAMES_PER_LEVEL
              + limits.max_expression_depth * _FRAMES_PER_EXPRESSION_LEVEL)
    old = sys.getrecursionlimit()
    if needed <= old:
        yield
        return
    sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        if sys.getrecursionlimit() == needed:
            sys.setrecursionlimit(old)
