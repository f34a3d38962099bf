"""QML benchmark: accuracy targets and speed side by side with qiskit-machine-learning and PennyLane.

    python bench/bench_qml.py                 # everything
    python bench/bench_qml.py --only gram     # one part: accuracy, gram, torch

Accuracy: QSVC + ZZ feature map on the ad hoc data (2 qubits, gap 0.3) and VQC on Iris (4 qubits).
Speed, in one run: the Gram matrix of 200 samples on an 8-qubit ZZ feature map (qfusion,
qiskit-machine-learning's FidelityStatevectorKernel, PennyLane lightning.qubit states + one
product), and one TorchLayer epoch (batch 256, 8 qubits, 3 layers, forward + backward) against
PennyLane's TorchLayer on lightning.qubit with adjoint differentiation.
PennyLane 0.42 needs PYTHONPATH=.cache/plfix in the shared venv (see tests/qml/qml_peers.py).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def accuracy() -> None:
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from qfusion.qml import QSVC, VQC, AngleEmbedding, FidelityKernel, ZZFeatureMap
    from qfusion.qml.datasets import ad_hoc, scaler
    x_train, y_train, x_test, y_test = ad_hoc(20, 10, n=2, gap=0.3, seed=12345)
    qsvc = QSVC(kernel=FidelityKernel(ZZFeatureMap(2))).fit(x_train, y_train)
    print(f"ad hoc (2 qubits, gap 0.3, 40 train / 20 test): QSVC + ZZ test accuracy {qsvc.score(x_test, y_test):.3f}"
          "   (target 1.0)")
    X, y = load_iris(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    vqc = make_pipeline(scaler(feature_range_=(0, np.pi)),
                        VQC(AngleEmbedding(4, rotation="Y"), reps=2, maxiter=150, learning_rate=0.1, random_state=0))
    start = time.perf_counter()
    vqc.fit(x_train, y_train)
    print(f"Iris (4 qubits, 105 train / 45 test): VQC test accuracy {vqc.score(x_test, y_test):.3f}   (target >= 0.9)"
          f"   fit {time.perf_counter() - start:.1f} s")


def gram(samples: int = 200, qubits: int = 8) -> None:
    from qfusion.qml import FidelityKernel, ZZFeatureMap
    X = np.random.default_rng(0).uniform(0, 2 * np.pi, (samples, qubits))
    ours = FidelityKernel(ZZFeatureMap(qubits, reps=2))
    ours.evaluate(X[:4])
    rows = [("qfusion FidelityKernel", best_of(lambda: ours.evaluate(X)), ours.evaluate(X))]
    try:
        from qiskit.circuit.library import zz_feature_map
        from qiskit_machine_learning.kernels import FidelityStatevectorKernel
        peer = FidelityStatevectorKernel(feature_map=zz_feature_map(qubits, reps=2))
        rows.append(("qiskit-ML FidelityStatevectorKernel", best_of(lambda: peer.evaluate(X), 2), peer.evaluate(X)))
    except Exception as exc:  # noqa: BLE001 - a peer that cannot run is reported, not fatal
        print(f"qiskit-machine-learning unavailable: {exc}")
    try:
        rows.append(("PennyLane lightning.qubit states", *_pennylane_gram(X, qubits)))
    except Exception as exc:  # noqa: BLE001
        print(f"PennyLane unavailable: {type(exc).__name__}: {exc}")
    print(f"Gram matrix, {samples} samples, {qubits}-qubit ZZ feature map (reps 2, full entanglement)")
    base = rows[0][1]
    for name, seconds, K in rows:
        agree = np.max(np.abs(K - rows[0][2]))
        print(f"  {name:40s} {seconds * 1e3:9.1f} ms   {seconds / base:7.1f}x qfusion's time   max |dK| {agree:.1e}")


def _pennylane_gram(X, qubits):
    import pennylane as qml
    dev = qml.device("lightning.qubit", wires=qubits)
    pairs = [(i, j) for i in range(qubits) for j in range(i + 1, qubits)]

    def feature_map(x):  # Qiskit's ZZ map in PennyLane gates (wire order reversed to Qiskit's)
        for _ in range(2):
            for q in range(qubits):
                qml.Hadamard(q)
                qml.PhaseShift(2 * x[q], q)
            for i, j in pairs:
                qml.CNOT([i, j])
                qml.PhaseShift(2 * (np.pi - x[i]) * (np.pi - x[j]), j)
                qml.CNOT([i, j])

    @qml.qnode(dev)
    def state(x):
        feature_map(x)
        return qml.state()

    def run():
        S = np.array([state(x) for x in X])
        return np.abs(S.conj() @ S.T) ** 2
    run()
    return best_of(run, 2), run()


def torch_epoch(batch: int = 256, qubits: int = 8, layers: int = 3) -> None:
    import torch

    from qfusion.circuit import Circuit
    from qfusion.qml import TorchLayer, parameter_vector
    x, w = parameter_vector("x", qubits), parameter_vector("w", 2 * qubits * layers)
    circuit = Circuit(qubits)
    for q in range(qubits):
        circuit.ry(x[q], q)
    for layer in range(layers):
        for q in range(qubits):
            circuit.rx(w[2 * (layer * qubits + q)], q).ry(w[2 * (layer * qubits + q) + 1], q)
        for q in range(qubits):
            circuit.cx(q, (q + 1) % qubits)
    labels = ["I" * (qubits - 1 - q) + "Z" + "I" * q for q in range(qubits)]
    ours = TorchLayer(circuit, labels, seed=0)
    inputs = torch.rand(batch, qubits, dtype=torch.float64)

    def epoch(layer):
        layer.zero_grad()
        layer(inputs).sum().backward()
    epoch(ours)
    rows = [("qfusion TorchLayer (adjoint)", best_of(lambda: epoch(ours)))]
    reference_grad = ours.weights.grad.numpy().copy()
    try:
        import pennylane as qml
        dev = qml.device("lightning.qubit", wires=qubits)

        @qml.qnode(dev, interface="torch", diff_method="adjoint")
        def node(inputs, weights):
            for q in range(qubits):
                qml.RY(inputs[..., q], wires=q)
            for layer in range(layers):
                for q in range(qubits):
                    qml.RX(weights[2 * (layer * qubits + q)], wires=q)
                    qml.RY(weights[2 * (layer * qubits + q) + 1], wires=q)
                for q in range(qubits):
                    qml.CNOT(wires=[q, (q + 1) % qubits])
            return [qml.expval(qml.PauliZ(q)) for q in range(qubits)]
        peer = qml.qnn.TorchLayer(node, {"weights": 2 * qubits * layers})
        peer.weights.data = ours.weights.detach().clone()  # float64, the same values
        epoch(peer)
        agree = np.max(np.abs(peer.weights.grad.numpy() - reference_grad))
        rows.append((f"PennyLane TorchLayer lightning adjoint (max |dgrad| {agree:.1e})", best_of(lambda: epoch(peer), 1)))
    except Exception as exc:  # noqa: BLE001
        print(f"PennyLane unavailable: {type(exc).__name__}: {exc}")
    print(f"TorchLayer epoch: batch {batch}, {qubits} qubits, {layers} layers, {qubits} observables, forward + backward")
    for name, seconds in rows:
        print(f"  {name:62s} {seconds * 1e3:9.1f} ms   {seconds / rows[0][1]:6.1f}x qfusion's time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("accuracy", "gram", "torch"), default=None)
    args = parser.parse_args()
    for name, part in (("accuracy", accuracy), ("gram", gram), ("torch", torch_epoch)):
        if args.only in (None, name):
            part()


if __name__ == "__main__":
    main()
