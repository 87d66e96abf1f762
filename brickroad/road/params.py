"""Goal params: reading a .bb params dict and vetting values the way Beebrain does.

The error texts are Beebrain's, because users see them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any, Callable

from .aggregate import AGGDAY_METHODS
from .dates import BDUSK, SECS, dayparse, format_date
from .errors import RoadError
from .jsfmt import js_json, js_string
from .types import GoalParams, RoadRow

_FIELDS = {f.name for f in fields(GoalParams)} - {"ignored"}

# Params Beebrain still accepts but no longer acts on (lanes, old flags, metadata).
IGNORED_PARAMS = frozenset({
    "ybhp", "integery", "noisy", "abslnw", "tagtime", "timezone", "backroad",
    "edgy", "offred", "sadlhole", "usr", "graph", "goal", "rate", "pinkzone",
})

_TIME_KEYS = ("asof", "tini", "tfin", "tmin", "tmax")


def _parse_row(row: Any) -> Any:
    if isinstance(row, (list, tuple)) and len(row) == 3:
        return (dayparse(row[0]), row[1], row[2])
    return row


def from_bb(p: Mapping[str, Any]) -> GoalParams:
    """Build GoalParams from a .bb params dict (daystamps or unix times).

    Legacy synonyms are honoured (goal -> vfin, rate -> rfin). Unknown params
    raise RoadError("Unknown param: k=v"); the partially built params ride
    along on the error.
    """
    p = dict(p)
    if "goal" in p and "vfin" not in p:
        p["vfin"] = p["goal"]
    if "rate" in p and "rfin" not in p:
        p["rfin"] = p["rate"]
    if "usr" in p and "graph" in p and "yoog" not in p:
        p["yoog"] = f"{js_string(p['usr'])}/{js_string(p['graph'])}"
    for k in _TIME_KEYS:
        if k in p:
            p[k] = dayparse(p[k])
    if isinstance(p.get("road"), list):
        p["road"] = [_parse_row(r) for r in p["road"]]

    known: dict[str, Any] = {}
    ignored: dict[str, Any] = {}
    unknown: list[str] = []
    for k, v in p.items():
        if k in _FIELDS:
            known[k] = v
        elif k in IGNORED_PARAMS:
            ignored[k] = v
        else:
            unknown.append(f"{k}={js_string(v)}")
    gp = GoalParams(**known, ignored=ignored)
    if unknown:
        plural = "" if len(unknown) == 1 else "s"
        raise RoadError(f"Unknown param{plural}: {', '.join(unknown)}", gp)
    return gp


# ---------------------------------------------------------------- validation

def _nummy(x: Any) -> bool:
    tx = type(x)
    if tx is float:
        return x - x == 0  # false for inf and nan
    if tx is int:
        return True
    if isinstance(x, bool) or x is None:
        return False
    if isinstance(x, (int, float)):
        return math.isfinite(x)
    if isinstance(x, str):
        try:
            return math.isfinite(float(x))
        except ValueError:
            return False
    return False


def _timy(x: Any) -> bool:
    return _nummy(x) and 0 < float(x) < BDUSK


def _torn(x: Any) -> bool:
    return x is None or _timy(x)


def _norn(x: Any) -> bool:
    return x is None or _nummy(x)


def _torf(x: Any) -> bool:
    return isinstance(x, bool)


def _stringy(x: Any) -> bool:
    return isinstance(x, str)


_CHECKS: list[tuple[str, Callable[[Any], bool], str]] = [
    ("deadline", lambda v: _nummy(v) and (6 - 24) * 3600 <= float(v) <= 6 * 3600,
     "outside 6am earlybird to 6am nightowl"),
    ("asof", lambda v: v is not None, "can't be null! Tell support!"),
    ("asof", _torn, "isn't a valid timestamp"),
    ("tini", _timy, "isn't a valid timestamp"),
    ("vini", _nummy, "isn't numeric"),
    ("road", lambda v: isinstance(v, list), "(road matrix) isn't a list"),
    ("tfin", _torn, "isn't a valid timestamp"),
    ("vfin", _norn, "isn't numeric or null"),
    ("rfin", _norn, "isn't numeric or null"),
    ("runits", lambda v: isinstance(v, str) and v in SECS, "isn't a valid rate unit"),
    ("yaw", lambda v: not isinstance(v, bool) and v in (0, 1, -1), "isn't in [0,-1,1]"),
    ("dir", lambda v: not isinstance(v, bool) and v in (1, -1), "isn't in -1,1]"),
    ("tmin", _torn, "isn't a number/timestamp"),
    ("tmax", _torn, "isn't a valid timestamp"),
    ("vmin", _norn, "isn't numeric or null"),
    ("vmax", _norn, "isn't numeric or null"),
    ("kyoom", _torf, "isn't boolean"),
    ("odom", _torf, "isn't boolean"),
    ("monotone", _torf, "isn't boolean"),
    ("aggday", lambda v: isinstance(v, str) and v in AGGDAY_METHODS,
     "isn't one of max, sum, last, mean, etc"),
    ("plotall", _torf, "isn't boolean"),
    ("steppy", _torf, "isn't boolean"),
    ("rosy", _torf, "isn't boolean"),
    ("movingav", _torf, "isn't boolean"),
    ("aura", _torf, "isn't boolean"),
    ("yaxis", _stringy, "isn't a string"),
    ("yaxis", lambda v: len(v) < 80, "string is too long\\n"),
    ("waterbuf", lambda v: v is None or isinstance(v, str), "isn't a string or null"),
    ("waterbux", _stringy, "isn't a string"),
    ("hidey", _torf, "isn't boolean"),
    ("stathead", _torf, "isn't boolean"),
    ("imgsz", _nummy, "isn't numeric"),
    ("yoog", _stringy, "isn't a string"),
]


def _valid_row(r: Any) -> bool:
    if not isinstance(r, (list, tuple)) or len(r) != 3:
        return False
    t, v, x = r
    # the common shapes first: exactly one None, others plain finite numbers
    if t is not None and v is None and x is not None:
        return _nummy(t) and _nummy(x)
    return ((t is None and _nummy(v) and _nummy(x))
            or (_nummy(t) and v is None and _nummy(x))
            or (_nummy(t) and _nummy(v) and x is None))


def _show_row(r: Any) -> str:
    if isinstance(r, (list, tuple)) and len(r) == 3 and r[0] is not None and _nummy(r[0]):
        return js_json([format_date(float(r[0])), r[1], r[2]])
    return js_json(list(r) if isinstance(r, tuple) else r)


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def vet(gp: GoalParams) -> GoalParams:
    """Check every param like Beebrain's vetParams; return a copy with numbers as floats.

    Raises RoadError with Beebrain's message for the first problem found.
    The road returned includes the final [tfin, vfin, rfin] row.
    """
    for name, ok, msg in _CHECKS:
        v = getattr(gp, name)
        try:
            good = ok(v)
        except (TypeError, ValueError):
            good = False
        if not good:
            raise RoadError(f"{name} = {js_json(v)}\\nERROR: {msg}", gp)

    rows = list(gp.road) + [(gp.tfin, gp.vfin, gp.rfin)]
    for r in rows:
        if not _valid_row(r):
            raise RoadError("Invalid graph matrix row: " + _show_row(r), gp)
    # Beebrain tolerates a repeated first or last row, not a repeated middle one.
    mid = [tuple(r) for r in rows[1:-1]]
    if len(set(mid)) != len(mid):
        for a, b in zip(mid, mid[1:]):
            if a == b:
                raise RoadError("Graph matrix has duplicate row: " + _show_row(b), gp)
        raise RoadError("Graph matrix duplicate row error! Tell support!", gp)
    if gp.tmin is not None and gp.tmin > gp.asof:
        raise RoadError("You can't set the graph bounds to be solely in the future!", gp)

    road: list[RoadRow] = [(_f(t), _f(v), _f(x)) for t, v, x in rows]
    return replace(
        gp, road=road, asof=float(gp.asof), tini=float(gp.tini), vini=float(gp.vini),
        tfin=_f(gp.tfin), vfin=_f(gp.vfin), rfin=_f(gp.rfin), deadline=float(gp.deadline),
        yaw=int(gp.yaw), dir=int(gp.dir),
    )
