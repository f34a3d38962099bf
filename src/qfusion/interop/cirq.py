def from_cirq(circuit, qubit_order=None): raise NotImplementedError
def to_cirq(circuit): raise NotImplementedError
