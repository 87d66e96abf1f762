"""Beebrain's human-readable summaries (the "presentation" out-params).

Entry point: :func:`summaries`.  It takes the goal's .bb params and the core
numbers Beebrain computed (exactly as they appear in its stats output) and
produces the nine text keys: statsum, ratesum, deltasum, graphsum, progsum,
safesum, limsum, headsum, titlesum.

The core stats carry almost everything.  Two things are not in them:

* the red line at arbitrary times (for "@ +X / week" in graphsum and the
  limit value in limsum for do-less goals).  We rebuild Beebrain's internal
  segment list from the params (same construction as its road processing,
  which is *not* quite the filled-in ``fullroad``: implied end dates are not
  day-snapped there), and evaluate it.
* the exact internal ``tcur`` timestamp.  The stats only give its day.  It is
  a UTC midnight whenever datapoints are daystamps (the normal case); if the
  data used raw unixtimes that are not midnight, the core must pass the exact
  value as ``tcur_unix`` or graphsum may differ.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .numfmt import (
    SID,
    conservaround,
    dayparse,
    daysnap,
    js_loose_eq,
    js_str,
    shd,
    shn,
    shn_value,
    splur,
    title_case,
)

DIY = 365.25  # days in a year, as Beebrain counts them
BDUSK = 4102444799.0  # 2099-12-31 23:59:59 UTC, Beebrain's end of days

# Seconds per rate unit and their names
SECS: dict[str, float] = {"y": DIY * SID, "m": DIY * SID / 12, "w": 7 * SID,
                          "d": SID, "h": 3600}
UNAM: dict[str, str] = {"y": "year", "m": "month", "w": "week", "d": "day",
                        "h": "hour"}

# Defaults Beebrain applies to in-params that are absent from the .bb file
# (only the ones the summaries read).
DEFAULTS: dict[str, Any] = {
    "quantum": 1e-5,
    "runits": "w",
    "gunits": "units",
    "yaw": 0,
    "dir": 0,
    "kyoom": False,
    "yoog": "U/G",
}

TEXT_KEYS: tuple[str, ...] = ("statsum", "ratesum", "deltasum", "graphsum",
                              "progsum", "safesum", "limsum", "headsum",
                              "titlesum")


# ---------------------------------------------------------------------------
# The red line, as Beebrain's internal segment list
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    t0: float
    v0: float
    t1: float
    v1: float
    slope: float  # per second


def _jsdiv(a: float, b: float) -> float:
    """Division with JS semantics (x/0 is +-Infinity or NaN, never an error)."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _num(x: Any) -> float:
    """JS Number() for the values a road row can hold."""
    if x is None:
        return 0.0
    if isinstance(x, str):
        try:
            return float(x) if x.strip() else 0.0
        except ValueError:
            return math.nan
    return float(x)


def build_segments(params: Mapping[str, Any], siru: float) -> list[Segment]:
    """Rebuild Beebrain's red-line segments from the goal params.

    Mirrors how Beebrain turns the graph matrix into segments: a flat lead-in
    of ~100 years ending at (tini, vini), one segment per matrix row (plus the
    final [tfin, vfin, rfin] row), rows going backwards in time dropped, and a
    flat ~100-year tail.  Implied end dates are min(BDUSK, ...) but not
    day-snapped here, unlike in fullroad, which is why fullroad alone is not
    enough to evaluate the line exactly.
    """
    tini = dayparse(params.get("tini"))
    vini = params.get("vini")
    rows: list[tuple[float | None, Any, Any]] = []
    for r in params.get("road") or []:
        rows.append((dayparse(r[0]), r[1], r[2]))
    vfin = params["vfin"] if "vfin" in params else params.get("goal")
    rfin = params["rfin"] if "rfin" in params else params.get("rate")
    rows.append((dayparse(params.get("tfin")), vfin, rfin))

    if tini is None:
        tini = math.nan
    if rows[0][0] is not None and rows[0][0] < tini:
        tini = rows[0][0]
        if rows[0][1] is not None:
            vini = rows[0][1]
    v_start = _num(vini)
    segs = [Segment(daysnap(tini - 100 * SID * DIY), v_start, tini, v_start, 0.0)]

    for date, value, rate in rows:
        t0, v0 = segs[-1].t1, segs[-1].v1
        if date is None:
            slope = _num(rate) / siru
            if slope != 0:
                t1 = t0 + _jsdiv(_num(value) - v0, slope)
            else:
                t1 = BDUSK
            t1 = min(BDUSK, t1)
            # end value recomputed from the clipped date
            v1 = v0 + slope * (t1 - t0)
        elif value is None:
            slope = _num(rate) / siru
            t1 = date
            v1 = v0 + slope * (t1 - t0)
        elif rate is None:
            t1, v1 = date, _num(value)
            slope = _jsdiv(v1 - v0, t1 - t0)
        else:  # not a valid row; Beebrain would have errored out earlier
            continue
        if t1 >= t0:
            segs.append(Segment(t0, v0, t1, v1, slope))

    last = segs[-1]
    segs.append(Segment(last.t1, last.v1, daysnap(last.t1 + 100 * SID * DIY),
                        last.v1, 0.0))
    return segs


def find_seg(segs: Sequence[Segment], x: float) -> int:
    """Index of the segment used for time x: the last one starting at or
    before x, so at a kink or a vertical jump the segment AFTER wins."""
    n = len(segs) - 1
    if x < segs[0].t0 or x > segs[n].t1:
        return -1
    s, e = 0, n
    while e - s > 1:
        m = (s + e) // 2
        if segs[m].t0 <= x:
            s = m
        else:
            e = m
    if segs[e].t0 <= x < segs[e].t1:
        s = e
    return s


def rdf(segs: Sequence[Segment], x: float) -> float:
    """Red line value at time x."""
    i = find_seg(segs, x)
    if i < 0:
        return math.nan
    sg = segs[i]
    dt = x - sg.t0
    if dt == 0 and math.isinf(sg.slope):
        return math.nan  # JS: Infinity*0
    return sg.v0 + sg.slope * dt


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------

def _f(x: Any) -> float:
    """A stats number as a double; JSON null stands for a JS NaN/Infinity
    (JSON.stringify writes those as null), so it reads back as NaN."""
    return math.nan if x is None else float(x)


def _js_min(xs: Sequence[float]) -> float:
    """Math.min: any NaN poisons the result (Python's min would not)."""
    return math.nan if any(math.isnan(x) for x in xs) else min(xs)


def _js_max(xs: Sequence[float]) -> float:
    return math.nan if any(math.isnan(x) for x in xs) else max(xs)


def _param(params: Mapping[str, Any], key: str) -> Any:
    return params[key] if key in params else DEFAULTS[key]


def _sign(x: float) -> float:
    if math.isnan(x):
        return math.nan
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def rescale(x: float, a: float, b: float, c: float, d: float) -> float:
    """x mapped linearly from [a,b] to [c,d] (a step if a and b coincide)."""
    if abs(a - b) < 1e-7:
        return c if x <= (a + b) / 2 else d
    return c + (x - a) / (b - a) * (d - c)


def summaries(params: Mapping[str, Any], stats: Mapping[str, Any], *,
              tcur_unix: float | None = None) -> dict[str, str]:
    """Beebrain's nine presentation strings for one goal.

    params: the .bb params (missing keys take Beebrain's defaults).
    stats: Beebrain's core out-params as they appear in its output (dates as
      'YYYYMMDD' strings).  Uses error, tini, vini, tcur, vcur, tfin, vfin,
      rfin, ravg, rcur, fullroad, delta, lane, safebuf, safebump, cntdn,
      numpts, color.
    tcur_unix: the exact internal tcur timestamp.  Only needed when it is not
      the UTC midnight of stats['tcur'], which happens only for datapoints
      given as raw unixtimes that are not midnights: it then decides the
      "[asof] " prefix and the day count in graphsum.

    On error outputs Beebrain never reaches its summary step, so every text
    is empty.
    """
    out = {k: "" for k in TEXT_KEYS}
    if stats.get("error"):
        return out

    yaw = float(_param(params, "yaw"))
    dr = float(_param(params, "dir"))
    runits = _param(params, "runits")
    siru = SECS[runits]
    q = _param(params, "quantum")
    gunits = js_str(_param(params, "gunits"))
    kyoom = bool(_param(params, "kyoom"))
    yoog = js_str(_param(params, "yoog"))
    asof = dayparse(params.get("asof"))

    moar = yaw > 0 and dr > 0
    phat = yaw < 0 and dr < 0
    ween = yaw < 0 and dr > 0
    rash = yaw > 0 and dr < 0

    # The params hold tini at full precision (a raw unixtime stays raw in
    # Beebrain); the stats only give its day.
    tini = dayparse(params["tini"]) if params.get("tini") is not None \
        else dayparse(stats["tini"])
    tcur = tcur_unix if tcur_unix is not None else dayparse(stats["tcur"])
    tfin = dayparse(stats["tfin"])
    vini = _f(stats["vini"])
    vcur = _f(stats["vcur"])
    vfin = _f(stats["vfin"])
    rfin = _f(stats["rfin"])
    delta = _f(stats["delta"])
    safebuf = _f(stats["safebuf"])
    cntdn = _f(stats["cntdn"])
    lane = _f(stats["lane"])

    # Amounts that bear on staying on track are conservarounded to the goal's
    # quantum (in the yaw direction unless told otherwise); a null quantum
    # falls back to plain shn.
    def qshn(x: float, e: float = yaw, t: int = 4, d: int = 2) -> str:
        if q is None:
            return shn(x, t, d, int(e))
        return js_str(conservaround(x, q, int(_sign(e))))

    def qshns(x: float, e: float = yaw) -> str:
        return ("+" if x >= 0 else "") + qshn(x, e)

    segs = build_segments(params, siru)

    # ratesum: range of the red line's rates, listed smaller-magnitude first
    rates = [_f(r[2]) for r in stats["fullroad"][1:]]
    minr, maxr = _js_min(rates), _js_max(rates)
    if abs(minr) > abs(maxr):
        minr, maxr = maxr, minr
    smin, smax = shn(minr, 4, 2), shn(maxr, 4, 2)
    if minr == maxr:
        ratesum = smin + " per " + UNAM[runits]
    else:
        ratesum = ("between " + smin + " and " + smax + " per " + UNAM[runits]
                   + " (current: " + shn(_f(stats["rcur"]), 4, 2)
                   + ", average: " + shn(_f(stats["ravg"]), 4, 2) + ")")

    # progsum: percent done by time and by value
    at, xt, bt = daysnap(tini), daysnap(tcur), daysnap(tfin)
    pt: float | str = "??" if at == bt else shn_value(rescale(xt, at, bt, 0, 100), 1, 1)
    if vini == vfin:
        behind = (vcur < vini and yaw > 0) or (vcur > vini and yaw < 0)
        pv: float | str = "00" if behind else "100"
    elif abs(vini - vfin) < 1e-7:
        mid = (vini + vfin) / 2
        behind = (vcur < mid and yaw > 0) or (vcur > mid and yaw < 0)
        pv = "~0" if behind else "~100"
    else:
        pv = shn_value(rescale(vcur, vini, vfin, 0, 100), 1, 1)
    # JS `==` here, so a numeric 0 matches the string '00'
    if js_loose_eq(pt, pv):
        progsum = js_str(pt) + "% done"
    else:
        progsum = js_str(pt) + "% done by time -- " + js_str(pv) + "% by value"

    # graphsum
    if cntdn < 7:
        x = _sign(rfin) * (vfin - vcur)
        ybr = "w/ " + qshn(x, 0, 2, 1) + " to go to goal"
    else:
        x = rdf(segs, tcur + siru) - rdf(segs, tcur)
        ybr = ("@ " + ("+" if x >= 0 else "") + shn(x, 2, 1, 0)
               + " / " + UNAM[runits])
    graphsum = (("[" + shd(asof) + "] " if asof != tcur else "")
                + qshn(vcur, 0, 3, 1) + " on " + shd(tcur) + " ("
                + splur(_f(stats["numpts"]), "datapoint") + " in "
                + splur(1 + math.floor((tcur - tini) / SID), "day") + ") "
                + "targeting " + qshn(vfin, 0, 3, 1) + " on " + shd(tfin) + " ("
                + splur(cntdn, "more day") + ") " + ybr)

    deltasum = (qshn(abs(delta), 0) + " " + gunits
                + (" below" if delta < 0 else " above") + " the bright line")

    # limsum: how much is needed (do-more) or allowed (do-less)
    c = safebuf
    cd = splur(c, "day")
    ndays = c if (moar or phat) else 0
    if (moar or phat) and stats.get("safebump") is not None:
        # safebump is exactly the red line after safebuf days
        lim = _f(stats["safebump"])
    else:
        lim = rdf(segs, tcur + ndays * SID)
    limd = lim - vcur
    limsum = ""
    if moar or phat:
        limsum = qshns(limd) + " in " + cd
        if not kyoom:
            limsum += " (" + qshn(lim) + ")"
    elif ween or rash:
        limsum = qshns(limd) + " today"
        if not kyoom:
            limsum += " (" + qshn(lim) + ")"

    if yaw * dr < 0:
        safesum = "unknown days of safety buffer"
    elif c > 999:
        safesum = "more than 999 days of safety buffer"
    else:
        safesum = "~" + cd + " of safety buffer"

    titlesum = (title_case(js_str(stats["color"])) + ": bmndr.com/" + yoog
                + " is safe for ~" + cd + (" (beemergency!)" if c == 0 else ""))

    nl = "\\n"  # Beebrain writes a literal backslash-n, not a newline
    statsum = (" progress: " + shd(tini) + "  " + shn(vini, 4, 2, 0) + nl
               + "           " + shd(tcur) + "  " + shn(vcur, 4, 2, 0)
               + "   [" + progsum + "]" + nl
               + "           " + shd(tfin) + "  " + shn(vfin, 4, 2, 0) + nl
               + " rate:     " + ratesum + nl
               + " lane:     " + ("n/a" if abs(lane) == 666 else js_str(lane)) + nl
               + " safebuf:  " + js_str(safebuf) + nl
               + " delta:    " + deltasum + nl
               + " ")
    if yaw == 0:
        statsum += "limit:    "
    elif yaw < 0:
        statsum += "hard cap: "
    else:
        statsum += "bare min: "
    statsum += limsum + nl

    out.update(statsum=statsum, ratesum=ratesum, deltasum=deltasum,
               graphsum=graphsum, progsum=progsum, safesum=safesum,
               limsum=limsum, headsum=titlesum, titlesum=titlesum)
    return out
