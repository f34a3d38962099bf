"""OpenQASM 2.0 and 3 for qfusion: read programs into circuits, write circuits as programs.

>>> from qfusion.qasm import dumps, loads
>>> c = loads('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0], q[1]; measure q -> c;')
>>> c.count_ops()
{'h': 1, 'cx': 1, 'measure': 2}
>>> loads(dumps(c)) == c
True

Errors are :class:`~qfusion.errors.QasmError` with the line and column of the problem;
:class:`Limits` bounds what one call may read and build.
"""

from __future__ import annotations

import contextlib
import gc
import os
import warnings

from qfusion.circuit.circuit import Circuit
from qfusion.errors import QasmError
from qfusion.qasm.exporter import export
from qfusion.qasm.interpreter import Interpreter
from qfusion.qasm.limits import DEFAULT_LIMITS, Limits, recursion_headroom
from qfusion.qasm.parser import Parser

__all__ = ["loads", "load", "dumps", "dump", "Limits", "DEFAULT_LIMITS"]


def loads(text: str, filename: str | None = None, *, limits: Limits | None = None,
          inline_gates: bool = False, externs: dict | None = None) -> Circuit:
    """Read an OpenQASM 2.0 or 3 program into a :class:`~qfusion.circuit.Circuit`.

    The version comes from the ``OPENQASM`` line; without one the program is read as
    OpenQASM 3. ``filename`` appears in error messages and locates included files.
    Gates the program defines become :class:`~qfusion.circuit.CircuitGate` s (or, with
    ``inline_gates=True``, are expanded into their bodies). ``externs`` maps the names of the
    program's ``extern`` functions to Python functions, called while the circuit is built.

    >>> c = loads('OPENQASM 3; include "stdgates.inc"; input float theta; qubit[1] q; rx(theta / 2) q[0];')
    >>> c.parameters
    (Parameter('theta'),)
    >>> prog = 'OPENQASM 3; include "stdgates.inc"; extern half(float) -> float; qubit q; rx(half(1.5)) q;'
    >>> loads(prog, externs={"half": lambda x: x / 2}).instructions[0].operation
    Gate('rx', 0.75)
    >>> loads("OPENQASM 3; qubit q; h q;")
    Traceback (most recent call last):
    ...
    qfusion.errors.QasmError: 1:22: unknown gate 'h' (missing include "stdgates.inc";?)
    """
    if not isinstance(text, str):
        raise TypeError(f"loads() takes the program as a str, got {type(text).__name__}")
    limits = limits or DEFAULT_LIMITS
    with recursion_headroom(limits), _no_collection():
        parser = Parser(text, filename, limits, calls=True)
        for name, function in (externs or {}).items():
            if not callable(function):
                raise TypeError(f"externs[{name!r}] must be a Python function, got {type(function).__name__}")
        interpreter = Interpreter(parser.version, limits, inline_gates, externs)
        circuit = interpreter.run(parser.statements())
    unused = sorted(set(externs or ()) - set(interpreter.evaluator.externs))
    if unused:
        warnings.warn(f"externs given for functions the program does not declare: {', '.join(unused)}",
                      stacklevel=2)
    return circuit


@contextlib.contextmanager
def _no_collection():
    """Pause the cyclic garbage collector while a circuit is built: it would walk the growing list
    of instructions again and again (most of the time of reading a large file), and reading makes
    no garbage cycles worth collecting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(path, *, limits: Limits | None = None, inline_gates: bool = False, externs: dict | None = None) -> Circuit:
    """Read an OpenQASM file (see :func:`loads`); includes are found relative to it.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "bell.qasm")
    >>> with open(path, "w") as f:
    ...     _ = f.write('OPENQASM 3; include "stdgates.inc"; qubit[2] q; h q[0]; cx q[0], q[1];')
    >>> load(path).count_ops()
    {'h': 1, 'cx': 1}
    """
    limits = limits or DEFAULT_LIMITS
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > limits.max_source_bytes:
            raise QasmError(f"file of {size:,} bytes exceeds the limit of {limits.max_source_bytes:,} "
                            f"(Limits.max_source_bytes)", filename=path)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise QasmError(f"cannot read the file: {exc.strerror or exc}", filename=path) from None
    except UnicodeDecodeError as exc:
        raise QasmError(f"the file is not UTF-8 text: {exc.reason}", filename=path) from None
    return loads(text, path, limits=limits, inline_gates=inline_gates, externs=externs)


def dumps(circuit: Circuit, version: int = 3) -> str:
    """Write a circuit as an OpenQASM program (``version`` 3 or 2).

    Gates outside the standard libraries are written with a ``gate`` definition, which
    :func:`loads` maps back, so ``loads(dumps(c)) == c``. Free parameters become
    ``input float[64]`` declarations (OpenQASM 3 only).

    >>> from qfusion.circuit import Circuit
    >>> print(dumps(Circuit(2).h(0).iswap(0, 1), version=3))
    OPENQASM 3.0;
    include "stdgates.inc";
    gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }
    qubit[2] q;
    h q[0];
    iswap q[0], q[1];
    <BLANKLINE>
    """
    if version not in (2, 3):
        raise QasmError(f"OpenQASM version {version!r} cannot be written; choose 2 or 3")
    return export(circuit, version)


def dump(circuit: Circuit, path, version: int = 3) -> None:
    """Write a circuit to an OpenQASM file (see :func:`dumps`).

    >>> import os, tempfile
    >>> from qfusion.circuit import Circuit
    >>> path = os.path.join(tempfile.mkdtemp(), "x.qasm")
    >>> dump(Circuit(1).x(0), path, version=2)
    >>> load(path).count_ops()
    {'x': 1}
    """
    text = dumps(circuit, version)
    with open(os.fspath(path), "w", encoding="utf-8") as handle:
        handle.write(text)
