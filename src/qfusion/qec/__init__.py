"""Quantum error correction on the field's tools: codes as qfusion circuits, circuit-level and
device-derived noise, stim for sampling and detector error models, pymatching and ldpc's BP-OSD
for decoding, sinter for parallel collection.

>>> import qfusion as qf
>>> circuit = qf.qec.surface_code(3, rounds=3, noise=qf.qec.noise.SD6(0.002))
>>> result = qf.qec.logical_error_rate(circuit, shots=5000, seed=2)
>>> result.shots, result.errors < 250
(5000, True)
"""

from qfusion.qec import noise
from qfusion.qec.codes import color_code, repetition_code, shor_code, steane_code, surface_code
from qfusion.qec.decoders import BpOsdDecoder, dem_matrices
from qfusion.qec.logical import transversal_cnot
from qfusion.qec.statistics import LogicalErrorRate, detector_error_model, logical_error_rate, wilson_interval
from qfusion.qec.threshold import ThresholdResult, plot_threshold, threshold

__all__ = ["noise", "color_code", "repetition_code", "shor_code", "steane_code", "surface_code", "BpOsdDecoder",
           "dem_matrices", "LogicalErrorRate", "detector_error_model", "logical_error_rate", "wilson_interval",
           "ThresholdResult", "plot_threshold", "threshold", "transversal_cnot"]
