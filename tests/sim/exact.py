"""Exact outcome distributions of circuits with mid-circuit measurements, for the samplers' tests.

Every branch of the circuit is followed with qiskit's density matrices (an independent reference:
no qfusion simulator is used), and counts are compared with Pearson's chi-square test.
"""

import numpy as np


def exact_outcome_probabilities(circuit, model=None):
    """Every outcome's probability, from every branch of the circuit (under ``model``, when given)
    followed exactly with qiskit's density matrices (mid-circuit measurements, conditions, resets,
    readout errors)."""
    from qiskit.quantum_info import DensityMatrix, Kraus, Operator

    from qfusion.circuit.gates import Measure, Reset
    from qfusion.noise.channel import NoiseOperation
    from qfusion.noise.model import ReadoutOperation
    noisy = model.apply(circuit) if model is not None else circuit
    projectors = [np.diag([1.0, 0.0]), np.diag([0.0, 1.0])]
    branches = [(1.0, DensityMatrix.from_label("0" * circuit.num_qubits), (0,) * circuit.num_clbits)]
    for inst in noisy.instructions:
        op, qubits, after = inst.operation, list(inst.qubits), []
        for p, rho, bits in branches:
            condition = inst.condition
            if condition and sum(bits[b] << j for j, b in enumerate(condition.clbits)) != condition.value:
                after.append((p, rho, bits))
            elif isinstance(op, (Measure, Reset)):
                for outcome in (0, 1):
                    part = rho.evolve(Operator(projectors[outcome]), qubits)
                    weight = float(part.trace().real)
                    if weight > 1e-14:
                        part = part / weight
                        if isinstance(op, Reset):
                            part = part.evolve(Operator(np.eye(2)[[1, 0]] if outcome else np.eye(2)), qubits)
                            after.append((p * weight, part, bits))
                        else:
                            recorded = bits[:inst.clbits[0]] + (outcome,) + bits[inst.clbits[0] + 1:]
                            after.append((p * weight, part, recorded))
            elif isinstance(op, ReadoutOperation):
                c = inst.clbits[0]
                for recorded in (0, 1):
                    after.append((p * op.error.probabilities[bits[c], recorded], rho,
                                  bits[:c] + (recorded,) + bits[c + 1:]))
            elif isinstance(op, NoiseOperation):
                after.append((p, rho.evolve(Kraus(list(op.channel.kraus)), qubits), bits))
            else:
                after.append((p, rho.evolve(Operator(op.matrix()), qubits), bits))
        branches = after
    probabilities: dict[str, float] = {}
    for p, _, bits in branches:
        key = "".join(str(b) for b in reversed(bits))
        probabilities[key] = probabilities.get(key, 0.0) + p
    return probabilities


def chi_square(counts, probabilities, shots):
    """Pearson's statistic and its upper 1e-4 quantile (Wilson-Hilferty), outcomes expected fewer
    than 5 times pooled into one cell."""
    big = [k for k, p in probabilities.items() if p * shots >= 5]
    cells = [(counts.get(k, 0), probabilities[k]) for k in big]
    rest = (shots - sum(c for c, _ in cells), 1.0 - sum(p for _, p in cells))
    if rest[1] * shots >= 1:
        cells.append(rest)
    statistic = sum((c - shots * p) ** 2 / (shots * p) for c, p in cells)
    dof = len(cells) - 1
    if dof == 0:  # one outcome: any count but all shots is wrong
        return statistic, 0.0
    return statistic, dof * (1 - 2 / (9 * dof) + 3.719 * np.sqrt(2 / (9 * dof))) ** 3


def chi_square_ok(counts, probabilities, shots) -> bool:
    """Whether ``counts`` pass the chi-square test against ``probabilities`` at a 1e-4 false-alarm rate
    (and hold no outcome of probability zero)."""
    assert set(counts) <= {k for k, p in probabilities.items() if p > 1e-12}
    statistic, limit = chi_square(counts, probabilities, shots)
    return statistic <= limit
