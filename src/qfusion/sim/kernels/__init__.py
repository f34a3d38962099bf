"""Compiled kernels (leaves: arrays and integers in, nothing from qfusion imported).

Only :mod:`qfusion.sim` calls them; each has a NumPy twin in :mod:`.reference`.
"""
