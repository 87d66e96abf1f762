"""Per-timestamp aggregation (aggday), kyoom and #TARE odometer resets.

Everything is vectorised over groups of equal timestamps. Sums are folded
left to right starting from 0, exactly like JavaScript's reduce, because a
last-bit difference can flip a "right on the red line" decision downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import numpy as np

_ROUNDS_LIMIT = 64  # groups longer than this are folded one by one


def group_bounds(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and sizes of runs of equal values in a sorted array."""
    n = len(ts)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    differs = ts[1:] != ts[:-1]
    if differs.all():  # every timestamp its own (one point a day): no runs to find
        return np.arange(n, dtype=np.int64), np.ones(n, dtype=np.int64)
    brk = np.flatnonzero(differs) + 1
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
    if bool((sizes == 1).all()):  # one value a group (one point a day): 0 + a is a, bar -0
        # (as many groups as values, one each, in order: the groups are the values themselves)
        return vals + 0.0 if len(starts) == len(vals) else vals[starts] + 0.0
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


class _Groups:
    """Runs of same-timestamp values, with the derived arrays some methods need, each built once."""

    def __init__(self, vals: np.ndarray, starts: np.ndarray, sizes: np.ndarray, rsk8: float) -> None:
        self.vals, self.starts, self.sizes, self.rsk8 = vals, starts, sizes, rsk8

    @cached_property
    def single(self) -> bool:
        """Every group one value (one point a day): a pick is the value itself."""
        return bool((self.sizes == 1).all())

    def pick(self, at: np.ndarray) -> np.ndarray:
        """One value of each group, by position, as floats (a copy)."""
        return self.vals.astype(float) if self.single and len(self.vals) == len(self.sizes) else self.vals[at].astype(float)

    @cached_property
    def ids(self) -> np.ndarray:
        """Each value's group number."""
        return np.repeat(np.arange(len(self.sizes)), self.sizes)

    @cached_property
    def sums(self) -> np.ndarray:
        return seq_sums(self.vals, self.starts, self.sizes)

    @cached_property
    def sorted_vals(self) -> np.ndarray:
        """Values sorted within each group."""
        return self.vals[np.lexsort((self.vals, self.ids))]

    def sums_where(self, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Left-fold sums and counts of the kept values of each group, in their order."""
        counts = np.bincount(self.ids[keep], minlength=len(self.sizes)).astype(np.int64)
        starts = np.cumsum(counts) - counts
        return seq_sums(self.vals[keep], starts, counts), counts


def _mean_of(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Beebrain's mean: the sum over the count, and 0 for nothing."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)


def _unique_mean(g: _Groups) -> np.ndarray:
    """Mean of each group's values with repeats dropped (the first of each kept, order unchanged)."""
    if bool((g.sizes == 1).all()):
        return g.vals.astype(float)
    order = np.lexsort((np.arange(len(g.vals)), g.vals, g.ids))
    sv, sg = g.vals[order], g.ids[order]
    first = np.ones(len(g.vals), dtype=bool)
    first[1:] = (sv[1:] != sv[:-1]) | (sg[1:] != sg[:-1])
    keep = np.zeros(len(g.vals), dtype=bool)
    keep[order[first]] = True
    return _mean_of(*g.sums_where(keep))


def _median(g: _Groups) -> np.ndarray:
    if bool((g.sizes == 1).all()):
        return g.vals.astype(float)
    sv = g.sorted_vals
    lo = g.starts + (g.sizes - 1) // 2
    hi = g.starts + g.sizes // 2
    return np.where(g.sizes % 2 == 1, sv[lo], (sv[lo] + sv[hi]) / 2)


def _trimmed_mean(g: _Groups) -> np.ndarray:
    """Mean after dropping floor(10%) of the values from each end of the sorted group."""
    if bool((g.sizes == 1).all()):
        return g.vals.astype(float)
    k = np.floor(0.1 * g.sizes).astype(np.int64)
    return seq_sums(g.sorted_vals, g.starts + k, g.sizes - 2 * k) / (g.sizes - 2 * k)


def _mode_each(g: _Groups) -> np.ndarray:
    out = g.vals[g.starts].astype(float)
    for i in np.flatnonzero(g.sizes > 1):
        out[i] = _mode(g.vals[g.starts[i]:g.starts[i] + g.sizes[i]].tolist())
    return out


def _clocky(g: _Groups) -> np.ndarray:
    """Sum of the differences of consecutive pairs (a1-a0 + a3-a2 + ...); an odd last value is ignored."""
    pos = np.arange(len(g.vals)) - np.repeat(g.starts, g.sizes)
    second = pos % 2 == 1
    diffs = np.zeros(len(g.vals))
    idx = np.flatnonzero(second)
    diffs[idx] = g.vals[idx] - g.vals[idx - 1]
    sub = _Groups(diffs, g.starts, g.sizes, g.rsk8)
    return sub.sums_where(second)[0]


def _any_nonzero(g: _Groups) -> np.ndarray:
    return np.logical_or.reduceat(g.vals != 0, g.starts).astype(float)


def _count_nonzero(g: _Groups) -> np.ndarray:
    return np.add.reduceat((g.vals != 0).astype(np.int64), g.starts).astype(float)


def _mean_nonzero(g: _Groups) -> np.ndarray:
    return _mean_of(*g.sums_where(g.vals != 0))


def _sqrt(g: _Groups) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(g.sums)  # NaN for a negative sum, as in JavaScript


def _plain_mean(g: _Groups) -> np.ndarray:
    return g.sums / g.sizes


def _ones(g: _Groups) -> np.ndarray:
    return np.ones(len(g.starts))


# Beebrain's aggday methods, one entry each (aliases share a function). "flat" variants
# leave zero values out. Every method looks at one group alone, which is what lets
# aggregate(prior=) redo only the groups that changed.
_METHODS: dict[str, Callable[[_Groups], np.ndarray]] = {
    "last": lambda g: g.pick(g.starts + g.sizes - 1),
    "first": lambda g: g.pick(g.starts),
    "min": lambda g: g.pick(g.starts) if g.single else np.minimum.reduceat(g.vals, g.starts).astype(float),
    "max": lambda g: g.pick(g.starts) if g.single else np.maximum.reduceat(g.vals, g.starts).astype(float),
    "sum": lambda g: g.sums,
    "count": lambda g: g.sizes.astype(float),
    "countflat": _count_nonzero,
    "truemean": _plain_mean, "mu": _plain_mean, "average": _plain_mean,
    "mean": _unique_mean, "uniqmean": _unique_mean, "munique": _unique_mean,
    "muflat": _mean_nonzero,
    "trimmean": _trimmed_mean, "mutrim": _trimmed_mean,
    "median": _median,
    "mode": _mode_each,
    "binary": _ones, "jolly": _ones, "unary": _ones,
    "nonzero": _any_nonzero, "unaryflat": _any_nonzero,
    "triangle": lambda g: g.sums * (g.sums + 1) / 2,
    "square": lambda g: g.sums * g.sums,
    "clocky": _clocky,
    "skatesum": lambda g: np.minimum(g.rsk8, g.sums),
    "satsum": lambda g: np.minimum(1.0, g.sums), "cap1": lambda g: np.minimum(1.0, g.sums),
    "sqrt": _sqrt,
}
AGGDAY_METHODS = frozenset(_METHODS)


def aggregate_values(vals: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                     method: str, rsk8: float = 0.0) -> np.ndarray:
    """The aggday value of each group of same-timestamp values (rsk8: skatesum's daily cap)."""
    fn = _METHODS.get(method)
    if fn is None:
        raise ValueError(f"unknown aggday {method!r}")
    if len(starts) == 0:
        return np.zeros(0)
    return fn(_Groups(vals, starts, sizes, rsk8))


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
    """Odometer resets: a tagged reading restarts the count, and the total carries on from there.

    As in Beebrain, the tagged point itself continues the previous reading (its
    own value becomes the new zero), so every later reading gains the previous
    raw reading minus the tagged one, accumulated across resets.
    """
    if len(vals) < 2 or not mask[1:].any():
        return vals
    carry = np.where(mask[1:], vals[:-1] - vals[1:], 0.0)
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
    t = ts.copy() if len(starts) == len(ts) else ts[starts]  # (a copy: ts may be the caller's)
    return Aggregated(t, np.cumsum(ad) if kyoom else ad, starts, sizes, vals, method, kyoom, rsk8)


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
