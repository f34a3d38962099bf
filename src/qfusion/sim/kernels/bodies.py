"""Kernel bodies written once and compiled for both targets: :func:`numba.njit` in the
``cpu_*`` kernels, :func:`numba.cuda.jit` (device functions) in the ``cuda_*`` ones. Plain
Python here, no decorator, so each target compiles the same code. (numba's on-disk cache
keys a kernel on its own file: after editing this one, clear ``.cache/numba``.)
"""

from __future__ import annotations


def block_index(position, chunk, sel, nsel, active):
    """The block index over the ``nsel`` bits ``sel`` of the amplitude at ``position`` of the
    buffer of chunk ``chunk``: a bit at or above ``active`` comes from the chunk index, a lower
    one from the position in the buffer.

    >>> block_index(0b01, 0b1, [0, 2], 2, 2)   # bit 0 from the position, bit 2 = chunk bit 0
    3
    """
    h = 0
    for j in range(nsel):
        b = sel[j]
        if b >= active:
            h |= ((chunk >> (b - active)) & 1) << j
        else:
            h |= ((position >> b) & 1) << j
    return h


def collapse_pair(state, g, position, low, outcome, scale, move_to_zero):
    """Pair ``g`` (index bit ``position`` inserted) of a measurement's collapse: keep the
    amplitude with bit ``position`` == ``outcome`` times ``scale``, zero the other; with
    ``move_to_zero`` the kept one moves to bit value 0 (a reset)."""
    i0 = ((g >> position) << (position + 1)) | (g & low)
    i1 = i0 | (1 << position)
    if outcome == 1:
        kept = state[i1] * scale
        if move_to_zero:
            state[i0] = kept
            state[i1] = 0
        else:
            state[i0] = 0
            state[i1] = kept
    else:
        state[i0] = state[i0] * scale
        state[i1] = 0


def scan_block(state, i, stop, running, chosen, u):
    """Walk the amplitudes from ``i`` (below ``stop``), adding ``|a|^2`` to ``running``, until it
    passes ``u``: a draw of the index ``u`` falls on. Returns ``(index, running, chosen)``: where it
    passed (``stop`` if it did not), the running total with that amplitude in, and the last index
    of non-zero probability seen (what a draw takes when rounding leaves ``u`` past the end).

    >>> import numpy as np
    >>> index, running, chosen = scan_block(np.array([0.6, 0.0, 0.8]), 0, 3, 0.0, 0, 0.5)
    >>> index, round(float(running), 12), chosen
    (2, 1.0, 2)
    """
    while i < stop:
        a = state[i]
        p = a.real * a.real + a.imag * a.imag
        if p > 0.0:
            chosen = i
        running += p
        if u < running:
            return i, running, chosen
        i += 1
    return i, running, chosen
