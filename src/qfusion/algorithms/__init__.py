"""Algorithms and experiments that run on any backend (characterisation: randomized benchmarking,
quantum volume)."""
