"""``qfusion vqe`` through the real command, checked against PySCF's FCI computed here."""

import pytest
from cli_helpers import assert_one_line_error, qfusion, qfusion_json

pytest.importorskip("pyscf")
from pyscf import fci, gto, scf  # noqa: E402

H2 = "H 0 0 0; H 0 0 0.735"


def fci_energy(geometry):
    mf = scf.RHF(gto.M(atom=geometry, basis="sto-3g", verbose=0)).run()
    return fci.FCI(mf).kernel()[0], mf.e_tot


@pytest.mark.parametrize("ansatz, mapping", [("uccsd", "jw"), ("adapt", "parity"), ("hea", "parity"), ("uccsd", "bk")])
def test_vqe_json_reaches_chemical_accuracy(ansatz, mapping):
    exact, hf = fci_energy(H2)
    data = qfusion_json("vqe", "--geometry", H2, "--basis", "sto-3g", "--ansatz", ansatz, "--mapping", mapping,
                        "--seed", 1)
    assert abs(data["energy"] - exact) < 1.6e-3 and data["chemical_accuracy"]
    assert abs(data["fci_energy"] - exact) < 1e-8 and abs(data["hf_energy"] - hf) < 1e-8
    assert data["num_qubits"] == (2 if mapping == "parity" else 4)
    assert data["ansatz"] == ansatz and data["backend"] == "statevector"


def test_vqe_text_report_and_progress():
    out = qfusion("vqe", "--geometry", H2, "--progress").stdout.splitlines()
    assert out[0].startswith("iteration    1  energy ")
    lines = {line.split()[0]: line for line in out if not line.startswith("iteration")}
    assert "within chemical accuracy" in lines["error"]
    assert lines["qubits"].startswith("qubits        4 (jordan_wigner)")


def test_vqe_tapered():
    exact, _ = fci_energy("Li 0 0 0; H 0 0 1.595")
    data = qfusion_json("vqe", "--geometry", "Li 0 0 0; H 0 0 1.595", "--taper")
    assert data["num_qubits"] == 8 and data["tapered_qubits"] == 4
    assert abs(data["energy"] - exact) < 1.6e-3 and abs(data["fci_energy"] - exact) < 1e-8


def test_vqe_other_backend_and_active_space():
    data = qfusion_json("vqe", "--geometry", "Li 0 0 0; H 0 0 1.6", "--active-electrons", 2, "--active-orbitals", 2,
                        "--mapping", "parity", "--backend", "reference", "--optimizer", "COBYLA", "--maxiter", 80)
    assert data["num_qubits"] == 2 and data["backend"] == "reference" and data["chemical_accuracy"]


@pytest.mark.parametrize("args, code, fragment", [
    (["--geometry", "H 0 0 0; H 0 0 0.7", "--spin", "1"], 2, "cannot build the molecule"),
    (["--geometry", "H 0 0 0; H 0 0 0.7", "--backend", "nope"], 2, "unknown backend 'nope'"),
    (["--geometry", "H 0 0 0; H 0 0 0.7", "--ansatz", "adapt", "--shots", "100"], 2, "exact state vector"),
    (["--geometry", "H 0 0 0; H 0 0 0.7", "--mapping", "ternary"], 2, "invalid choice"),
    (["--geometry", "Li 0 0 0; H 0 0 1.6", "--active-electrons", "3"], 2, "even number"),
    ([], 2, "--geometry"),
])
def test_vqe_errors_are_one_line(args, code, fragment):
    assert_one_line_error(qfusion("vqe", *args, check=False), code, fragment)
