"""Unitary coupled cluster: excitations, their qubit generators, the UCCSD ansatz and ADAPT pools.

An excitation moves electrons from occupied modes ``i, j`` to virtual modes ``a, b``:
``T = a†_a a_i`` (single) or ``T = a†_a a†_b a_j a_i`` (double). Its unitary is
``exp(θ (T - T†)) = exp(-i θ A)`` with the Hermitian generator ``A = i (T - T†)``; mapped to
qubits, the strings of one ``A`` commute, so each excitation is an exact product of Pauli
rotations sharing one parameter. UCCSD applies every spin-conserving single and double of the
Hartree–Fock state once per repetition (a first-order Trotter product over excitations).

>>> ansatz = uccsd_ansatz(4, 1, 1, "jw")     # H2 in STO-3G: 2 singles, 1 double
>>> ansatz.num_qubits, len(ansatz.parameters)
(4, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

from qfusion.chem.fermion import FermionOperator
from qfusion.chem.mappings import canonical_name, map_fermion_operator
from qfusion.chem.states import hartree_fock_bits, hartree_fock_circuit
from qfusion.chem.symmetry import two_qubit_reduce
from qfusion.circuit import Circuit, Parameter
from qfusion.errors import ChemistryError
from qfusion.observables import PauliSum
from qfusion.observables.evolution import append_pauli_evolution


@dataclass(frozen=True)
class Excitation:
    """Electrons move from modes ``occupied`` to modes ``virtual`` (block spin order).

    >>> print(Excitation((0,), (1,)).operator())
    1.0 [1^ 0] - 1.0 [0^ 1]
    """
    occupied: tuple[int, ...]
    virtual: tuple[int, ...]

    @property
    def rank(self) -> int:
        """1 for a single, 2 for a double.

        >>> Excitation((0,), (2,)).rank, Excitation((0, 1), (2, 3)).rank
        (1, 2)
        """
        return len(self.occupied)

    def operator(self) -> FermionOperator:
        """``T - T†`` (anti-Hermitian), ``T = a†_a ... a_j a_i``.

        >>> generator = Excitation((0, 1), (2, 3)).operator()
        >>> print(generator)
        1.0 [2^ 3^ 1 0] - 1.0 [0^ 1^ 3 2]
        >>> len((generator + generator.adjoint()).simplify())     # anti-Hermitian: T - T† + (T - T†)† = 0
        0
        """
        term = tuple((v, 1) for v in self.virtual) + tuple((o, 0) for o in reversed(self.occupied))
        excite = FermionOperator.from_term(term)
        return excite - excite.adjoint()

    def __str__(self) -> str:
        return f"{','.join(map(str, self.occupied))}->{','.join(map(str, self.virtual))}"


def excitations(num_spin_orbitals: int, num_alpha: int, num_beta: int, *, singles: bool = True,
                doubles: bool = True) -> list[Excitation]:
    """Spin-conserving singles then doubles (αα, ββ, αβ) out of the Hartree–Fock state.

    >>> [str(e) for e in excitations(4, 1, 1)]
    ['0->1', '2->3', '0,2->1,3']
    >>> len(excitations(12, 2, 2))    # LiH in STO-3G, no frozen core: 16 singles, 76 doubles
    92
    """
    if num_spin_orbitals % 2:
        raise ChemistryError(f"block spin order needs an even number of spin orbitals, got {num_spin_orbitals}")
    n = num_spin_orbitals // 2
    if not (0 <= num_alpha <= n and 0 <= num_beta <= n):
        raise ChemistryError(f"{num_alpha} α and {num_beta} β electrons do not fit in {n} spatial orbitals")
    occ_a, vir_a = list(range(num_alpha)), list(range(num_alpha, n))
    occ_b, vir_b = list(range(n, n + num_beta)), list(range(n + num_beta, 2 * n))
    out: list[Excitation] = []
    if singles:
        out += [Excitation((i,), (a,)) for occ, vir in ((occ_a, vir_a), (occ_b, vir_b))
                for i, a in product(occ, vir)]
    if doubles:
        for occ, vir in ((occ_a, vir_a), (occ_b, vir_b)):
            out += [Excitation(ij, ab) for ij, ab in product(combinations(occ, 2), combinations(vir, 2))]
        out += [Excitation((i, j), (a, b)) for i, a in product(occ_a, vir_a) for j, b in product(occ_b, vir_b)]
    return out


def excitation_generator(excitation: Excitation, num_spin_orbitals: int, mapping: str = "jordan_wigner", *,
                         two_qubit_reduction: bool = False, num_alpha: int = 0, num_beta: int = 0) -> PauliSum:
    """The Hermitian qubit generator ``A = i (T - T†)`` of one excitation (``exp(-i θ A)`` applies it).

    >>> excitation_generator(Excitation((0,), (1,)), 2, "jw")    # i (a†_1 a_0 - a†_0 a_1)
    PauliSum([('XY', -0.5), ('YX', 0.5)], num_qubits=2)
    """
    name = canonical_name(mapping)
    generator = map_fermion_operator(1j * excitation.operator(), name, num_spin_orbitals)
    if two_qubit_reduction:
        generator = two_qubit_reduce(generator, name, num_alpha, num_beta)
    return PauliSum.from_list([(label, coeff.real) for label, coeff in zip(generator.labels, generator.coeffs, strict=False)],
                              generator.num_qubits)


def _tapered(generators: list[PauliSum], tapering) -> list[PauliSum]:
    """Generators in the tapered space; those that break a symmetry (point group) are left out."""
    return [tapering.taper(g) for g in generators if tapering.commutes(g)]


def uccsd_ansatz(num_spin_orbitals: int, num_alpha: int, num_beta: int, mapping: str = "jordan_wigner", *,
                 two_qubit_reduction: bool = False, reps: int = 1, include_hartree_fock: bool = True,
                 singles: bool = True, doubles: bool = True, parameter_prefix: str = "t",
                 tapering=None) -> Circuit:
    """The UCCSD circuit: Hartree–Fock, then ``exp(-i θ_k A_k)`` for every excitation ``k``
    (``reps`` times, new parameters each time). Parameters are named ``t00, t01, ...`` (zero
    padded, so ``circuit.parameters`` comes back in excitation order); all zero gives Hartree–Fock.
    With a :class:`~qfusion.chem.tapering.Z2Tapering` of the (unreduced) Hamiltonian, the ansatz
    lives on the tapered qubits and excitations that break a symmetry are left out.

    >>> c = uccsd_ansatz(4, 1, 1, "parity", two_qubit_reduction=True)
    >>> c.num_qubits, [p.name for p in c.parameters]
    (2, ['t0', 't1', 't2'])
    """
    if int(reps) < 1:
        raise ChemistryError(f"reps must be at least 1, got {reps}")
    chosen = excitations(num_spin_orbitals, num_alpha, num_beta, singles=singles, doubles=doubles)
    generators = [excitation_generator(e, num_spin_orbitals, mapping, two_qubit_reduction=two_qubit_reduction,
                                       num_alpha=num_alpha, num_beta=num_beta) for e in chosen]
    reference = hartree_fock_circuit(num_spin_orbitals, num_alpha, num_beta, mapping,
                                     two_qubit_reduction=two_qubit_reduction)
    if tapering is not None:
        generators = _tapered(generators, tapering)
        bits = tapering.taper_bits(hartree_fock_bits(num_spin_orbitals, num_alpha, num_beta, mapping,
                                                     two_qubit_reduction=two_qubit_reduction))
        reference = Circuit(len(bits), name="hartree_fock")
        for q in np.flatnonzero(bits):
            reference.x(int(q))
    width = len(str(max(len(generators) * reps - 1, 0)))
    circuit = reference if include_hartree_fock else Circuit(reference.num_qubits)
    circuit.name = "uccsd"
    index = 0
    for _ in range(int(reps)):
        for generator in generators:
            append_pauli_evolution(circuit, generator, Parameter(f"{parameter_prefix}{index:0{width}d}"))
            index += 1
    return circuit


def adapt_pool(num_spin_orbitals: int, num_alpha: int, num_beta: int, mapping: str = "jordan_wigner", *,
               two_qubit_reduction: bool = False, kind: str = "fermionic", tapering=None) -> list[PauliSum]:
    """Hermitian generators for ADAPT-VQE: one per UCCSD excitation (``kind="fermionic"``), or
    every distinct Pauli string of those generators (``kind="qubit"``, the qubit-ADAPT pool).

    >>> [len(g) for g in adapt_pool(4, 1, 1)]
    [2, 2, 8]
    >>> len(adapt_pool(4, 1, 1, kind="qubit"))
    12
    """
    generators = [excitation_generator(e, num_spin_orbitals, mapping, two_qubit_reduction=two_qubit_reduction,
                                       num_alpha=num_alpha, num_beta=num_beta)
                  for e in excitations(num_spin_orbitals, num_alpha, num_beta)]
    if tapering is not None:
        generators = _tapered(generators, tapering)
    if kind == "fermionic":
        return generators
    if kind != "qubit":
        raise ChemistryError(f"unknown ADAPT pool kind {kind!r}; choose 'fermionic' or 'qubit'")
    seen: dict[str, None] = {}
    for generator in generators:
        for label in generator.labels:
            seen.setdefault(label, None)
    return [PauliSum.from_label(label) for label in seen]
