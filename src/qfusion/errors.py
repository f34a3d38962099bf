"""Exceptions raised by qfusion.

Every error a user can cause is a subclass of :class:`QfusionError`, with a
message that says what went wrong and what to do about it.

>>> from qfusion.errors import QasmError
>>> str(QasmError("expected ';'", line=3, column=7, filename="bell.qasm"))
"bell.qasm:3:7: expected ';'"
"""

from __future__ import annotations


class QfusionError(Exception):
    """Base class of every qfusion error."""


class CircuitError(QfusionError, ValueError):
    """A circuit was built or used in a way that cannot work (bad qubit index, unbound parameter, ...)."""


class ParameterError(CircuitError):
    """A parameter expression cannot be evaluated (an unbound parameter, a bad binding)."""


class DataError(QfusionError, ValueError):
    """Data a model or feature map cannot use (wrong number of features, NaN, one class only)."""


class QasmError(QfusionError, ValueError):
    """OpenQASM text that cannot be read or written; carries the position of the problem.

    ``str(err)`` is ``file:line:col: message`` (the file part only when known).
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
    """A simulation would need more memory than is available; raised before anything is allocated."""


class BackendError(QfusionError, RuntimeError):
    """A backend cannot be found, cannot run a circuit, or failed while running it."""


class DeviceError(QfusionError, ValueError):
    """A device description is inconsistent, or a circuit breaks one of the device's limits."""


class SynthesisError(QfusionError, ArithmeticError):
    """A unitary could not be synthesised to the requested precision (a numerical failure)."""


class MissingDependencyError(QfusionError, ImportError):
    """An optional dependency is needed for this feature and is not installed."""


class NoiseError(QfusionError, ValueError):
    """A noise channel or noise model that is not physical or cannot be used (bad probability, not CPTP, ...)."""


class ChemistryError(QfusionError, ValueError):
    """A molecule, basis or active space that cannot be set up (bad geometry, electron counts, ...)."""


class ServiceError(QfusionError, RuntimeError):
    """The job service refused a request or could not be reached; ``status`` is the HTTP status (0: none)."""

    def __init__(self, message: str, status: int = 0):
        self.status = status
        super().__init__(message)


class JobFailedError(ServiceError):
    """A job of the service ended FAILED or CANCELLED, so it has no result."""


class QfusionWarning(UserWarning):
    """Something qfusion did on your behalf or could not honour (measuring an unmeasured circuit,
    noise that has no effect); the message says how to make it explicit."""


class NonCliffordError(BackendError, CircuitError):
    """A Clifford-only path (the ``stabilizer`` backend, stim) met a gate or condition it cannot run;
    the message names the first such instruction."""
class MitigationError(QfusionError, ValueError):
    """An error-mitigation technique cannot be set up or applied (bad scale factors, no noise model, ...)."""
