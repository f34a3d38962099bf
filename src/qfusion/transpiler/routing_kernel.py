"""The SABRE inner loop compiled with numba: pick SWAPs over a dependency graph of instructions.

Plain arrays in, plain arrays out (so :mod:`qfusion.transpiler.routing` keeps the instructions):
node ``i`` is instruction ``i``; ``first[i]``, ``second[i]`` are its logical qubits when it is a
two-qubit gate (``second[i] = -1`` otherwise, such nodes never wait for adjacency); successors
are in CSR form. The result is the execution order, with ``-1`` entries standing for the SWAPs
listed in ``swap_a``/``swap_b`` (physical qubits), and the final layout.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _swap_change(i, a, b, where, first, second, distance):
    """How much a SWAP of physical qubits ``a`` and ``b`` changes the distance of gate ``i``."""
    p = where[first[i]]
    q = where[second[i]]
    before = distance[p, q]
    p = b if p == a else (a if p == b else p)
    q = b if q == a else (a if q == b else q)
    return distance[p, q] - before


@njit(cache=True)
def sabre_kernel(first, second, succ_ptr, succ_idx, indegree_in, distance, nb_ptr, nb_idx, layout_in,
                 seed, extended_size, extended_weight, decay_rate, decay_reset, merge_bonus):
    np.random.seed(seed)
    n_nodes = first.shape[0]
    n_phys = distance.shape[0]
    indegree = indegree_in.copy()
    where = layout_in.copy()                  # logical -> physical
    occupant = np.empty(n_phys, np.int64)     # physical -> logical
    for logical in range(n_phys):
        occupant[where[logical]] = logical
    front = np.empty(n_nodes, np.int64)
    n_front = 0
    for i in range(n_nodes):
        if indegree[i] == 0:
            front[n_front] = i
            n_front += 1
    capacity = n_nodes + 16 * n_nodes + 64
    order = np.empty(capacity, np.int64)
    swap_a = np.empty(capacity, np.int64)
    swap_b = np.empty(capacity, np.int64)
    n_order = 0
    n_swaps = 0
    decay = np.ones(n_phys)
    since_progress = 0
    extended = np.empty(extended_size, np.int64)
    n_extended = -1
    stamp = np.zeros(n_nodes, np.int64)
    generation = 0
    queue = np.empty(n_nodes, np.int64)
    candidates_a = np.empty(4 * n_phys + 8, np.int64)
    candidates_b = np.empty(4 * n_phys + 8, np.int64)
    new_front = np.empty(n_nodes, np.int64)
    partner = np.full(n_phys, -1, np.int64)   # physical partner of each qubit's last two-qubit gate
    best = np.empty(4 * n_phys + 8, np.int64)
    pair_stamp = np.zeros((n_phys, n_phys), np.int64)
    step = 0
    # the blocked front gate on each logical qubit (front gates share no qubit), and the extended
    # set's gates on each logical qubit in CSR form: a candidate SWAP only changes those distances
    front_on = np.full(n_phys, -1, np.int64)
    ext_count = np.zeros(n_phys + 1, np.int64)
    ext_ptr = np.zeros(n_phys + 1, np.int64)
    ext_on = np.empty(2 * extended_size, np.int64)
    while n_front > 0:
        progressed = True
        while progressed:
            progressed = False
            n_new = 0
            for k in range(n_front):
                i = front[k]
                if second[i] >= 0 and distance[where[first[i]], where[second[i]]] != 1.0:
                    new_front[n_new] = i
                    n_new += 1
                    continue
                if n_order >= capacity:
                    return order[:0], swap_a[:0], swap_b[:0], where
                order[n_order] = i
                n_order += 1
                progressed = True
                if second[i] >= 0:
                    pa = where[first[i]]
                    pb = where[second[i]]
                    partner[pa] = pb
                    partner[pb] = pa
                for s in range(succ_ptr[i], succ_ptr[i + 1]):
                    j = succ_idx[s]
                    indegree[j] -= 1
                    if indegree[j] == 0:
                        new_front[n_new] = j
                        n_new += 1
            for k in range(n_new):
                front[k] = new_front[k]
            n_front = n_new
            if progressed:
                decay[:] = 1.0
                since_progress = 0
                n_extended = -1
        if n_front == 0:
            break
        if n_extended < 0:
            generation += 1
            n_extended = 0
            n_queue = 0
            for k in range(n_front):
                stamp[front[k]] = generation
                queue[n_queue] = front[k]
                n_queue += 1
            head = 0
            while head < n_queue and n_extended < extended_size:
                i = queue[head]
                head += 1
                for s in range(succ_ptr[i], succ_ptr[i + 1]):
                    j = succ_idx[s]
                    if stamp[j] == generation:
                        continue
                    stamp[j] = generation
                    queue[n_queue] = j
                    n_queue += 1
                    if second[j] >= 0:
                        extended[n_extended] = j
                        n_extended += 1
                        if n_extended >= extended_size:
                            break
            ext_count[:] = 0
            for k in range(n_extended):
                i = extended[k]
                ext_count[first[i]] += 1
                ext_count[second[i]] += 1
            ext_ptr[0] = 0
            for p in range(n_phys):
                ext_ptr[p + 1] = ext_ptr[p] + ext_count[p]
                ext_count[p] = ext_ptr[p]
            for k in range(n_extended):
                i = extended[k]
                ext_on[ext_count[first[i]]] = i
                ext_count[first[i]] += 1
                ext_on[ext_count[second[i]]] = i
                ext_count[second[i]] += 1
        n_candidates = 0
        step += 1
        if since_progress > 10 * n_phys:
            i = front[0]
            a = where[first[i]]
            b = where[second[i]]
            best_n = -1
            for s in range(nb_ptr[a], nb_ptr[a + 1]):
                c = nb_idx[s]
                if best_n < 0 or distance[c, b] < distance[best_n, b]:
                    best_n = c
            candidates_a[0] = min(a, best_n)
            candidates_b[0] = max(a, best_n)
            n_candidates = 1
        else:
            for k in range(n_front):
                i = front[k]
                for side in range(2):
                    p = where[first[i]] if side == 0 else where[second[i]]
                    for s in range(nb_ptr[p], nb_ptr[p + 1]):
                        c = nb_idx[s]
                        lo = min(p, c)
                        hi = max(p, c)
                        if pair_stamp[lo, hi] != step:
                            pair_stamp[lo, hi] = step
                            candidates_a[n_candidates] = lo
                            candidates_b[n_candidates] = hi
                            n_candidates += 1
        # base costs; a SWAP of (a, b) only changes the gates on the logical qubits there
        front_total = 0.0
        for k in range(n_front):
            i = front[k]
            front_on[first[i]] = i
            front_on[second[i]] = i
            front_total += distance[where[first[i]], where[second[i]]]
        extended_total = 0.0
        for k in range(n_extended):
            i = extended[k]
            extended_total += distance[where[first[i]], where[second[i]]]
        best_score = np.inf
        n_best = 0
        for t in range(n_candidates):
            a = candidates_a[t]
            b = candidates_b[t]
            la = occupant[a]
            lb = occupant[b]
            front_cost = front_total
            for side in range(2):
                i = front_on[la] if side == 0 else front_on[lb]
                if i < 0 or (side == 1 and (first[i] == la or second[i] == la)):
                    continue
                front_cost += _swap_change(i, a, b, where, first, second, distance)
            score = front_cost
            if n_extended > 0:
                extended_cost = extended_total
                for side in range(2):
                    node = la if side == 0 else lb
                    for e in range(ext_ptr[node], ext_ptr[node + 1]):
                        i = ext_on[e]
                        if side == 1 and (first[i] == la or second[i] == la):
                            continue
                        extended_cost += _swap_change(i, a, b, where, first, second, distance)
                score += extended_weight * extended_cost / n_extended
            score *= max(decay[a], decay[b])
            if partner[a] == b and partner[b] == a:
                # the SWAP lands right after a gate on the same pair and merges with it when re-synthesised
                score -= merge_bonus
            if score < best_score - 1e-12:
                best_score = score
                best[0] = t
                n_best = 1
            elif score <= best_score + 1e-12:
                best[n_best] = t
                n_best += 1
        for k in range(n_front):
            i = front[k]
            front_on[first[i]] = -1
            front_on[second[i]] = -1
        choice = best[0] if n_best == 1 else best[np.random.randint(n_best)]
        a = candidates_a[choice]
        b = candidates_b[choice]
        if n_order >= capacity:
            return order[:0], swap_a[:0], swap_b[:0], where
        order[n_order] = -1
        n_order += 1
        swap_a[n_swaps] = a
        swap_b[n_swaps] = b
        n_swaps += 1
        la = occupant[a]
        lb = occupant[b]
        occupant[a] = lb
        occupant[b] = la
        where[la] = b
        where[lb] = a
        partner[a] = b
        partner[b] = a
        since_progress += 1
        decay[a] += decay_rate
        decay[b] += decay_rate
        if n_swaps % decay_reset == 0:
            decay[:] = 1.0
    return order[:n_order], swap_a[:n_swaps], swap_b[:n_swaps], where


@njit(cache=True, parallel=True)
def sabre_trials(forward, backward, full, distance, nb_ptr, nb_idx, layouts, seeds, iterations, swap_trials,
                 extended_size, extended_weight, decay_rate, decay_reset, merge_bonus):
    """Every SABRE layout trial at once, in parallel: trial ``t`` starts from ``layouts[t]``, is
    refined by ``iterations`` forward-backward passes and routed ``swap_trials`` times on the full
    problem, drawing the kernel seeds from ``seeds[t]`` in that order. ``forward``, ``backward`` and
    ``full`` are ``(first, second, succ_ptr, succ_idx, indegree)`` tuples. Returns the refined
    layouts and the SWAP count of each (trial, swap trial); each trial reseeds the generator of the
    thread it runs on, so the result does not depend on the thread count."""
    n_trials = layouts.shape[0]
    refined = layouts.copy()
    swaps = np.zeros((n_trials, swap_trials), np.int64)
    for t in prange(n_trials):
        layout = layouts[t].copy()
        for it in range(iterations):
            layout = sabre_kernel(forward[0], forward[1], forward[2], forward[3], forward[4], distance, nb_ptr,
                                  nb_idx, layout, seeds[t, 2 * it], extended_size, extended_weight, decay_rate,
                                  decay_reset, merge_bonus)[3]
            layout = sabre_kernel(backward[0], backward[1], backward[2], backward[3], backward[4], distance,
                                  nb_ptr, nb_idx, layout, seeds[t, 2 * it + 1], extended_size, extended_weight,
                                  decay_rate, decay_reset, merge_bonus)[3]
        for s in range(swap_trials):
            result = sabre_kernel(full[0], full[1], full[2], full[3], full[4], distance, nb_ptr, nb_idx, layout,
                                  seeds[t, 2 * iterations + s], extended_size, extended_weight, decay_rate,
                                  decay_reset, merge_bonus)
            # an exhausted kernel returns an empty order: count it as hopeless
            swaps[t, s] = result[1].shape[0] if result[0].shape[0] > 0 or full[0].shape[0] == 0 else 1 << 62
        refined[t] = layout
    return refined, swaps
