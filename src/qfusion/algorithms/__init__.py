"""Algorithms: QFT and phase estimation, Grover search, Shor factoring, HHL, QAOA."""
