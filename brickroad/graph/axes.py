"""Axes outside the plot: dates on top and bottom, values on both sides, the y label."""

from __future__ import annotations

import numpy as np

from .frame import AXIS_FONT
from .geometry import Frame
from .scene import Item, Path, Text
from .ticks import Tick

_MAJOR, _MINOR = 6.0, 3.0  # tick lengths, pointing into the plot


def _seg(x0: float, y0: float, x1: float, y1: float, cls: str, color: str = "#000000") -> Path:
    return Path(np.array([x0, x1]), np.array([y0, y1]), cls=cls, stroke=color, width=1.0)


def axis_items(frame: Frame, xticks: list[Tick], ylabels: list[tuple[float, str]], yaxis: str) -> list[Item]:
    p = frame.plot
    out: list[Item] = [
        Path(np.array([p.x0, p.x1, p.x1, p.x0]), np.array([p.y0, p.y0, p.y1, p.y1]),
             cls="axis frame", stroke="#000000", width=1.0, closed=True),
    ]
    for tk in xticks:
        x = float(frame.x(tk.t))
        if not p.x0 <= x <= p.x1:
            continue
        n = _MAJOR if tk.label else _MINOR
        color = "#000000" if tk.label else "#777777"
        out.append(_seg(x, p.y1, x, p.y1 - n, "axis xtick", color))
        out.append(_seg(x, p.y0, x, p.y0 + n, "axis xtick", color))
        if tk.label:
            out.append(Text(x, p.y1 + 16, tk.label, AXIS_FONT, cls="axis xlabel"))
            out.append(Text(x, p.y0 - 8, tk.label, AXIS_FONT, cls="axis xlabel"))
    for v, label in ylabels:
        y = float(frame.y(v))
        if not p.y0 - 0.5 <= y <= p.y1 + 0.5:
            continue
        out.append(_seg(p.x0, y, p.x0 + _MAJOR, y, "axis ytick"))
        out.append(_seg(p.x1, y, p.x1 - _MAJOR, y, "axis ytick"))
        out.append(Text(p.x0 - 9, y + 4, label, AXIS_FONT, cls="axis ylabel", anchor="end"))
        out.append(Text(p.x1 + 9, y + 4, label, AXIS_FONT, cls="axis ylabel", anchor="start"))
    if yaxis:
        out.append(Text(12.0, p.y0 + p.h / 2, yaxis, AXIS_FONT, cls="axislabel", rotate=-90.0))
    return out
