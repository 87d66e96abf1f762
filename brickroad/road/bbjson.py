"""Beebrain's file formats: .bb input and the getStats() JSON output.

``stats_from_bb`` is the whole pipeline for a .bb dict, error outputs
included, with keys and value conventions as Beebrain writes them.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from typing import Any, Optional

import numpy as np

from .dates import SECS, SID, dayify, dayparse, days_from_civil_many, daysnap
from .engine import compute
from .errors import RoadError
from .params import from_bb
from .types import DataColumns, Datapoint, GoalParams, RoadResult

PRESENTATION_KEYS = ("statsum", "ratesum", "deltasum", "graphsum", "progsum",
                     "safesum", "limsum", "headsum", "titlesum")

# Beebrain's out-param defaults; error outputs show these for whatever wasn't computed.
_DEFAULTS: dict[str, Any] = {
    "sadbrink": False, "safebump": None, "dueby": [], "fullroad": [], "pinkzone": [],
    "tluz": None, "tcur": None, "vcur": None, "vprev": None, "rcur": None, "ravg": None,
    "tdat": None, "stdflux": 0, "delta": 0, "lane": 666, "cntdn": 0, "numpts": 0,
    "mean": 0, "meandelt": 0, "proctm": 0, "statsum": "", "ratesum": "", "deltasum": "",
    "graphsum": "", "progsum": "", "safesum": "", "rah": 0, "safebuf": None, "error": "",
    "limsum": "", "headsum": "", "titlesum": "", "lnw": 0, "color": "black", "loser": False,
    "gldt": None, "goal": None, "rate": None, "road": [], "tini": None, "vini": None,
    "tfin": None, "vfin": None, "rfin": None,
}


def data_from_bb(rows: Any) -> DataColumns | list[Any]:
    """.bb data rows [[daystamp|unixtime, value, comment], ...] -> datapoints.

    Well-formed data comes back as DataColumns (daystamps parsed in bulk, the
    comments already checked), which is what keeps a 100k-point file cheap;
    anything odd comes back row by row, as given, so that compute() reports it
    with Beebrain's message (a row of more than three items goes that way too).
    """
    if not isinstance(rows, list):
        return []
    cols = _bulk_columns(rows)
    return cols if cols is not None else [_row(r) for r in rows]


def _bulk_columns(rows: list[Any]) -> Optional[DataColumns]:
    ts: list[Any] = []
    vs: list[Any] = []
    cs: list[Any] = []
    try:
        # One pass, each row unpacked in place: measured faster than a map() per column, and
        # zip(*rows) would make an iterator per row for the garbage collector to walk.
        for t, v, c in rows:
            ts.append(t)
            vs.append(v)
            cs.append(c)
        text = "\x00".join(cs)  # raises unless every comment is a string
    except (TypeError, ValueError):  # not a row of exactly three items somewhere
        return None
    t = _bulk_daystamps(ts)
    v = _floats(vs)
    if t is None or v is None:
        return None
    return DataColumns(t, v, cs, tare="TARE" in text, owned=True)


def _floats(xs: list[Any]) -> Optional[np.ndarray]:
    """Plain ints and floats (no bools, no numpy scalars: the row-by-row path's rule) as a float array, else None."""
    types = list(map(type, xs))
    # Counting the usual type is several times cheaper than hashing every type into a set
    # (list.count tries identity first); a mix of ints and floats takes the set.
    usual = int if types and types[0] is int else float
    if types.count(usual) != len(types) and not set(types) <= {int, float}:
        return None
    out = np.empty(len(xs))
    try:
        # struct packs the numbers as doubles straight into the array, at well under
        # np.fromiter's per-item cost (same conversion: ints rounded to the nearest float)
        struct.pack_into(f"={len(xs)}d", out, 0, *xs)
    except (OverflowError, struct.error):  # an int too big for a float: the row-by-row path refuses it
        return None
    return out


def _row(r: Any) -> Any:
    if isinstance(r, (list, tuple)) and len(r) >= 3:
        return Datapoint(dayparse(r[0]), r[1], r[2])
    if isinstance(r, (list, tuple)):
        return tuple(dayparse(x) if i == 0 else x for i, x in enumerate(r))
    return r


_COMMA = ord(",")
# Days from 1970 to the first of each month of 1000-2999: a daystamp's day number is then
# one lookup and an add, instead of the calendar arithmetic for every stamp.
_FIRST_YEAR, _YEARS = 1000, 2000
_MONTH_STARTS = days_from_civil_many(np.repeat(np.arange(_FIRST_YEAR, _FIRST_YEAR + _YEARS), 12),
                                     np.tile(np.arange(1, 13), _YEARS), np.ones(12 * _YEARS, dtype=np.int64))
# The same as unix seconds of the day before the month's first, at index year*12 + month
# (the slots below year 1000 are never read): a stamp's time is then _MONTH_SECS[y*12+m] + d*SID.
_MONTH_SECS = np.zeros(12 * (_FIRST_YEAR + _YEARS) + 13)
_MONTH_SECS[12 * _FIRST_YEAR + 1:12 * (_FIRST_YEAR + _YEARS) + 1] = (_MONTH_STARTS - 1).astype(float) * SID
_IDX_MIN, _IDX_MAX = 12 * _FIRST_YEAR + 1, 12 * (_FIRST_YEAR + _YEARS)
# Eight ASCII bytes read as one little-endian integer: masks and constants for all eight at once.
_U = np.uint64
_HIGH_NIBBLES, _LOW_NIBBLES = _U(0xF0F0F0F0F0F0F0F0), _U(0x0F0F0F0F0F0F0F0F)
_ASCII_DIGIT_HIGHS, _SIXES = _U(0x3030303030303030), _U(0x0606060606060606)
_BYTE = _U(0xFF)


def _bulk_daystamps(ts: list[Any]) -> Optional[np.ndarray]:
    """All-"YYYYMMDD" or all-numeric timestamps -> float array; None if mixed/odd."""
    try:
        joined = ",".join(ts)
    except TypeError:
        return _floats(ts)
    # Every stamp exactly 8 ASCII digits: then the joined text is rows of 8 digits and a comma,
    # read at once instead of parsing stamp by stamp: each stamp's 8 bytes as one integer
    # (first digit in the low byte), straight out of the text (a 9-byte stride).
    raw = (joined + ",").encode()
    n = len(ts)
    if len(raw) != 9 * n or not (np.frombuffer(raw, dtype=np.uint8)[8::9] == _COMMA).all():
        return None
    w = np.ndarray((n,), dtype="<u8", buffer=raw, strides=(9,))
    digits = w & _LOW_NIBBLES
    # each byte "0".."9": high nibble 3, and the low one at most 9 (adding 6 carries past 15)
    if not (((w & _HIGH_NIBBLES) == _ASCII_DIGIT_HIGHS).all() and not ((digits + _SIXES) & _HIGH_NIBBLES).any()):
        return None
    # pairs of digits: byte 2k becomes the two-digit number of digits 2k and 2k+1 (no carries)
    pairs = digits * _U(10) + (digits >> _U(8))
    m = (pairs >> _U(32)) & _BYTE
    d = (pairs >> _U(48)) & _BYTE
    ym = (pairs & _BYTE) * _U(1200) + ((pairs >> _U(16)) & _BYTE) * _U(12) + m  # year*12 + month
    if ((m - _U(1) >= _U(12)) | (d - _U(1) >= _U(31))).any():  # (0 wraps round to a big number)
        return None
    lo, hi = int(ym.min()), int(ym.max())
    if lo < _IDX_MIN:
        return None
    if hi > _IDX_MAX:
        y = (ym - m).astype(np.int64) // 12
        return days_from_civil_many(y, m.astype(np.int64), d.astype(np.int64)).astype(float) * SID
    # (a day past the month's end runs on into the next month, as the arithmetic does)
    return _MONTH_SECS[ym] + d * float(SID)


def _jsmul(a: Any, b: Any) -> Any:
    """a*b with JavaScript's null -> 0 coercion (Beebrain echoes rate = rfin*siru)."""
    a = 0 if a is None else a
    b = math.nan if b is None else b
    try:
        return float(a) * float(b)
    except (TypeError, ValueError):
        return math.nan


def _day(t: Any) -> Optional[str]:
    if t is None:
        return None
    try:
        return dayify(float(t))
    except (TypeError, ValueError):
        return "ERROR"


def error_stats(message: str, gp: Optional[GoalParams], asof: Any,
                partial: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """What Beebrain outputs when it refuses a goal: defaults, what it had computed, echoes."""
    out = dict(_DEFAULTS)
    out.update(partial or {})
    out["error"] = message
    fine = isinstance(asof, (int, float)) and not isinstance(asof, bool) and math.isfinite(asof)
    out["proctm"] = daysnap(asof) if fine else asof
    if gp is not None:
        siru = SECS.get(gp.runits) if isinstance(gp.runits, str) else None
        out.update(gldt=_day(gp.tfin), goal=gp.vfin, rate=_jsmul(gp.rfin, siru),
                   tini=_day(gp.tini), vini=gp.vini, tfin=_day(gp.tfin),
                   vfin=gp.vfin, rfin=gp.rfin)
    return out


def result_stats(res: RoadResult) -> dict[str, Any]:
    """A successful RoadResult in getStats() form (dates as daystamps)."""
    full = [[dayify(t), v, r] for t, v, r in res.fullroad]
    out = dict(_DEFAULTS)
    out.update(
        sadbrink=res.sadbrink, safebump=res.safebump,
        dueby=[[dayify(d.t), d.delta, d.value] for d in res.dueby],
        fullroad=full,
        pinkzone=[[dayify(t), v, r, n] for t, v, r, n in res.pinkzone],
        tluz=dayify(res.tluz), tcur=dayify(res.tcur), vcur=res.vcur, vprev=res.vprev,
        rcur=res.rcur, ravg=res.ravg, tdat=dayify(res.tdat), stdflux=res.stdflux,
        delta=res.delta, lane=res.lane, cntdn=res.cntdn, numpts=res.numpts,
        mean=res.mean, meandelt=res.meandelt, proctm=daysnap(res.asof), rah=res.rah,
        safebuf=res.safebuf, error="", lnw=0, color=res.color, loser=res.loser,
        gldt=full[-1][0], goal=full[-1][1], rate=full[-1][2], road=full,
        tini=dayify(res.tini), vini=res.vini, tfin=dayify(res.tfin), vfin=res.vfin,
        rfin=res.rfin,
    )
    return out


def load_bb(bb: Mapping[str, Any]) -> tuple[GoalParams, list[Datapoint]]:
    """Parse a .bb dict; raises RoadError (e.g. unknown params)."""
    params = bb.get("params") if isinstance(bb, Mapping) else None
    if not isinstance(params, Mapping):
        raise RoadError("Bad .bb file.")
    return from_bb(params), data_from_bb(bb.get("data"))


def stats_from_bb(bb: Mapping[str, Any], asof: Optional[float] = None, *,
                  with_tcur_unix: bool = False) -> dict[str, Any]:
    """Full Beebrain output for a .bb dict (error outputs included). Presentation keys stay "".

    with_tcur_unix adds "_tcur_unix", the exact tcur, for callers that need
    more than its daystamp (the summary texts do for non-midnight data).
    """
    gp: Optional[GoalParams] = None
    try:
        gp, data = load_bb(bb)
        if asof is not None:
            gp.asof = asof
        res = compute(gp, data)
        out = result_stats(res)
        if with_tcur_unix:
            out["_tcur_unix"] = res.tcur
        return out
    except RoadError as e:
        gp = e.params or gp
        when = asof if asof is not None else (gp.asof if gp is not None else None)
        return error_stats(e.message, gp, when, e.partial)
