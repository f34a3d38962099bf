"""Molecular integrals through PySCF: geometry and basis in, Hartree–Fock orbitals and an
active-space Hamiltonian's one- and two-electron integrals out.

PySCF is imported lazily (``pip install 'qfusion[chem]'``). Geometries are PySCF atom strings
in ångström, ``"H 0 0 0; H 0 0 0.735"``. Closed shells use RHF, open shells (``spin`` = 2S > 0)
ROHF, so both spins share one set of spatial orbitals. An active space keeps
``active_electrons`` electrons in ``active_orbitals`` orbitals around the Fermi level; the
doubly occupied orbitals below it are frozen into a core energy and an effective one-body term.

>>> data = molecular_data("H 0 0 0; H 0 0 0.735", "sto-3g")
>>> data.num_orbitals, data.num_alpha, data.num_beta
(2, 1, 1)
>>> round(data.hf_energy, 6)
-1.116999
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import ChemistryError


@dataclass(frozen=True, eq=False)
class MolecularData:
    """The electronic-structure problem in the (active) Hartree–Fock orbital basis.

    ``one_body[p, q]`` is ``h_pq`` and ``two_body[p, q, r, s]`` is ``(pq|rs)`` in chemists'
    notation, over the ``num_orbitals`` active spatial orbitals; ``core_energy`` holds the
    nuclear repulsion plus the frozen core. ``hf_energy`` is PySCF's SCF energy.

    >>> h2 = molecular_data("H 0 0 0; H 0 0 0.735", "sto-3g")
    >>> h2.one_body.shape, h2.two_body.shape, round(h2.nuclear_repulsion, 6)   # 1 / (0.735 A in bohr)
    ((2, 2), (2, 2, 2, 2), 0.719969)
    """
    geometry: str
    basis: str
    charge: int
    spin: int
    num_alpha: int
    num_beta: int
    core_energy: float
    one_body: np.ndarray
    two_body: np.ndarray
    hf_energy: float
    nuclear_repulsion: float
    frozen_orbitals: tuple[int, ...]
    active_orbitals: tuple[int, ...]
    mo_energies: np.ndarray

    @property
    def num_orbitals(self) -> int:
        """Number of active spatial orbitals.

        >>> molecular_data("H 0 0 0; H 0 0 0.735").num_orbitals
        2
        """
        return len(self.one_body)

    @property
    def num_spin_orbitals(self) -> int:
        """Twice :attr:`num_orbitals`: the number of modes (and of Jordan–Wigner qubits).

        >>> molecular_data("H 0 0 0; H 0 0 0.735").num_spin_orbitals
        4
        """
        return 2 * self.num_orbitals

    @property
    def num_electrons(self) -> int:
        """Active electrons, ``num_alpha + num_beta``.

        >>> molecular_data("H 0 0 0; H 0 0 0.735").num_electrons
        2
        """
        return self.num_alpha + self.num_beta


def build_molecule(geometry: str, basis: str = "sto-3g", *, charge: int = 0, spin: int = 0):
    """A built ``pyscf.gto.Mole`` (ångström, no output), or a :class:`ChemistryError` saying why not.

    >>> build_molecule("H 0 0 0; H 0 0 0.735").nelectron
    2
    """
    gto = import_optional("pyscf.gto", "molecular Hamiltonians")
    if not isinstance(geometry, str) or not geometry.strip():
        raise ChemistryError("the geometry is a string of atoms and coordinates in ångström, "
                             "such as 'H 0 0 0; H 0 0 0.735'")
    mol = gto.Mole()
    mol.atom, mol.basis, mol.charge, mol.spin, mol.unit = geometry, basis, int(charge), int(spin), "Angstrom"
    mol.verbose, mol.output = 0, None
    try:
        mol.build()
    except (RuntimeError, ValueError, KeyError, IndexError, TypeError) as exc:
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        parity = re.search(r"Electron number (\d+) and spin (-?\d+) are not consistent", str(exc))
        if parity is not None:
            electrons = int(parity.group(1))
            message = (f"{electrons} electrons cannot have spin (2S = N_alpha - N_beta) {spin}: "
                       f"give spin={electrons % 2} or {electrons % 2 + 2}, ... "
                       f"(on the command line --spin {electrons % 2})")
        raise ChemistryError(f"PySCF cannot build the molecule {geometry!r} in basis {basis!r} "
                             f"(charge {charge}, spin {spin}): {message}") from None
    return mol


def run_scf(mol):
    """Converged RHF (closed shell) or ROHF (open shell) of ``mol``.

    >>> mf = run_scf(build_molecule("H 0 0 0; H 0 0 0.735"))
    >>> type(mf).__name__, bool(mf.converged)
    ('RHF', True)
    """
    scf = import_optional("pyscf.scf", "Hartree–Fock")
    mf = scf.RHF(mol) if mol.spin == 0 else scf.ROHF(mol)
    mf.verbose = 0
    mf.conv_tol = 1e-11
    mf.kernel()
    if not mf.converged:
        mf = mf.newton()
        mf.kernel()
    if not mf.converged:
        raise ChemistryError(f"Hartree–Fock did not converge for {mol.atom!r}; check the geometry and spin")
    return mf


def _active_indices(mol, active_electrons, active_orbitals) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    num_mo = mol.nao_nr()
    num_elec = mol.nelectron
    if active_electrons is None and active_orbitals is None:
        return (), tuple(range(num_mo)), num_elec
    active_electrons = num_elec if active_electrons is None else int(active_electrons)
    if not 0 < active_electrons <= num_elec or (num_elec - active_electrons) % 2:
        raise ChemistryError(f"active_electrons must leave an even number of the {num_elec} electrons "
                             f"in the frozen core, got {active_electrons}")
    frozen = (num_elec - active_electrons) // 2
    active_orbitals = num_mo - frozen if active_orbitals is None else int(active_orbitals)
    n_alpha = (active_electrons + mol.spin) // 2
    if not n_alpha <= active_orbitals <= num_mo - frozen:
        raise ChemistryError(f"active_orbitals must hold the {active_electrons} active electrons and fit in the "
                             f"{num_mo - frozen} orbitals above the core (at least {n_alpha}), got {active_orbitals}")
    return tuple(range(frozen)), tuple(range(frozen, frozen + active_orbitals)), active_electrons


def molecular_data(geometry: str, basis: str = "sto-3g", *, charge: int = 0, spin: int = 0,
                   active_electrons: int | None = None, active_orbitals: int | None = None) -> MolecularData:
    """Hartree–Fock and the active-space integrals of a molecule (see the module docstring).

    >>> lih = molecular_data("Li 0 0 0; H 0 0 1.6", active_electrons=2, active_orbitals=3)
    >>> lih.num_orbitals, lih.num_electrons, lih.frozen_orbitals
    (3, 2, (0,))
    """
    ao2mo = import_optional("pyscf.ao2mo", "molecular Hamiltonians")
    scf = import_optional("pyscf.scf", "molecular Hamiltonians")
    mol = build_molecule(geometry, basis, charge=charge, spin=spin)
    frozen, active, num_active_electrons = _active_indices(mol, active_electrons, active_orbitals)
    mf = run_scf(mol)
    coeff = np.asarray(mf.mo_coeff)
    h_ao = mf.get_hcore()
    core_energy = float(mol.energy_nuc())
    if frozen:
        core_coeff = coeff[:, list(frozen)]
        core_density = 2 * core_coeff @ core_coeff.T
        vj, vk = scf.hf.get_jk(mol, core_density)
        core_veff = vj - 0.5 * vk  # mean field of the doubly occupied core
        core_energy += float(np.einsum("ij,ji->", core_density, h_ao + 0.5 * core_veff))
        h_ao = h_ao + core_veff
    active_coeff = coeff[:, list(active)]
    one_body = active_coeff.T @ h_ao @ active_coeff
    n = len(active)
    two_body = ao2mo.restore(1, ao2mo.kernel(mol, active_coeff), n).reshape(n, n, n, n)
    n_alpha = (num_active_electrons + mol.spin) // 2
    n_beta = num_active_electrons - n_alpha
    return MolecularData(geometry=geometry, basis=basis, charge=int(charge), spin=int(spin),
                         num_alpha=n_alpha, num_beta=n_beta, core_energy=core_energy,
                         one_body=one_body, two_body=np.ascontiguousarray(two_body),
                         hf_energy=float(mf.e_tot), nuclear_repulsion=float(mol.energy_nuc()),
                         frozen_orbitals=frozen, active_orbitals=active,
                         mo_energies=np.asarray(mf.mo_energy)[list(active)])


def fci_energy(data: MolecularData) -> float:
    """PySCF's full-CI energy in the active space of ``data`` (CASCI when orbitals are frozen),
    with the same core energy: the exact ground energy of its qubit Hamiltonian's electron sector.

    >>> round(fci_energy(molecular_data("H 0 0 0; H 0 0 0.735")), 6)
    -1.137306
    """
    fci = import_optional("pyscf.fci", "full configuration interaction")
    solver = fci.direct_spin1.FCI()
    solver.conv_tol = 1e-12
    energy, _ = solver.kernel(data.one_body, data.two_body, data.num_orbitals, (data.num_alpha, data.num_beta),
                              ecore=data.core_energy)
    return float(energy)


def full_space_fci_energy(geometry: str, basis: str = "sto-3g", *, charge: int = 0, spin: int = 0,
                          max_determinants: int = 2_000_000) -> float | None:
    """PySCF's FCI energy with every electron and orbital active (no frozen core, no truncated
    virtuals), or None when it has more than ``max_determinants`` determinants (too costly).

    >>> round(full_space_fci_energy("H 0 0 0; H 0 0 0.735"), 6)
    -1.137306
    >>> full_space_fci_energy("H 0 0 0; H 0 0 0.735", max_determinants=3) is None
    True
    """
    from math import comb
    mol = build_molecule(geometry, basis, charge=charge, spin=spin)
    num_alpha = (mol.nelectron + mol.spin) // 2
    if comb(mol.nao_nr(), num_alpha) * comb(mol.nao_nr(), mol.nelectron - num_alpha) > max_determinants:
        return None
    return fci_energy(molecular_data(geometry, basis, charge=charge, spin=spin))
