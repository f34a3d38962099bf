"""Settings for the whole suite."""

from hypothesis import settings

# No per-example deadline: tests never assert timings, and a loaded CI machine must not fail
# a property test because one example ran slowly.
settings.register_profile("qfusion", deadline=None)
settings.load_profile("qfusion")
