"""Gathered sweeps on split-complex buffers: the fast path for large states.

A sweep picks ``active`` bit positions of the state. For each setting of the other
(*outer*) bits, a chunk of ``2**active`` amplitudes is gathered into two real buffers
``re`` and ``im`` (buffer index bit j = the sweep's buffer bit j), every op of the sweep is
applied there, and the chunk is scattered back: one read and one write of the state per
sweep, whichever bits the ops touch, so no pass ever exchanges bit positions.

Buffer bits below :data:`LANE_BITS` are *lanes*: no op mixes them, so every op that mixes
a bit works on runs of at least ``2**LANE_BITS`` contiguous reals, and its inner loop runs
over plain arrays with scalar coefficients, which LLVM turns into full-width SIMD. Split
real and imaginary parts avoid the shuffles interleaved complex numbers need.

Op encoding (one row per op):
  ``op_type``   0: a one-qubit matrix on buffer bit ``op_target`` (``4`` coefficients per block);
                1: a diagonal on buffer bits ``op_bits[:op_nbits]`` (``2^k`` per block);
                2: a dense ``2^k x 2^k`` matrix on buffer bits ``op_bits[:op_nbits]`` (any k, slow path)
                3: a diagonal whose coefficients also vary over the lanes: per block and index over
                   ``op_bits`` (buffer bits >= ``LANE_BITS``), a vector of ``2^LANE_BITS`` lane values
                4: a two-qubit matrix on buffer bits ``op_bits[:2]`` (ascending), 16 coefficients
                   per block, row-major, index bit 0 on ``op_bits[0]``
  ``op_sel``    selector bits: values ``< active`` are buffer bits, ``>= active`` are outer bits
                ``active + j`` (chunk index bit j); block index bit j is selector j
  ``op_data``   offset of block 0 in ``coef_re``/``coef_im``; block ``h`` at ``op_data + h * op_stride``
  ``op_skip``   offset of the op's identity flags (one per block) in ``skip``
Selectors of type-0 and type-4 ops are buffer bits >= ``LANE_BITS`` or outer bits.

Kernels validate nothing; :mod:`qfusion.sim.lanes` builds the encoding.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from qfusion.sim.kernels.bodies import block_index

LANE_BITS = 4
_QUAD_RUN = 256  # two-qubit gates work on runs of at most this many reals, copied through L1
_OPTS = dict(cache=True, nogil=True, fastmath=True, error_model="numpy")


@nb.njit(inline="never", **_OPTS)
def _pair(r0, i0, r1, i1, m00r, m00i, m01r, m01i, m10r, m10i, m11r, m11i):
    for i in range(r0.shape[0]):
        ar = r0[i]
        ai = i0[i]
        br = r1[i]
        bi = i1[i]
        r0[i] = m00r * ar - m00i * ai + m01r * br - m01i * bi
        i0[i] = m00r * ai + m00i * ar + m01r * bi + m01i * br
        r1[i] = m10r * ar - m10i * ai + m11r * br - m11i * bi
        i1[i] = m10r * ai + m10i * ar + m11r * bi + m11i * br


@nb.njit(inline="never", **_OPTS)
def _pairs(xr, xi, s, m00r, m00i, m01r, m01i, m10r, m10i, m11r, m11i):
    # xr, xi: the buffer as (groups, 2 s); pair (g, i), (g, i + s). One call for the whole buffer: slices
    # of runs of s reals each cost a call (at s = 64, 0.56 ns an amplitude against 0.25 here)
    for g in range(xr.shape[0]):
        for i in range(s):
            ar = xr[g, i]
            ai = xi[g, i]
            br = xr[g, i + s]
            bi = xi[g, i + s]
            xr[g, i] = m00r * ar - m00i * ai + m01r * br - m01i * bi
            xi[g, i] = m00r * ai + m00i * ar + m01r * bi + m01i * br
            xr[g, i + s] = m10r * ar - m10i * ai + m11r * br - m11i * bi
            xi[g, i + s] = m10r * ai + m10i * ar + m11r * bi + m11i * br


@nb.njit(inline="never", **_OPTS)
def _copy(target, source):
    for j in range(target.shape[0]):
        target[j] = source[j]


@nb.njit(inline="never", **_OPTS)
def _quad(tr, ti, ur, ui, cr, ci, c, n):
    # inputs in tr/ti, outputs to ur/ui: four arrays, so LLVM vectorises with few alias checks
    for a in range(4):
        k = c + 4 * a
        c0r = cr[k]
        c0i = ci[k]
        c1r = cr[k + 1]
        c1i = ci[k + 1]
        c2r = cr[k + 2]
        c2i = ci[k + 2]
        c3r = cr[k + 3]
        c3i = ci[k + 3]
        for j in range(n):
            x0r = tr[0, j]
            x0i = ti[0, j]
            x1r = tr[1, j]
            x1i = ti[1, j]
            x2r = tr[2, j]
            x2i = ti[2, j]
            x3r = tr[3, j]
            x3i = ti[3, j]
            ur[a, j] = (c0r * x0r - c0i * x0i + c1r * x1r - c1i * x1i
                        + c2r * x2r - c2i * x2i + c3r * x3r - c3i * x3i)
            ui[a, j] = (c0r * x0i + c0i * x0r + c1r * x1i + c1i * x1r
                        + c2r * x2i + c2i * x2r + c3r * x3i + c3i * x3r)


@nb.njit(inline="never", **_OPTS)
def _gather(source, offsets_low, offsets_high, buffer_low, buffer_high, base, re, im, run):
    low = offsets_low.shape[0]
    if run > 1:  # runs of ``run`` amplitudes contiguous in the state and in the buffer: plain copies
        for hi in range(offsets_high.shape[0]):
            start = base + offsets_high[hi]
            target = buffer_high[hi]
            for lo in range(0, low, run):
                s = 2 * (start + offsets_low[lo])
                t = target + buffer_low[lo]
                _deinterleave(source[s:s + 2 * run], re[t:t + run], im[t:t + run])
        return
    for hi in range(offsets_high.shape[0]):
        start = base + offsets_high[hi]
        target = buffer_high[hi]
        for lo in range(low):
            s = 2 * (start + offsets_low[lo])
            t = target + buffer_low[lo]
            re[t] = source[s]
            im[t] = source[s + 1]


@nb.njit(inline="never", **_OPTS)
def _deinterleave(pairs, re, im):
    for k in range(re.shape[0]):
        re[k] = pairs[2 * k]
        im[k] = pairs[2 * k + 1]


@nb.njit(inline="never", **_OPTS)
def _interleave(pairs, re, im):
    for k in range(re.shape[0]):
        pairs[2 * k] = re[k]
        pairs[2 * k + 1] = im[k]


@nb.njit(inline="never", **_OPTS)
def _scatter(source, offsets_low, offsets_high, buffer_low, buffer_high, base, re, im, run):
    low = offsets_low.shape[0]
    if run > 1:
        for hi in range(offsets_high.shape[0]):
            start = base + offsets_high[hi]
            target = buffer_high[hi]
            for lo in range(0, low, run):
                s = 2 * (start + offsets_low[lo])
                t = target + buffer_low[lo]
                _interleave(source[s:s + 2 * run], re[t:t + run], im[t:t + run])
        return
    for hi in range(offsets_high.shape[0]):
        start = base + offsets_high[hi]
        target = buffer_high[hi]
        for lo in range(low):
            s = 2 * (start + offsets_low[lo])
            t = target + buffer_low[lo]
            source[s] = re[t]
            source[s + 1] = im[t]


_block = nb.njit(inline="always", **_OPTS)(block_index)


@nb.njit(inline="always", **_OPTS)
def _one_qubit(re, im, q, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off):
    s = 1 << q
    in_buffer = False
    for j in range(nsel):
        in_buffer |= sel[j] < active
    if not in_buffer:  # one block for the whole chunk
        h = _block(0, chunk, sel, nsel, active)
        if not skip[skip_off + h]:
            c = off + h * stride
            _pairs(re.reshape(-1, 2 * s), im.reshape(-1, 2 * s), s,
                   cr[c], ci[c], cr[c + 1], ci[c + 1], cr[c + 2], ci[c + 2], cr[c + 3], ci[c + 3])
        return
    run = s
    for j in range(nsel):  # a selector below the target splits runs where its value changes
        if sel[j] < q:
            run = min(run, 1 << sel[j])
    size = re.shape[0]
    for g in range(0, size, 2 * s):
        for u in range(g, g + s, run):
            h = _block(u, chunk, sel, nsel, active)
            if skip[skip_off + h]:
                continue
            c = off + h * stride
            e = u + run
            _pair(re[u:e], im[u:e], re[u + s:e + s], im[u + s:e + s],
                  cr[c], ci[c], cr[c + 1], ci[c + 1], cr[c + 2], ci[c + 2], cr[c + 3], ci[c + 3])


@nb.njit(inline="never", **_OPTS)
def _diagonal_rows(xr, xi, shift, bits, k, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off):
    # xr, xi: the buffer as rows (2^shift reals) over which the block and the index over ``bits`` stay
    # fixed, one coefficient a row. One call for the whole buffer: a call a run cost up to 2 ns an amplitude
    for g in range(xr.shape[0]):
        u = g << shift
        h = _block(u, chunk, sel, nsel, active)
        if skip[skip_off + h]:
            continue
        index = 0
        for j in range(k):
            index |= ((u >> bits[j]) & 1) << j
        c = off + h * stride + index
        dr = cr[c]
        di = ci[c]
        for x in range(xr.shape[1]):
            a = xr[g, x]
            b = xi[g, x]
            xr[g, x] = dr * a - di * b
            xi[g, x] = dr * b + di * a


@nb.njit(inline="never", **_OPTS)
def _diagonal_lane_rows(xr, xi, shift, bits, k, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off):
    # as _diagonal_rows over (rows, runs, lanes): a row's coefficients are one vector over the lanes.
    # Rows are often one run of 16 reals: their coefficient offsets come from two small tables (the low
    # 4 row bits and the rest add up: block and index are ORs of disjoint bits) rather than bit by bit
    lanes = xr.shape[2]
    rows = xr.shape[0]
    group = min(rows, 16)
    low_offset = np.empty(group, dtype=np.int64)
    low_block = np.empty(group, dtype=np.int64)
    for g in range(group):
        low_block[g], low_offset[g] = _row_offset(g << shift, chunk, sel, nsel, active, bits, k, stride, lanes, False)
    for top in range(0, rows, group):
        high_block, high_offset = _row_offset(top << shift, chunk, sel, nsel, active, bits, k, stride, lanes, True)
        for g in range(group):
            if skip[skip_off + high_block + low_block[g]]:
                continue
            c = off + high_offset + low_offset[g]
            _scale_lanes(xr[top + g], xi[top + g], cr[c:c + lanes], ci[c:c + lanes])


@nb.njit(inline="always", **_OPTS)
def _row_offset(u, chunk, sel, nsel, active, bits, k, stride, lanes, with_chunk):
    """(block, coefficient offset) of position ``u``'s bits; the chunk's outer selectors only ``with_chunk``."""
    h = 0
    for j in range(nsel):
        b = sel[j]
        if b >= active:
            if with_chunk:
                h |= ((chunk >> (b - active)) & 1) << j
        else:
            h |= ((u >> b) & 1) << j
    index = 0
    for j in range(k):
        index |= ((u >> bits[j]) & 1) << j
    return h, h * stride + index * lanes


@nb.njit(inline="never", **_OPTS)
def _scale_lanes(xr, xi, dr, di):
    # xr, xi: (runs, lanes)
    for r in range(xr.shape[0]):
        for x in range(xr.shape[1]):
            a = xr[r, x]
            b = xi[r, x]
            xr[r, x] = dr[x] * a - di[x] * b
            xi[r, x] = dr[x] * b + di[x] * a


@nb.njit(inline="always", **_OPTS)
def _lowest_split(bits, k, sel, nsel, active, floor):
    lowest = active
    for j in range(k):
        lowest = min(lowest, bits[j])
    for j in range(nsel):
        if sel[j] < active:
            lowest = min(lowest, sel[j])
    return max(lowest, floor)


@nb.njit(inline="always", **_OPTS)
def _diagonal_lanes(re, im, bits, k, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off):
    # coefficients per (block, index over the bits >= LANE_BITS) are vectors over the lanes
    shift = _lowest_split(bits, k, sel, nsel, active, LANE_BITS)
    lanes = 1 << LANE_BITS
    _diagonal_lane_rows(re.reshape(-1, (1 << shift) // lanes, lanes), im.reshape(-1, (1 << shift) // lanes, lanes),
                        shift, bits, k, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off)


@nb.njit(inline="always", **_OPTS)
def _two_qubit(re, im, bits, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off, tr, ti, ur, ui):
    s0 = 1 << bits[0]
    s1 = 1 << bits[1]
    run = min(s0, tr.shape[1])
    for j in range(nsel):
        if sel[j] < bits[0]:
            run = min(run, 1 << sel[j])
    size = re.shape[0]
    for g1 in range(0, size, 2 * s1):
        for g0 in range(g1, g1 + s1, 2 * s0):
            for u in range(g0, g0 + s0, run):
                h = _block(u, chunk, sel, nsel, active)
                if skip[skip_off + h]:
                    continue
                for a in range(4):
                    o = u + (a & 1) * s0 + (a >> 1) * s1
                    _copy(tr[a, :run], re[o:o + run])
                    _copy(ti[a, :run], im[o:o + run])
                _quad(tr, ti, ur, ui, cr, ci, off + h * stride, run)
                for a in range(4):
                    o = u + (a & 1) * s0 + (a >> 1) * s1
                    _copy(re[o:o + run], ur[a, :run])
                    _copy(im[o:o + run], ui[a, :run])


@nb.njit(inline="always", **_OPTS)
def _diagonal(re, im, bits, k, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off):
    shift = _lowest_split(bits, k, sel, nsel, active, 0)
    _diagonal_rows(re.reshape(-1, 1 << shift), im.reshape(-1, 1 << shift), shift, bits, k, sel, nsel, active, chunk,
                   cr, ci, off, stride, skip, skip_off)


@nb.njit(inline="always", **_OPTS)
def _dense(re, im, bits, k, sel, nsel, active, chunk, cr, ci, off, stride, skip, skip_off, tr, ti):
    dim = 1 << k
    offsets = np.zeros(dim, dtype=np.int64)
    for j in range(dim):
        o = 0
        for b in range(k):
            if (j >> b) & 1:
                o += 1 << bits[b]
        offsets[j] = o
    for g in range(re.shape[0] >> k):
        base = g
        for b in range(k):  # spread g's bits around zeros at the (ascending) bits
            p = bits[b]
            base = ((base >> p) << (p + 1)) | (base & ((1 << p) - 1))
        h = _block(base, chunk, sel, nsel, active)
        if skip[skip_off + h]:
            continue
        for j in range(dim):
            tr[j] = re[base + offsets[j]]
            ti[j] = im[base + offsets[j]]
        c0 = off + h * stride
        for a in range(dim):
            accr = 0.0
            acci = 0.0
            c = c0 + a * dim
            for b in range(dim):
                mr = cr[c + b]
                mi = ci[c + b]
                accr += mr * tr[b] - mi * ti[b]
                acci += mr * ti[b] + mi * tr[b]
            re[base + offsets[a]] = accr
            im[base + offsets[a]] = acci


def workspace_size(active: int, num_outer: int) -> int:
    """Reals of the buffers :func:`sweep` needs for a chunk of ``2**active`` amplitudes, one pair per thread."""
    return min(nb.get_num_threads(), 1 << num_outer) * (2 << active)


def sweep(state_floats, active, outer_positions, offsets_low, offsets_high, buffer_low, buffer_high,
          op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
          coef_re, coef_im, skip, run=1, *, workspace=None):
    """Gather each chunk (``state_floats`` is the state viewed as reals), apply every op, scatter back.

    ``run``: a power of two such that the first ``run`` entries of the low tables (and every block
    of ``run`` after them) step by one in the state and in the buffer (1: no such runs).
    ``workspace``: reals of ``coef_re``'s dtype for the chunk buffers, at least
    :func:`workspace_size` of them (None: allocated here). A plan's sweeps share one: fresh buffers
    per sweep cost page faults (at n = 20 as much as the gather and scatter themselves)."""
    workers = min(nb.get_num_threads(), 1 << outer_positions.shape[0])
    if workspace is None or workspace.shape[0] < workers * (2 << active):
        workspace = np.empty(workers * (2 << active), dtype=coef_re.dtype)
    _sweep(state_floats, active, outer_positions, offsets_low, offsets_high, buffer_low, buffer_high,
           op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
           coef_re, coef_im, skip, run, workers, workspace)


@nb.njit(parallel=True, **_OPTS)
def _sweep(state_floats, active, outer_positions, offsets_low, offsets_high, buffer_low, buffer_high,
           op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
           coef_re, coef_im, skip, run, workers, workspace):
    num_chunks = 1 << outer_positions.shape[0]
    dim_max = 1 << op_bits.shape[1]
    size = 1 << active
    for worker in nb.prange(workers):
        re = workspace[2 * worker * size:(2 * worker + 1) * size]
        im = workspace[(2 * worker + 1) * size:(2 * worker + 2) * size]
        tr = np.empty(dim_max, dtype=coef_re.dtype)
        ti = np.empty(dim_max, dtype=coef_re.dtype)
        qr = np.empty((4, _QUAD_RUN), dtype=coef_re.dtype)
        qi = np.empty((4, _QUAD_RUN), dtype=coef_re.dtype)
        ur = np.empty((4, _QUAD_RUN), dtype=coef_re.dtype)
        ui = np.empty((4, _QUAD_RUN), dtype=coef_re.dtype)
        for chunk in range(worker, num_chunks, workers):
            _chunk(state_floats, active, outer_positions, offsets_low, offsets_high, buffer_low, buffer_high,
                   op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
                   coef_re, coef_im, skip, run, chunk, re, im, tr, ti, qr, qi, ur, ui)


@nb.njit(inline="never", **_OPTS)
def _chunk(state_floats, active, outer_positions, offsets_low, offsets_high, buffer_low, buffer_high,
           op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
           coef_re, coef_im, skip, run, chunk, re, im, tr, ti, qr, qi, ur, ui):
    num_outer = outer_positions.shape[0]
    num_ops = op_type.shape[0]
    base = 0
    for j in range(num_outer):
        base |= ((chunk >> j) & 1) << outer_positions[j]
    _gather(state_floats, offsets_low, offsets_high, buffer_low, buffer_high, base, re, im, run)
    for o in range(num_ops):
        t = op_type[o]
        if t == 0:
            _one_qubit(re, im, op_target[o], op_sel[o], op_nsel[o], active, chunk, coef_re, coef_im,
                       op_data[o], op_stride[o], skip, op_skip[o])
        elif t == 4:
            _two_qubit(re, im, op_bits[o], op_sel[o], op_nsel[o], active, chunk, coef_re, coef_im,
                       op_data[o], op_stride[o], skip, op_skip[o], qr, qi, ur, ui)
        elif t == 3:
            _diagonal_lanes(re, im, op_bits[o], op_nbits[o], op_sel[o], op_nsel[o], active, chunk, coef_re,
                            coef_im, op_data[o], op_stride[o], skip, op_skip[o])
        elif t == 1:
            _diagonal(re, im, op_bits[o], op_nbits[o], op_sel[o], op_nsel[o], active, chunk, coef_re,
                      coef_im, op_data[o], op_stride[o], skip, op_skip[o])
        else:
            _dense(re, im, op_bits[o], op_nbits[o], op_sel[o], op_nsel[o], active, chunk, coef_re,
                   coef_im, op_data[o], op_stride[o], skip, op_skip[o], tr, ti)
    _scatter(state_floats, offsets_low, offsets_high, buffer_low, buffer_high, base, re, im, run)
