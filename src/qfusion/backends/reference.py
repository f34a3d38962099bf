"""A small, obviously-correct NumPy simulator; every fast backend is checked against it.

>>> from qfusion.circuit import Circuit
>>> import numpy as np
>>> np.round(ReferenceBackend().simulate(Circuit(2).h(0).cx(0, 1)), 3)
array([0.707+0.j, 0.   +0.j, 0.   +0.j, 0.707+0.j])
"""

from __future__ import annotations

import cmath
import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.circuit.circuit import Circuit
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset
from qfusion.circuit.unitary import apply_matrix
from qfusion.errors import BackendError, CircuitError

MAX_QUBITS = 20


class ReferenceBackend(Backend):
    """Applies every gate as a dense matrix, measures shot by shot: slow and obviously right.

    >>> ReferenceBackend().capabilities.max_qubits
    20
    """
    name = "reference"
    capabilities = Capabilities(exact=True, max_qubits=MAX_QUBITS)

    def simulate(self, circuit: Circuit, *, params=None, seed=None, **options) -> np.ndarray:
        """The final state vector (mid-circuit measurements collapse, seeded).

        >>> ReferenceBackend().simulate(Circuit(1).x(0)).tolist()
        [0j, (1+0j)]
        """
        _refuse(options)
        state, _ = _evolve(circuit.bind(params) if params is not None else circuit,
                           np.random.default_rng(seed))
        return state

    def run(self, circuit: Circuit, *, shots=1024, seed=None, params=None, memory=False, **options) -> Result:
        """Each shot evolved on its own.

        >>> ReferenceBackend().run(Circuit(1).x(0).measure_all(), shots=3, seed=1).counts
        {'1': 3}
        """
        _refuse(options)
        start = time.perf_counter()
        circuit = circuit.bind(params) if params is not None else circuit
        rng = np.random.default_rng(seed)
        keys = []
        for _ in range(int(shots)):
            _, bits = _evolve(circuit, rng)
            keys.append("".join(str(b) for b in reversed(bits)))
        counts: dict[str, int] = {}
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        return Result(dict(sorted(counts.items())), int(shots), self.name, keys if memory else None, seed,
                      time.perf_counter() - start)


def _refuse(options: dict) -> None:
    """The reference simulates ideal circuits only: an option (a noise model...) would be ignored."""
    if options:
        noise = " (for noise use backend='density_matrix' or 'statevector')" if "noise_model" in options else ""
        raise BackendError(f"backend 'reference' simulates ideal circuits and takes no options; got "
                           f"{', '.join(sorted(options))}{noise}")


def _evolve(circuit: Circuit, rng) -> tuple[np.ndarray, list[int]]:
    """Apply every instruction in turn; measurements collapse with ``rng``."""
    n = circuit.num_qubits
    if n > MAX_QUBITS:
        raise CircuitError(f"the reference backend is for at most {MAX_QUBITS} qubits")
    state = np.zeros(1 << n, dtype=complex)
    state[0] = 1
    bits = [0] * circuit.num_clbits
    index = np.arange(1 << n)
    for inst in circuit.instructions:
        if inst.condition is not None:
            value = sum(bits[b] << j for j, b in enumerate(inst.condition.clbits))
            if value != inst.condition.value:
                continue
        op = inst.operation
        if isinstance(op, Gate):
            state = apply_matrix(state, op.matrix(), inst.qubits, n)
        elif isinstance(op, (Measure, Reset)):
            q = inst.qubits[0]
            one = ((index >> q) & 1) == 1
            p_one = float(np.sum(np.abs(state[one]) ** 2))
            outcome = int(rng.random() < p_one)
            keep = one if outcome else ~one
            state = np.where(keep, state, 0) / np.sqrt(p_one if outcome else 1 - p_one)
            if isinstance(op, Measure):
                bits[inst.clbits[0]] = outcome
            elif outcome:
                state = state[index ^ (1 << q)]
        elif not isinstance(op, Barrier):
            raise CircuitError(f"the reference backend cannot run {op.name!r}")
    return state * cmath.exp(1j * float(circuit.global_phase)), bits
