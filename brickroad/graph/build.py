"""Road-engine result -> Scene: every element of a Beeminder goal graph, back to front.

Element list, colours and drawing order follow Beeminder's published graphs
(see brickroad/graph/README.md). Sizes that Beeminder scales with the visible
time span are multiplied by `s` (scale_for).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Optional

import numpy as np

from brickroad.road.dates import AKH, SID
from brickroad.road.roadmatrix import Road
from brickroad.road.types import GoalParams, RoadResult

from . import palette as P
from .axes import axis_items
from .fonts import text_width
from .frame import make_frame, scale_for, time_range, value_range
from .geometry import Frame, dedupe_dots, drop_collinear, fold_into, thin_polyline
from .lanes import IsoGrid, RoadView
from .scene import Dots, Path, Scene, Text
from .ticks import time_ticks
from .watermark import INFINITY, buffer_text, quadrants

_GUIDE_SPACINGS = (1, 7, 28, 112, 336)
_GUIDE_MIN_GAP_PX = 6.25  # across the lines; fits the spacing of all eight reference graphs
_MAX_GUIDES = 120


class _Arrays:
    """The result's point lists as numpy columns, converted once per render."""

    def __init__(self, res: RoadResult):
        def cols(pts: list, k: int) -> tuple[np.ndarray, ...]:
            if not pts:
                return tuple(np.zeros(0) for _ in range(k))
            z = list(zip(*pts))
            return tuple(np.array(z[i], dtype=float) for i in range(k))

        self.t, self.v = cols(res.points, 2)
        self.colors: list[str] = [q.color for q in res.points]
        self.ft, self.fv = cols(res.future_points, 2)
        self.rt, self.rv = cols(res.rawpoints, 2)


class _Ctx:
    """What every layer needs: params, result, frame, road view, scale."""

    def __init__(self, gp: GoalParams, res: RoadResult, frame: Frame, s: float, arr: _Arrays):
        self.gp, self.res, self.f, self.s, self.a = gp, res, frame, s, arr
        self.road = Road(res.segments)
        self.view = RoadView(self.road, res.yaw or 1, res.tfin,
                             pessimistic=bool(gp.ppr) and res.yaw * res.dir < 0)
        self.yaw = res.yaw if res.yaw else 1
        # outside edge of the plot on the good / bad side, in pixels
        m = frame.margin
        self.good_edge = frame.plot.y0 - m if self.yaw > 0 else frame.plot.y1 + m
        self.bad_edge = frame.plot.y1 + m if self.yaw > 0 else frame.plot.y0 - m

    def path(self, t: np.ndarray, v: np.ndarray, **kw: object) -> Path:
        xs, ys = fold_into(self.f, self.f.x(t), self.f.y(v))
        if not kw.get("closed"):
            xs, ys = drop_collinear(xs, ys)
        return Path(xs, ys, **kw)  # type: ignore[arg-type]

    def kinds(self, t: np.ndarray, v: np.ndarray) -> list[str]:
        """Safety class of points against the current road (the dot colour rule)."""
        n = len(t)
        days = np.zeros(n, dtype=np.int64)
        alive = np.ones(n, dtype=bool)
        vv = v.astype(float)
        bound = np.maximum(self.res.tfin, t)
        for o in range(7):
            tt = t + o * SID
            if o:
                vv = vv + self.view.ppr_per_day(tt)
            ok = (self.yaw * (vv - self.road.rdf_many(tt)) >= -1e-15 * np.abs(vv)) & (tt <= bound)
            alive &= ok
            days += alive
        names = np.array(P.SAFE_DAY_KINDS)[days]
        names = np.where(t < self.res.tini, "blk", names)
        return names.tolist()


def build_scene(gp: GoalParams, res: RoadResult) -> Scene:
    t0, t1 = time_range(gp, res)
    s = scale_for(t0, t1)
    arr = _Arrays(res)
    pts_t = np.concatenate((arr.t, arr.ft))
    pts_v = np.concatenate((arr.v, arr.fv))
    road = Road(res.segments)
    rt, rv = _red_line(road, res, t0, t1)
    # the value range covers the unpadded window, so a jump just before tmin doesn't stretch it
    tp0, tp1 = t0 + (t1 - t0) / 1.04 * 0.02, t1 - (t1 - t0) / 1.04 * 0.02
    vis = (pts_t >= tp0) & (pts_t <= tp1)
    rsel = (rt > tp0) & (rt <= tp1)
    rv_in = np.concatenate((rv[rsel], [road.rdf(tp0), road.rdf(tp1)]))
    extra = [np.array([res.flatline.value])] if res.flatline is not None else []
    v0, v1 = value_range(gp, [pts_v[vis], rv_in] + extra)
    frame, ylabels = make_frame(t0, t1, v0, v1, hide_y=bool(gp.hidey))
    c = _Ctx(gp, res, frame, s, arr)
    scene = Scene(plot=frame.plot, status_color=P.STATUS.get(res.color, "#000000"))
    items = scene.plot_items

    # isolines and lanes on a daily grid; the fan of guidelines on a coarser one (~1.5 px)
    grid = IsoGrid(c.view, t0, t1, kmax_days=7)
    guide_grid = IsoGrid(c.view, t0, t1, kmax_days=_guide_kmax(c, t0, t1),
                         max_cols=int(frame.plot.w / 1.5))
    gt = grid.times
    items += _regions(c, guide_grid)
    items += _watermarks(c)
    items += _guidelines(c, guide_grid)
    if gp.maxflux and gp.maxflux > 0:
        items += _flux_lines(c, gt)
    else:
        for k, color in ((6, P.ISO_GREEN), (2, P.ISO_BLUE), (1, P.ISO_ORANGE)):
            items.append(c.path(gt, grid.iso(k), cls=f"iso{k}", stroke=color, width=0.99))
    items.append(c.path(rt, rv, cls="razr", stroke=P.RED, width=3 * s))
    if gp.aura:
        items += _aura(c)
    items.append(_pink_zone(c))
    bull = _bullseye(c)
    if bull is not None:
        items.append(bull)
    xticks = time_ticks(t0, t1)
    for tk in xticks:
        if tk.label:
            x = float(frame.x(tk.t))
            items.append(Path(np.array([x, x]), np.array([frame.plot.y0, frame.plot.y1]),
                              cls="grid", stroke=P.GRID, width=1.0))
    items += _data_layers(c)
    items += _horizon(c)
    scene.axis_items = axis_items(frame, xticks, ylabels, gp.yaxis)
    return scene


# ------------------------------------------------------------------ red line

def _red_line(road: Road, res: RoadResult, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """Red line over the window, keeping both ends of vertical jumps; tini..tfin only."""
    a, b = max(t0, res.tini), min(t1, res.tfin)
    if b < a:  # the road lies entirely outside the window: draw what is closest
        a = b = min(max(t0, res.tini), res.tfin)
    ts, vs = [a], [road.rdf(a)]
    for seg in road.segments:
        if a < seg.t0 < b:
            ts += [seg.t0, seg.t0]
            vs += [road.rdf(seg.t0 - 1e-6) if seg.t0 > res.tini else seg.v0, seg.v0]
    ts.append(b)
    vs.append(road.rdf(b))
    return np.array(ts, dtype=float), np.array(vs, dtype=float)


# ------------------------------------------------------------------ lanes

def _regions(c: _Ctx, grid: IsoGrid) -> list[Path]:
    gt = grid.times
    out: list[Path] = []
    rd = c.road.rdf_many(gt)
    iso2 = grid.iso(2)
    t = np.concatenate((gt, gt[::-1]))
    out.append(c.path(t, np.concatenate((rd, iso2[::-1])), cls="ybhp lane", fill=P.LANE,
                      opacity=0.72, closed=True))
    forever = grid.forever(c.res.tfin)
    xs, ys = fold_into(c.f, c.f.x(gt), c.f.y(forever))
    if len(xs):
        xs = np.concatenate((xs, [xs[-1], xs[0]]))
        ys = np.concatenate((ys, [c.good_edge, c.good_edge]))
        out.append(Path(xs, ys, cls="ybhp forever", fill=P.FOREVER, opacity=0.72, closed=True))
    return out


def _guide_kmax(c: _Ctx, t0: float, t1: float) -> int:
    return int(min(max((t1 - t0) / SID, 30) * 4, 40000))


def _guidelines(c: _Ctx, grid: IsoGrid) -> list[Path]:
    """The fan of pale yellow "k days of buffer" lines on the good side."""
    gt = grid.times
    base = c.f.y(c.road.rdf_many(gt))
    spacing = _GUIDE_SPACINGS[-1]
    for sp in _GUIDE_SPACINGS:
        if sp > grid.kmax * grid.step:
            break
        # distance between neighbouring lines, measured across them
        dy = float(np.median(np.abs(c.f.y(grid.iso(sp)) - base)))
        dx = sp * SID * c.f.plot.w / (c.f.t1 - c.f.t0)
        gap = dx * dy / math.hypot(dx, dy) if dx and dy else 0.0
        if gap >= _GUIDE_MIN_GAP_PX:
            spacing = sp
            break
    out: list[Path] = []
    n = 1
    p = c.f.plot
    while len(out) < _MAX_GUIDES:
        k = n if spacing == 1 else n * spacing - 1
        if k > grid.kmax * grid.step:
            break
        ys = c.f.y(grid.iso(k))
        # past the far edge everywhere: every further line is too
        if (c.yaw > 0 and (ys < p.y0).all()) or (c.yaw < 0 and (ys > p.y1).all()):
            break
        n += 1
        if ((ys < p.y0) | (ys > p.y1)).all():
            continue  # entirely off the plot here (e.g. beyond the good edge on the left only)
        out.append(c.path(gt, grid.iso(k), cls="guides", stroke=P.GUIDE, width=2 * c.s))
    return out


def _flux_lines(c: _Ctx, gt: np.ndarray) -> list[Path]:
    rd = c.road.rdf_many(gt)
    out = [c.path(gt, rd + c.yaw * c.gp.maxflux, cls="maxflux", stroke=P.FLUX, width=4 * c.s)]
    if c.res.stdflux > 0:
        out.append(c.path(gt, rd + c.yaw * c.res.stdflux, cls="stdflux", stroke=P.FLUX, width=2 * c.s))
    return out


# ------------------------------------------------------------------ overlays

def _watermarks(c: _Ctx) -> list[Text]:
    res, gp, p = c.res, c.gp, c.f.plot
    met = c.yaw * (res.vcur - res.vfin) >= 0
    buf = buffer_text(res.safebuf, res.loser, res.tcur, res.tfin, res.tluz, gp.deadline, met,
                      gp.waterbuf)
    (bc, br), (pc, pr) = quadrants(res.yaw, res.dir)
    out = []
    for text, (col, row), cls in ((buf, (bc, br), "waterbuf"), (gp.waterbux or "", (pc, pr), "waterbux")):
        if not text:
            continue
        size = 240.0 if text == INFINITY else 150.0  # Beeminder's infinity sign is drawn extra large
        w = text_width(text, size, bold=True)
        if w > p.w / 2 * 0.95:
            size *= (p.w / 2 * 0.95) / w
        x = p.x0 + p.w * (0.25 + 0.5 * col)
        y = p.y0 + p.h * (0.25 + 0.5 * row) + size / 3
        out.append(Text(x, y, text, size, cls=cls, bold=True, opacity=P.WATERMARK_OPACITY))
    return out


def _aura(c: _Ctx) -> list[Path]:
    curve = c.res.aura_curve
    if len(curve) < 2:
        return []
    t = np.array([q[0] for q in curve])
    v = np.array([q[1] for q in curve])
    if len(t) > 150:  # a smooth cubic: a hundred-odd vertices draw it exactly enough
        pick = np.unique(np.linspace(0, len(t) - 1, 150).astype(int))
        t, v = t[pick], v[pick]
    # about the 90% flux: 1.5 standard fluxes either side of the fitted curve
    half = max(1.5 * c.res.stdflux, 0.005 * (c.f.v1 - c.f.v0))
    out = []
    for sel, op, cls in ((t <= c.res.asof, 0.15, "aurapast"), (t >= c.res.asof, 0.3, "aura")):
        if sel.sum() < 2:
            continue
        tt, vv = t[sel], v[sel]
        out.append(c.path(np.concatenate((tt, tt[::-1])), np.concatenate((vv + half, (vv - half)[::-1])),
                          cls=cls, fill=P.AURA, opacity=op, closed=True))
    return out


def _pink_zone(c: _Ctx) -> Path:
    a, b = c.res.asof, c.res.asof + AKH
    ts = [a] + [seg.t0 for seg in c.road.segments if a < seg.t0 < b] + [b]
    t = np.array(ts, dtype=float)
    xs, ys = fold_into(c.f, c.f.x(t), c.f.y(c.road.rdf_many(t)))
    xs = np.concatenate((xs, [xs[-1], xs[0]]))
    ys = np.concatenate((ys, [c.bad_edge, c.bad_edge]))
    return Path(xs, ys, cls="pinkregion", fill=P.PINK, opacity=0.4, closed=True, hatch=True)


def _bullseye(c: _Ctx) -> Optional[Dots]:
    t = c.res.tfin
    x, y = float(c.f.x(t)), float(c.f.y(c.road.rdf(t)))
    p = c.f.plot
    if not (p.x0 - 10 <= x <= p.x1 + 10 and p.y0 - 10 <= y <= p.y1 + 10):
        return None
    return Dots(np.array([x]), np.array([y]), [P.RED], r=6.5, cls="bullseye", shape="bullseye")


def _horizon(c: _Ctx) -> list:
    t = c.res.asof + AKH
    x = float(c.f.x(t))
    p = c.f.plot
    if not p.x0 <= x <= p.x1:
        return []
    line = Path(np.array([x, x]), np.array([p.y0, p.y1]), cls="horizon", stroke=P.HORIZON,
                width=2 * c.s, dash=(8.0, 8.0))
    label = Text(x + 16, p.y0 + p.h / 2, "Akrasia Horizon", 10.0, cls="horizontext",
                 color=P.HORIZON, rotate=-90.0)
    return [line, label]


# ------------------------------------------------------------------ data

def _data_layers(c: _Ctx) -> list:
    res, gp, f, s = c.res, c.gp, c.f, c.s
    out: list = []
    t, v, ft, fv = c.a.t, c.a.v, c.a.ft, c.a.fv
    win = (t >= f.t0 - SID) & (t <= f.t1 + SID)
    # the segment just before the window still shapes the steppy line's first step
    first = max(int(np.argmax(win)) - 1, 0) if win.any() else len(t)
    tw, vw = t[first:], v[first:]
    kinds_all = _LazyKinds(c.a.colors, first)

    if gp.steppy and len(tw):
        st, sv = tw, vw
        if res.flatline is not None:
            st, sv = np.append(st, res.flatline.t), np.append(sv, res.flatline.value)
        xs = np.repeat(st, 2)[1:]
        ys = np.repeat(sv, 2)[:-1]
        px, py = fold_into(f, f.x(xs), f.y(ys))
        px, py = thin_polyline(px, py)
        out.append(Path(px, py, cls="steppy", stroke=P.STEPPY, width=4 * s))
    if gp.rosy:
        rp = res.rosy_points
        if rp:
            rt = np.array([q[0] for q in rp])
            rv = np.array([q[1] for q in rp])
            px, py = fold_into(f, f.x(rt), f.y(rv))
            px, py = thin_polyline(px, py)
            out.append(Path(px, py, cls="rosy", stroke=P.ROSY, width=4 * s))
            out.append(_dots(c, rt, rv, None, 5 * s, "rd", fill=P.ROSY))
    if gp.plotall and len(c.a.rt):
        out += _all_points(c)
    if gp.movingav:
        ma = res.moving_average
        if ma:
            mt = np.array([q[0] for q in ma])
            mv = np.array([q[1] for q in ma])
            px, py = fold_into(f, f.x(mt), f.y(mv))
            px, py = thin_polyline(px, py)
            out.append(Path(px, py, cls="movingav", stroke=P.STEPPY, width=3 * s))
    if gp.steppy and len(tw):
        out.append(_dots(c, tw, vw, None, 7 * s, "std", fill=P.STEPPY))
    if len(tw):
        out.append(_dots(c, tw, vw, kinds_all, 5 * s, "dp", stroke="#000000", stroke_width=1 * s))
        hollow = _hollow_mask(c, first)
        if hollow.any():
            out.append(_dots(c, tw[hollow], vw[hollow], None, 2.5 * s, "hp", fill="#ffffff"))
    if len(ft):
        out.append(_dots(c, ft, fv, c.kinds(ft, fv), 5 * s, "dp fuda", stroke="#000000",
                         stroke_width=0.5 * s, opacity=0.3))
    if res.flatline is not None:
        fl = res.flatline
        ft1, fv1 = np.array([fl.t]), np.array([fl.value])
        # do-less goals presume the worst for a day without data: the arrow shows that, faded
        ppr = c.view.ppr_per_day(ft1) if c.view.pessimistic and fl.t >= res.asof else np.zeros(1)
        fv1 = fv1 + ppr
        out.append(_dots(c, ft1, fv1, c.kinds(ft1, fv1), 12 * s, "flatline", stroke="#000000",
                         stroke_width=1 * s, shape="arrow", opacity=0.5 if ppr[0] else 1.0))
    if gp.hashtags:
        out += _hashtags(c)
    return out


_MAX_TAGS = 60


def _hashtags(c: _Ctx) -> list[Text]:
    """#tags from datapoint comments as small rotated labels at their dates (one per pixel column)."""
    out: list[Text] = []
    seen: set[int] = set()
    p = c.f.plot
    for q in c.res.rawpoints:
        if "#" not in q.comment:
            continue
        tags = [w for w in q.comment.split() if w.startswith("#") and len(w) > 1 and w.upper() != "#TARE"]
        if not tags:
            continue
        x = float(c.f.x(q.t))
        col = int(x)
        if not p.x0 <= x <= p.x1 or col in seen:
            continue
        seen.add(col)
        out.append(Text(x + 3, p.y1 - 8, " ".join(tags)[:40], 10.0, cls="hashtag", anchor="start", rotate=-90.0))
        if len(out) >= _MAX_TAGS:
            break
    return out


def _kind(color: str) -> str:
    # the engine says "green" for 3+ days; the 7+ days forest green is refined in _dots
    return {"green": "grn", "blue": "blu", "orange": "orn", "red": "red", "black": "blk"}.get(color, "?")


def _dots(c: _Ctx, t: np.ndarray, v: np.ndarray, kinds: Optional[Sequence[str]], r: float, cls: str,
          fill: Optional[str] = None, stroke: Optional[str] = None, stroke_width: float = 0.0,
          opacity: float = 1.0, shape: str = "circle") -> Dots:
    """Dots at (t, v), thinned to one per pixel; kinds "?" are classified here."""
    f = c.f
    xs, ys = f.x(t), f.y(v)
    p = f.plot
    on = (xs >= p.x0 - r) & (xs <= p.x1 + r) & (ys >= p.y0 - r) & (ys <= p.y1 + r)
    idx = np.flatnonzero(on)
    xs, ys = xs[idx], ys[idx]
    keep = dedupe_dots(xs, ys)
    idx, xs, ys = idx[keep], xs[keep], ys[keep]
    ks: Optional[list[str]] = None
    if kinds is not None:
        ks = [kinds[i] for i in idx.tolist()]
        todo = [j for j, k in enumerate(ks) if k in ("?", "grn")]
        if todo:
            sel = idx[todo]
            fresh = c.kinds(t[sel], v[sel])
            for j, k in zip(todo, fresh):
                ks[j] = k
        fills = [P.DOT_FILL[k] for k in ks]
    else:
        fills = [fill or "#000000"] * len(xs)
    return Dots(xs, ys, fills, r=r, cls=cls, stroke=stroke, stroke_width=stroke_width,
                opacity=opacity, shape=shape, kinds=ks)


class _LazyKinds:
    """Engine colours as dot classes, mapped only for the dots that survive thinning."""

    def __init__(self, colors: list[str], start: int):
        self.colors, self.start = colors, start

    def __getitem__(self, i: int) -> str:
        return _kind(self.colors[self.start + i])


def _match_day(agg_t: np.ndarray, agg_v: np.ndarray, raw_t: np.ndarray,
               raw_v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For raw points: index of their aggregate (by timestamp) and whether the values are equal."""
    if len(agg_t) == 0:
        return np.zeros(len(raw_t), dtype=np.int64), np.zeros(len(raw_t), dtype=bool)
    i = np.clip(np.searchsorted(agg_t, raw_t), 0, len(agg_t) - 1)
    eq = (agg_t[i] == raw_t) & (agg_v[i] == raw_v)
    return i, eq


def _all_points(c: _Ctx) -> list[Dots]:
    """Every raw entry as a small dot (plotall), except those hidden under their day's big dot."""
    t, v = c.a.rt, c.a.rv
    past = t <= c.res.asof
    t, v = t[past], v[past]
    _, hidden = _match_day(c.a.t, c.a.v, t, v)
    t, v = t[~hidden], v[~hidden]
    if len(t) == 0:
        return []
    return [_dots(c, t, v, _Unknown(), 3.5 * c.s, "ap")]


class _Unknown:
    def __getitem__(self, i: int) -> str:
        return "?"


def _hollow_mask(c: _Ctx, first: int) -> np.ndarray:
    """Aggregates matching no value the user entered (sums, means...) get a white centre."""
    at, av = c.a.t, c.a.v
    if len(c.a.rt) == 0:
        return np.zeros(len(at) - first, dtype=bool)
    i, eq = _match_day(at, av, c.a.rt, c.a.rv)
    matched = np.bincount(i[eq], minlength=len(at)) > 0
    return ~matched[first:]


def placeholder(message: str, title: str = "") -> Scene:
    """A clear "nothing to draw" picture for goals the engine refuses (no data, bad road...)."""
    from .scene import HEIGHT, WIDTH, Rect

    plot = Rect(40.0, 25.0, WIDTH - 20.0, HEIGHT - 30.0)
    scene = Scene(plot=plot, status_color="#000000", title=title)
    p = plot
    scene.plot_items.append(Path(np.array([p.x0, p.x1, p.x1, p.x0]), np.array([p.y0, p.y0, p.y1, p.y1]),
                                 cls="placeholder", fill="#f4f4f4", closed=True))
    lines = [ln for ln in message.replace("\\n", "\n").split("\n") if ln.strip()][:6] or ["No graph"]
    y = p.y0 + p.h / 2 - 12 * (len(lines) - 1)
    for ln in lines:
        size = 16.0
        w = text_width(ln, size)
        if w > p.w * 0.9:
            size *= p.w * 0.9 / w
        scene.plot_items.append(Text(p.x0 + p.w / 2, y, ln, size, cls="message", color="#555555"))
        y += 24
    if title:
        scene.axis_items.append(Text(p.x0 + p.w / 2, 17, title, 11.0, cls="title"))
    return scene

