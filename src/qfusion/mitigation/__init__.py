"""Error mitigation on noisy backends and the emulated QPUs: ZNE, readout, twirling, DD, PEC, CDR.

Each technique is an object handed to an Estimator, which then reports mitigated values
(``.values``), the raw ones and what the mitigation cost (``.metadata``):

>>> import qfusion as qf
>>> c = qf.Circuit(2).h(0).cx(0, 1)
>>> est = qf.Estimator(backend="trapped_ion", shots=2000, seed=5,
...                    mitigation=[ReadoutMitigation(), ZNE(scale_factors=[1, 3, 5], extrapolation="richardson")])
>>> result = est.run(c, "ZZ")
>>> bool(abs(result.values - 1) <= abs(result.metadata["raw_values"] - 1) + 3 * result.std_errors)
True
>>> fold_global(c, 3).count_ops()
{'h': 3, 'cx': 3}
"""

from qfusion.mitigation.cdr import CDR, near_clifford
from qfusion.mitigation.decoupling import DynamicalDecoupling, decouple
from qfusion.mitigation.extrapolation import Extrapolation, extrapolate
from qfusion.mitigation.folding import (
                                        fold_gates_at_random,
                                        fold_gates_from_left,
                                        fold_gates_from_right,
                                        fold_global,
                                        insert_identities,
                                        stretch_device,
)
from qfusion.mitigation.learning import PauliLindbladModel, learn_entangler
from qfusion.mitigation.pec import PEC, inverse_pauli_representation
from qfusion.mitigation.readout import nearest_probability
from qfusion.mitigation.readout_mitigation import ReadoutMitigation
from qfusion.mitigation.technique import MitigatedValue, Technique, from_dict
from qfusion.mitigation.twirling import PauliTwirling, twirl
from qfusion.mitigation.zne import ZNE

__all__ = ["CDR", "DynamicalDecoupling", "Extrapolation", "MitigatedValue", "PEC", "PauliLindbladModel", "PauliTwirling",
           "ReadoutMitigation", "Technique", "ZNE", "decouple", "extrapolate", "fold_gates_at_random", "fold_gates_from_left",
           "fold_gates_from_right", "fold_global", "from_dict", "insert_identities", "inverse_pauli_representation", "learn_entangler",
           "near_clifford", "nearest_probability", "stretch_device", "twirl"]
