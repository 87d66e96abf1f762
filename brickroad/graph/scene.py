"""The picture as a list of drawing primitives, in output pixels (696x453 space).

The graph is built once as a Scene and then written out by two backends
(svg.py and raster.py), so the SVG for the web UI and the PNG for graph_url
always show the same thing. Coordinates are numpy arrays so that thinning and
clipping stay vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import numpy as np

WIDTH, HEIGHT = 696, 453
THUMB_W, THUMB_H = 212, 140  # Beeminder's thumbnail: 208x136 picture plus a 2-px frame


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0


@dataclass
class Path:
    """A polyline (closed=False) or polygon (closed=True)."""

    xs: np.ndarray
    ys: np.ndarray
    cls: str
    stroke: Optional[str] = None
    width: float = 1.0
    fill: Optional[str] = None
    opacity: float = 1.0  # applies to the fill, or to the stroke when there is no fill
    dash: Optional[tuple[float, float]] = None
    closed: bool = False
    hatch: bool = False  # the pink zone's diagonal hairlines on top of the fill


@dataclass
class Dots:
    """Many markers of one size; each may have its own fill colour."""

    xs: np.ndarray
    ys: np.ndarray
    fills: list[str]
    r: float
    cls: str
    stroke: Optional[str] = None
    stroke_width: float = 0.0
    opacity: float = 1.0
    shape: str = "circle"  # or "arrow" (a right-pointing triangle) or "bullseye"
    kinds: Optional[list[str]] = None  # per-dot CSS class (gra, grn, blu, orn, red, blk)


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: float
    cls: str
    color: str = "#000000"
    anchor: str = "middle"  # start | middle | end
    bold: bool = False
    rotate: float = 0.0  # degrees, around (x, y); -90 reads bottom to top
    opacity: float = 1.0


Item = Union[Path, Dots, Text]


@dataclass
class Scene:
    """Plot items are clipped to `plot`; axis items are drawn after, unclipped."""

    plot: Rect
    plot_items: list[Item] = field(default_factory=list)
    axis_items: list[Item] = field(default_factory=list)
    status_color: str = "#000000"  # thumbnail frame
    width: int = WIDTH
    height: int = HEIGHT
    title: str = ""
