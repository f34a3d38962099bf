"""What ``qfusion vqe`` reports (issue 12, item 2): CASCI labelled as such beside the full-space
FCI, an error bar with shots, and "converged" only when the optimiser's criterion was met.
References are PySCF's CASCI and FCI, computed here."""

from __future__ import annotations

import types

import pytest

pytest.importorskip("pyscf")
from pyscf import fci, gto, mcscf, scf  # noqa: E402

from qfusion.cli.chemistry import vqe  # noqa: E402
from qfusion.errors import ChemistryError  # noqa: E402

LIH = "Li 0 0 0; H 0 0 1.6"
H2 = "H 0 0 0; H 0 0 0.735"


def arguments(geometry, **overrides):
    values = dict(geometry=geometry, basis="sto-3g", charge=0, spin=0, active_electrons=None, active_orbitals=None,
                  ansatz="uccsd", mapping="jw", no_reduction=False, taper=False, reps=None, optimizer=None,
                  maxiter=1000, backend="statevector", shots=None, seed=1, progress=False, json=False)
    values.update(overrides)
    return types.SimpleNamespace(**values)


def test_active_space_is_labelled_casci_and_full_fci_is_printed(capsys):
    mf = scf.RHF(gto.M(atom=LIH, basis="sto-3g", verbose=0)).run()
    full = fci.FCI(mf).kernel()[0]
    casci = mcscf.CASCI(mf, 3, 2).run().e_tot
    report = vqe(arguments(LIH, active_electrons=2, active_orbitals=3))
    text = capsys.readouterr().out
    assert report["exact_method"] == "CASCI" and report["casci_energy"] == pytest.approx(casci, abs=1e-8)
    assert report["fci_energy"] == pytest.approx(full, abs=1e-8)
    assert f"CASCI (PySCF) {casci:.10f}" in text and f"FCI (PySCF)   {full:.10f}" in text
    assert f"misses {(casci - full) * 1e3:.1f} mHa" in text and "vs CASCI" in text


def test_without_active_space_fci_is_the_reference(capsys):
    mf = scf.RHF(gto.M(atom=H2, basis="sto-3g", verbose=0)).run()
    report = vqe(arguments(H2))
    assert report["exact_method"] == "FCI" and report["casci_energy"] is None
    assert report["fci_energy"] == pytest.approx(fci.FCI(mf).kernel()[0], abs=1e-8)
    assert "CASCI" not in capsys.readouterr().out and report["status"] == "converged"
    assert report["cost_function_evals"] == report["evaluations"] >= 1  # the API's name, and the old one


def test_shots_give_a_standard_error_and_maxiter_is_not_convergence(capsys):
    report = vqe(arguments(H2, mapping="parity", shots=400, maxiter=5))
    text = capsys.readouterr().out
    assert report["energy_std_error"] > 0 and "±" in text
    assert not report["converged"] and "stopped at maxiter (5)" in text and ", converged," not in text


def test_hea_left_at_hartree_fock_is_not_converged(capsys):
    report = vqe(arguments(LIH, active_electrons=2, active_orbitals=3, ansatz="hea", seed=3))
    assert abs(report["energy"] - report["hf_energy"]) < 1e-6
    assert not report["converged"] and "stopped at the Hartree-Fock energy" in capsys.readouterr().out


def test_odd_electron_count_names_the_spin_option():
    with pytest.raises(ChemistryError, match="--spin 1"):
        vqe(arguments("H 0 0 0; H 0 0 0.9; H 0 0 1.8"))
