"""Decoders over stim's detector error models: pymatching (MWPM) and ldpc's BP-OSD, as sinter decoders.

``"pymatching"`` is sinter's own; ``"bposd"`` is :class:`BpOsdDecoder`, which turns the error model
into a parity-check matrix (detectors x error mechanisms), an observable matrix and priors, and
decodes each shot with ``ldpc.BpOsdDecoder`` (for codes whose errors trigger more than two
detectors, such as the color code, where matching does not apply).

>>> import stim
>>> circuit = stim.Circuit.generated("repetition_code:memory", distance=3, rounds=2,
...                                  before_round_data_depolarization=0.05)
>>> check, observables, priors = dem_matrices(circuit.detector_error_model())
>>> check.shape[0], observables.shape[0]
(6, 1)
"""

from __future__ import annotations

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import QfusionError

DECODERS = ("pymatching", "bposd")


def dem_matrices(dem):
    r"""``(check, observables, priors)``: sparse 0/1 matrices (detectors x errors, observables x errors)
    and each error mechanism's probability, from a ``stim.DetectorErrorModel`` (merged where equal).

    >>> import stim
    >>> dem = stim.DetectorErrorModel("error(0.1) D0 L0\nerror(0.2) D0 D1\nerror(0.1) D0 L0")
    >>> check, observables, priors = dem_matrices(dem)  # the two equal mechanisms merge: 0.1 (+) 0.1
    >>> check.toarray(), observables.toarray(), priors.round(6)
    (array([[1, 1],
           [0, 1]], dtype=uint8), array([[1, 0]], dtype=uint8), array([0.18, 0.2 ]))
    """
    from scipy.sparse import csc_matrix
    columns: dict[tuple, float] = {}
    for inst in dem.flattened():
        if inst.type != "error":
            continue
        detectors, observables = set(), set()
        for t in inst.targets_copy():
            if t.is_relative_detector_id():
                detectors ^= {t.val}
            elif t.is_logical_observable_id():
                observables ^= {t.val}
        key = (tuple(sorted(detectors)), tuple(sorted(observables)))
        p = inst.args_copy()[0]
        q = columns.get(key, 0.0)
        columns[key] = q * (1 - p) + p * (1 - q)      # two independent causes of the same flip
    keys = list(columns)

    def matrix(rows: int, part: int):
        entries = [(r, j) for j, key in enumerate(keys) for r in key[part]]
        data = np.ones(len(entries), dtype=np.uint8)
        row = [r for r, _ in entries]
        column = [j for _, j in entries]
        return csc_matrix((data, (row, column)), shape=(rows, len(keys)))

    priors = np.array([columns[k] for k in keys])
    return matrix(dem.num_detectors, 0), matrix(dem.num_observables, 1), priors


class BpOsdDecoder:
    r"""A sinter decoder (duck-typed as ``sinter.Decoder``) running ldpc's BP-OSD with ``max_iter``
    BP iterations and OSD of ``osd_order``; a plain class, so sinter's workers can pickle it.

    >>> import stim
    >>> dem = stim.DetectorErrorModel("error(0.1) D0 L0\nerror(0.1) D0 D1\nerror(0.1) D1")
    >>> compiled = BpOsdDecoder(max_iter=10, osd_order=2).compile_decoder_for_dem(dem=dem)
    >>> compiled.decode(np.array([[1, 0], [0, 1], [0, 0]], dtype=bool)).ravel().tolist()
    [True, False, False]
    """

    def __init__(self, max_iter: int = 30, osd_order: int = 7, osd_method: str = "osd_cs"):
        self.max_iter, self.osd_order, self.osd_method = max_iter, osd_order, osd_method

    def compile_decoder_for_dem(self, *, dem):
        """The decoder for ``dem``, as sinter calls it: an object with ``decode_shots_bit_packed``.


        >>> import stim
        >>> compiled = BpOsdDecoder().compile_decoder_for_dem(dem=stim.DetectorErrorModel("error(0.1) D0 L0"))
        >>> compiled.decode_shots_bit_packed(bit_packed_detection_event_data=np.array([[1], [0]], dtype=np.uint8)).tolist()
        [[1], [0]]
        """
        return _CompiledBpOsd(dem, self.max_iter, self.osd_order, self.osd_method)

    def decode_via_files(self, **kwargs):
        """Not supported: sinter uses :meth:`compile_decoder_for_dem` when a decoder has it.


        >>> BpOsdDecoder().decode_via_files()
        Traceback (most recent call last):
            ...
        NotImplementedError: BpOsdDecoder decodes in memory (compile_decoder_for_dem)
        """
        raise NotImplementedError("BpOsdDecoder decodes in memory (compile_decoder_for_dem)")


class _CompiledBpOsd:
    def __init__(self, dem, max_iter: int, osd_order: int, osd_method: str):
        ldpc = import_optional("ldpc", "BP-OSD decoding")
        self.check, observables, priors = dem_matrices(dem)
        self.observables = observables.toarray().astype(np.uint8)
        self.num_detectors = dem.num_detectors
        # a noiseless circuit's model has no error mechanism: ldpc crashes (SIGSEGV) on a check matrix
        # without columns, and with no error there is nothing that could flip an observable
        self.decoder = None
        if self.check.shape[1]:
            # OSD searches the columns outside an information set: n - rank of them. ldpc 2.4 reads past
            # its arrays (SIGSEGV) when osd_order exceeds that count and none is free (full column rank)
            free = self.check.shape[1] - int(import_optional("ldpc.mod2", "BP-OSD decoding").rank(self.check))
            self.decoder = ldpc.BpOsdDecoder(self.check, error_channel=list(np.clip(priors, 1e-12, 0.5)),
                                             max_iter=max_iter, bp_method="minimum_sum", osd_method=osd_method,
                                             osd_order=min(osd_order, free))

    def decode_shots_bit_packed(self, *, bit_packed_detection_event_data: np.ndarray) -> np.ndarray:
        syndromes = np.unpackbits(bit_packed_detection_event_data, axis=1, bitorder="little")[:, :self.num_detectors]
        predictions = np.zeros((len(syndromes), self.observables.shape[0]), dtype=np.uint8)
        for i, syndrome in enumerate(syndromes):
            if syndrome.any() and self.decoder is not None:
                predictions[i] = (self.observables @ self.decoder.decode(syndrome)) % 2
        return np.packbits(predictions, axis=1, bitorder="little")

    def decode(self, detection_events: np.ndarray) -> np.ndarray:
        packed = np.packbits(detection_events.astype(np.uint8), axis=1, bitorder="little")
        out = self.decode_shots_bit_packed(bit_packed_detection_event_data=packed)
        return np.unpackbits(out, axis=1, bitorder="little")[:, :self.observables.shape[0]].astype(bool)


def compile_decoder(name: str, dem):
    r"""An object with ``decode(detection_events) -> predicted observables`` (booleans, one row per shot).

    >>> import stim
    >>> dem = stim.DetectorErrorModel("error(0.1) D0 L0\nerror(0.1) D0 D1\nerror(0.1) D1")
    >>> compile_decoder("pymatching", dem).decode(np.array([[1, 0], [1, 1]], dtype=bool)).ravel().tolist()
    [True, False]
    """
    if name == "pymatching":
        pymatching = import_optional("pymatching", "matching decoding")
        matching = pymatching.Matching.from_detector_error_model(dem)
        return _Matching(matching)
    if name == "bposd":
        return _CompiledBpOsd(dem, 30, 7, "osd_cs")
    raise QfusionError(f"unknown decoder {name!r}; decoders: {', '.join(DECODERS)}")


class _Matching:
    def __init__(self, matching):
        self.matching = matching

    def decode(self, detection_events: np.ndarray) -> np.ndarray:
        return self.matching.decode_batch(detection_events).astype(bool)


def custom_decoders() -> dict:
    """The decoders sinter does not know by itself, for ``sinter.collect(custom_decoders=...)``.

    >>> sorted(custom_decoders())
    ['bposd']
    """
    return {"bposd": BpOsdDecoder()}
