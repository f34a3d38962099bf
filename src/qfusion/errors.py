"""Exceptions raised by qfusion.

Every error a user can cause is a subclass of :class:`QfusionError`, with a
message that says what went wrong and what to do about it.

>>> from qfusion.errors import QasmError
>>> str(QasmError("expected ';'", line=3, column=7, filename="bell.qasm"))
"bell.qasm:3:7: expected ';'"
"""

from __future__ import annotations


class QfusionError(Exception):
    """Base class of every qfusion error.

    >>> import qfusion as qf
    >>> try:
    ...     qf.Circuit(1).x(3)
    ... except qf.QfusionError as error:  # every qfusion error is one
    ...     print(type(error).__name__)
    CircuitError
    """


class CircuitError(QfusionError, ValueError):
    """A circuit was built or used in a way that cannot work (bad qubit index, unbound parameter, ...).

    >>> import qfusion as qf
    >>> qf.Circuit(2).cx(0, 0)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: cx applied to repeated qubits [0, 0]
    """


class ParameterError(CircuitError):
    """A parameter expression cannot be evaluated (an unbound parameter, a bad binding).

    >>> from qfusion.circuit import Parameter
    >>> float(Parameter("t") + 1)
    Traceback (most recent call last):
        ...
    qfusion.errors.ParameterError: expression t + 1 has unbound parameters: t; bind them first
    """


class DataError(QfusionError, ValueError):
    """Data a model or feature map cannot use (wrong number of features, NaN, one class only).

    >>> issubclass(DataError, ValueError), issubclass(DataError, QfusionError)
    (True, True)
    """


class QasmError(QfusionError, ValueError):
    r"""OpenQASM text that cannot be read or written; carries the position of the problem.

    ``str(err)`` is ``file:line:col: message`` (the file part only when known).

    >>> import qfusion as qf
    >>> qf.qasm.loads("OPENQASM 2.0;\nqreg q[1];\nfoo q[0];")
    Traceback (most recent call last):
        ...
    qfusion.errors.QasmError: 3:1: unknown gate 'foo'
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 filename: str | None = None):
        self.message = message
        self.line = line
        self.column = column
        self.filename = filename
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.filename:
            where.append(self.filename)
        if self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        prefix = ":".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class CircuitTooLargeError(QfusionError, MemoryError):
    """A simulation would need more memory than is available; raised before anything is allocated.

    >>> import qfusion as qf
    >>> qf.simulate(qf.Circuit(60).h(0))
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitTooLargeError: 60 qubits need 16.0 EiB as complex128 for the state vector; ... is available ...
    """


class BackendError(QfusionError, RuntimeError):
    """A backend cannot be found, cannot run a circuit, or failed while running it.

    >>> import qfusion as qf
    >>> qf.run(qf.Circuit(1).measure_all(), backend="no_such_backend_xyz")
    Traceback (most recent call last):
        ...
    qfusion.errors.BackendError: unknown backend 'no_such_backend_xyz'; available: ...
    """


class DeviceError(QfusionError, ValueError):
    """A device description is inconsistent, or a circuit breaks one of the device's limits.

    >>> from qfusion.devices import get
    >>> get("no_such_device")
    Traceback (most recent call last):
        ...
    qfusion.errors.DeviceError: unknown device 'no_such_device'; built-in devices: superconducting, trapped_ion, neutral_atom, photonic (or load your own with qfusion.devices.load(path))
    """


class SynthesisError(QfusionError, ArithmeticError):
    """A unitary could not be synthesised to the requested precision (a numerical failure).

    >>> issubclass(SynthesisError, ArithmeticError)
    True
    """


class MissingDependencyError(QfusionError, ImportError):
    """An optional dependency is needed for this feature and is not installed.

    >>> from qfusion._optional import import_optional
    >>> import_optional("no_such_module_xyz", "this example")
    Traceback (most recent call last):
        ...
    qfusion.errors.MissingDependencyError: no_such_module_xyz is needed for this example but is not installed; install it with `pip install no_such_module_xyz`
    """


class NoiseError(QfusionError, ValueError):
    """A noise channel or noise model that is not physical or cannot be used (bad probability, not CPTP, ...).

    >>> from qfusion.noise import depolarizing
    >>> depolarizing(1.5, 1)
    Traceback (most recent call last):
        ...
    qfusion.errors.NoiseError: the depolarizing parameter p must be between 0 and 1.33333, got 1.5
    """


class ChemistryError(QfusionError, ValueError):
    """A molecule, basis or active space that cannot be set up (bad geometry, electron counts, ...).

    >>> issubclass(ChemistryError, ValueError)
    True
    """


class ServiceError(QfusionError, RuntimeError):
    """The job service refused a request or could not be reached; ``status`` is the HTTP status (0: none).

    >>> error = ServiceError("job 7 is not yours", status=404)
    >>> error.status, str(error)
    (404, 'job 7 is not yours')
    """

    def __init__(self, message: str, status: int = 0):
        self.status = status
        super().__init__(message)


class JobFailedError(ServiceError):
    """A job of the service ended FAILED or CANCELLED, so it has no result.

    >>> issubclass(JobFailedError, ServiceError)
    True
    """


class QfusionWarning(UserWarning):
    """Something qfusion did on your behalf or could not honour (measuring an unmeasured circuit,
    noise that has no effect); the message says how to make it explicit.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("measuring every qubit", QfusionWarning)
    >>> caught[0].category.__name__
    'QfusionWarning'
    """


class NonCliffordError(BackendError, CircuitError):
    """A Clifford-only path (the ``stabilizer`` backend, stim) met a gate or condition it cannot run;
    the message names the first such instruction.

    >>> import qfusion as qf
    >>> qf.run(qf.Circuit(1).t(0).measure_all(), backend="stabilizer", shots=10)
    Traceback (most recent call last):
        ...
    qfusion.errors.NonCliffordError: instruction 0 (t on qubits [0]) is not a Clifford gate; the stabilizer backend and stim run Clifford circuits only (use backend='statevector' or 'mps')
    """
class MitigationError(QfusionError, ValueError):
    """An error-mitigation technique cannot be set up or applied (bad scale factors, no noise model, ...).

    >>> from qfusion.mitigation import ZNE
    >>> ZNE(scale_factors=[1], extrapolation="linear").check(None)
    Traceback (most recent call last):
        ...
    qfusion.errors.MitigationError: linear extrapolation needs at least 2 distinct scale factors, got [1]
    """
