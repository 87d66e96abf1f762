"""Per-timestamp aggregation (aggday), kyoom and #TARE odometer resets.

Everything is vectorised over groups of equal timestamps. Sums are folded
left to right starting from 0, exactly like JavaScript's reduce, because a
last-bit difference can flip a "right on the red line" decision downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

# Aliases map onto the same behaviour; the set is what params may name.
_SUM_BASED = {"sum", "triangle", "square", "kyshoc", "skatesum", "cap1", "satsum", "sqrt"}
AGGDAY_METHODS = frozenset({
    "last", "first", "min", "max",
    "truemean", "mu", "average",          # plain mean
    "mean", "uniqmean", "munique",        # mean of de-duplicated values
    "median", "mode", "trimmean", "mutrim",
    "jolly", "binary", "nonzero", "unaryflat", "count", "clocky",
} | _SUM_BASED)

_ROUNDS_LIMIT = 64  # groups longer than this are folded one by one


def group_bounds(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and sizes of runs of equal values in a sorted array."""
    n = len(ts)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    brk = np.flatnonzero(ts[1:] != ts[:-1]) + 1
    starts = np.concatenate(([0], brk)).astype(np.int64)
    sizes = np.diff(np.concatenate((starts, [n]))).astype(np.int64)
    return starts, sizes


def _order_free(vals: np.ndarray) -> bool:
    """Whole numbers whose absolute total is below 2**53: every partial sum is exact, in any order.

    Then one cumulative sum gives each group's left fold bit for bit (most
    goals count things), without the fold's loop over positions in a group.
    """
    with np.errstate(all="ignore"):
        return bool(np.abs(vals).sum() < 2.0**53) and bool((vals == np.trunc(vals)).all())


def seq_sums(vals: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per-group left fold 0 + a0 + a1 + ... (groups may be empty)."""
    out = np.zeros(len(starts))
    if len(starts) == 0:
        return out
    if _order_free(vals):
        total = np.concatenate(([0.0], np.cumsum(vals, dtype=float)))
        return total[starts + sizes] - total[starts]
    big = sizes > _ROUNDS_LIMIT
    active = np.flatnonzero(~big & (sizes > 0))
    j = 0
    while active.size:
        out[active] += vals[starts[active] + j]
        j += 1
        active = active[sizes[active] > j]
    for g in np.flatnonzero(big):
        s = starts[g]
        out[g] = np.cumsum(np.concatenate(([0.0], vals[s:s + sizes[g]])))[-1]
    return out


def seq_prefix(vals: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Running sums restarting at each group, same fold order as seq_sums."""
    if _order_free(vals):
        total = np.cumsum(vals, dtype=float)
        before = np.concatenate(([0.0], total))[starts]
        return total - np.repeat(before, sizes)
    acc = vals.astype(float, copy=True)
    big = sizes > _ROUNDS_LIMIT
    active = np.flatnonzero(~big & (sizes > 1))
    j = 1
    while active.size:
        idx = starts[active] + j
        acc[idx] = acc[idx - 1] + vals[idx]
        j += 1
        active = active[sizes[active] > j]
    for g in np.flatnonzero(big):
        s = starts[g]
        acc[s:s + sizes[g]] = np.cumsum(vals[s:s + sizes[g]])
    return acc


def _masked_sums(vals: np.ndarray, gid: np.ndarray, ngroups: int) -> tuple[np.ndarray, np.ndarray]:
    """Sums (and counts) over a selection whose group ids are non-decreasing."""
    counts = np.bincount(gid, minlength=ngroups).astype(np.int64)
    starts = np.cumsum(counts) - counts
    return seq_sums(vals, starts, counts), counts


def _group_ids(sizes: np.ndarray) -> np.ndarray:
    """Each value's group number (only the methods that regroup values need it)."""
    return np.repeat(np.arange(len(sizes)), sizes)


def _all_single(sizes: np.ndarray) -> bool:
    return bool((sizes == 1).all())


def _sorted_within(vals: np.ndarray, gid: np.ndarray) -> np.ndarray:
    return vals[np.lexsort((vals, gid))]


def _mode(vals: list[float]) -> float:
    # The first value to push the running maximum count up wins ties.
    counts: dict[float, int] = {}
    best, most = vals[0], 0
    for v in vals:
        c = counts.get(v, 0) + 1
        counts[v] = c
        if c > most:
            most, best = c, v
    return best


def aggregate_values(vals: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                     method: str, rsk8: float = 0.0) -> np.ndarray:
    """The aggday value of each group of same-timestamp values."""
    ng = len(starts)
    ends = starts + sizes - 1
    if ng == 0:
        return np.zeros(0)
    if method == "last":
        return vals[ends].astype(float)
    if method == "first":
        return vals[starts].astype(float)
    if method == "min":
        return np.minimum.reduceat(vals, starts).astype(float)
    if method == "max":
        return np.maximum.reduceat(vals, starts).astype(float)
    if method in ("jolly", "binary"):
        return np.ones(ng)
    if method == "count":
        return sizes.astype(float)
    if method in ("nonzero", "unaryflat"):
        return np.logical_or.reduceat(vals != 0, starts).astype(float)
    if method in ("truemean", "mu", "average"):
        return seq_sums(vals, starts, sizes) / sizes
    if method in ("mean", "uniqmean", "munique"):
        if _all_single(sizes):
            return vals.astype(float)
        gid = _group_ids(sizes)
        order = np.lexsort((np.arange(len(vals)), vals, gid))
        sv, sg = vals[order], gid[order]
        first = np.ones(len(vals), dtype=bool)
        first[1:] = (sv[1:] != sv[:-1]) | (sg[1:] != sg[:-1])
        keep = np.zeros(len(vals), dtype=bool)
        keep[order[first]] = True
        s, c = _masked_sums(vals[keep], gid[keep], ng)
        return s / c
    if method == "median":
        if _all_single(sizes):
            return vals.astype(float)
        sv = _sorted_within(vals, _group_ids(sizes))
        lo = starts + (sizes - 1) // 2
        hi = starts + sizes // 2
        odd = sizes % 2 == 1
        return np.where(odd, sv[lo], (sv[lo] + sv[hi]) / 2)
    if method in ("trimmean", "mutrim"):
        sv = _sorted_within(vals, _group_ids(sizes))
        k = np.floor(0.1 * sizes).astype(np.int64)
        return seq_sums(sv, starts + k, sizes - 2 * k) / (sizes - 2 * k)
    if method == "mode":
        out = vals[starts].astype(float)
        for g in np.flatnonzero(sizes > 1):
            out[g] = _mode(vals[starts[g]:starts[g] + sizes[g]].tolist())
        return out
    if method == "clocky":
        pos = np.arange(len(vals)) - np.repeat(starts, sizes)
        odd = pos % 2 == 1
        idx = np.flatnonzero(odd)
        diffs = vals[idx] - vals[idx - 1]
        s, _ = _masked_sums(diffs, _group_ids(sizes)[idx], ng)
        return s
    if method in _SUM_BASED:
        s = seq_sums(vals, starts, sizes)
        if method == "sum":
            return s
        if method == "triangle":
            return s * (s + 1) / 2
        if method == "square":
            return s * s
        if method == "kyshoc":
            return np.minimum(2600.0, s)
        if method == "skatesum":
            return np.minimum(rsk8, s)
        if method in ("cap1", "satsum"):
            return np.minimum(1.0, s)
        with np.errstate(invalid="ignore"):
            return np.sqrt(s)
    raise ValueError(f"unknown aggday {method!r}")


_TARE = re.compile(r"(?<![\w#@])[#@]TARE(?!\w)")


def tare_mask(comments: list[str], joined: str | None = None) -> np.ndarray:
    """Which datapoints carry a #TARE (odometer reset) tag (`joined`: the comments joined by NULs, if at hand)."""
    mask = np.zeros(len(comments), dtype=bool)
    if "TARE" not in (joined if joined is not None else "\x00".join(comments)):
        return mask
    for i, c in enumerate(comments):
        if "TARE" in c and _TARE.search(c):
            mask[i] = True
    return mask


def apply_tare(vals: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Odometer resets: after each tagged point, add the reading it reset from.

    Like Beebrain's odomify, the amount carried over is the previous raw
    reading, accumulated across resets.
    """
    if len(vals) < 2 or not mask[1:].any():
        return vals
    carry = np.where(mask[1:], vals[:-1], 0.0)
    out = vals.astype(float, copy=True)
    out[1:] = vals[1:] + np.cumsum(carry)
    return out


@dataclass
class Aggregated:
    t: np.ndarray        # one entry per distinct timestamp, ascending
    v: np.ndarray        # plotted value (kyoom'd when kyoom)
    starts: np.ndarray
    sizes: np.ndarray
    vals: np.ndarray     # the raw values aggregated
    method: str
    kyoom: bool
    rsk8: float = 0.0

    @cached_property
    def raw_v(self) -> np.ndarray:
        """Each raw point's plotted value (Beebrain's allvals): only the graph's series need it."""
        if not self.kyoom:
            return self.vals.astype(float)
        pre = np.concatenate(([0.0], self.v[:-1]))
        pre_each = np.repeat(pre, self.sizes)
        if self.method == "sum":
            return seq_prefix(self.vals, self.starts, self.sizes) + pre_each
        return self.vals + pre_each


def aggregate(ts: np.ndarray, vals: np.ndarray, method: str, kyoom: bool,
              rsk8: float = 0.0, prior: Aggregated | None = None) -> Aggregated:
    """Aggregate sorted raw points per timestamp, then accumulate if kyoom.

    `prior`: this function's result for an earlier state of these points,
    whose points before its last group the caller vouches are unchanged and
    still first (new points went after them). Only the groups from prior's
    last one on are aggregated again: a write to a big goal then costs what
    its new points cost, not what all its points do.
    """
    if prior is not None and _extends(prior, ts, method, kyoom, rsk8):
        return _extend(prior, ts, vals)
    starts, sizes = group_bounds(ts)
    ad = aggregate_values(vals, starts, sizes, method, rsk8)
    return Aggregated(ts[starts], np.cumsum(ad) if kyoom else ad, starts, sizes, vals, method, kyoom, rsk8)


def _extends(prior: Aggregated, ts: np.ndarray, method: str, kyoom: bool, rsk8: float) -> bool:
    if (prior.method, prior.kyoom, prior.rsk8) != (method, kyoom, rsk8) or not len(prior.starts):
        return False
    g = len(prior.starts) - 1
    s = int(prior.starts[g])
    # Spot checks on the caller's word: the last group left alone ends where it did, and no
    # new point joined it (the last old group, redone, begins a group of its own).
    return s < len(ts) and (s == 0 or (ts[s - 1] == prior.t[g - 1] and ts[s] > ts[s - 1]))


def _extend(prior: Aggregated, ts: np.ndarray, vals: np.ndarray) -> Aggregated:
    """Every group stands alone (a left fold from 0, or a pick): redo the last old one and the new ones."""
    g = len(prior.starts) - 1
    s = int(prior.starts[g])
    starts, sizes = group_bounds(ts[s:])
    ad = aggregate_values(vals[s:], starts, sizes, prior.method, prior.rsk8)
    if prior.kyoom:
        # Carry on the running total exactly as one cumsum over every group would.
        ad = np.cumsum(np.concatenate((prior.v[g - 1:g], ad)))[1:] if g else np.cumsum(ad)
    return Aggregated(
        np.concatenate((prior.t[:g], ts[s:][starts])), np.concatenate((prior.v[:g], ad)),
        np.concatenate((prior.starts[:g], starts + s)), np.concatenate((prior.sizes[:g], sizes)),
        vals, prior.method, prior.kyoom, prior.rsk8,
    )
