"""Goal graphs: road-engine results -> SVG (web UI) and PNG (graph_url, thumb_url).

    from brickroad.graph import render, render_bb
    g = render(params, result)         # or render_bb(bb_dict) for a .bb goal file
    g.svg(), g.png(), g.thumbnail()

A goal the engine refuses (no data, bad road...) gets a placeholder picture
with the engine's message instead of an exception: a graph URL must always
serve an image.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from PIL import Image

from brickroad.road import RoadError, compute, load_bb
from brickroad.road.types import GoalParams, RoadResult

from .build import build_scene, placeholder
from .raster import render_image, thumbnail_image, to_png, to_thumbnail
from .scene import Scene
from .svg import to_svg


@dataclass
class Graph:
    """One goal's picture; the raster is drawn once and shared by png() and thumbnail()."""

    scene: Scene
    error: str = ""
    _img: Optional[Image.Image] = field(default=None, repr=False)

    def svg(self) -> str:
        return to_svg(self.scene)

    def image(self) -> Image.Image:
        if self._img is None:
            self._img = render_image(self.scene)
        return self._img

    def png(self) -> bytes:
        from .raster import _png

        return _png(self.image())

    def thumbnail(self) -> bytes:
        return to_thumbnail(self.scene, self.image())


def render(params: GoalParams, result: RoadResult) -> Graph:
    """Graph of a computed goal. Falls back to a placeholder if drawing fails."""
    try:
        return Graph(build_scene(params, result))
    except Exception as exc:  # a graph must never take the service down; say what broke
        return Graph(placeholder(f"Could not draw this goal: {type(exc).__name__}"), error=str(exc))


def render_goal(params: GoalParams, data: list[Any], asof: Optional[float] = None) -> Graph:
    """Run the road engine and draw; refused goals get a placeholder with the engine's message."""
    try:
        res = compute(params, data, asof)
    except RoadError as e:
        return Graph(placeholder(e.message), error=e.message)
    return render(params, res)


def render_bb(bb: Mapping[str, Any], asof: Optional[float] = None) -> Graph:
    """Draw a Beebrain .bb goal (params + data)."""
    try:
        gp, data = load_bb(bb)
    except RoadError as e:
        return Graph(placeholder(e.message), error=e.message)
    return render_goal(gp, data, asof)


__all__ = ["Graph", "Scene", "build_scene", "placeholder", "render", "render_bb", "render_goal",
           "thumbnail_image", "to_png", "to_svg", "to_thumbnail"]
