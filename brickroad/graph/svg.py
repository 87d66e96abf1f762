"""Scene -> standalone SVG text (for the web UI and svg_url).

Items keep their class names ("razr", "dp gra", "waterbuf"...), so the
document can be styled and inspected the way Beeminder's can. Numbers are
written with one decimal: a tenth of a pixel is below what anyone sees.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import numpy as np

from . import palette as P
from .scene import Dots, Item, Path, Scene, Text

_FONT = "DejaVu Sans,sans-serif"


def _num(x: float) -> str:
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    # vectorised formatting: np.char is slow, a join over rounded values is fast enough
    xr = np.round(xs, 1).tolist()
    yr = np.round(ys, 1).tolist()
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in zip(xr, yr))


def _path(it: Path) -> str:
    if len(it.xs) == 0:
        return ""
    tag = "polygon" if it.closed else "polyline"
    attrs = [f'class="{it.cls}"', f'points="{_points(it.xs, it.ys)}"']
    if it.hatch:
        attrs.append('fill="url(#pinkzonepat)"')
    else:
        attrs.append(f'fill="{it.fill}"' if it.fill else 'fill="none"')
    if it.stroke:
        attrs.append(f'stroke="{it.stroke}" stroke-width="{it.width:.3g}" stroke-linejoin="round"')
        if not it.fill:
            attrs.append('stroke-linecap="butt"')
    if it.dash:
        attrs.append(f'stroke-dasharray="{_num(it.dash[0])},{_num(it.dash[1])}"')
    if it.opacity < 1:
        attrs.append(f'{"fill-opacity" if it.fill else "stroke-opacity"}="{it.opacity:.3g}"')
    return f"<{tag} {' '.join(attrs)}/>"


def _arrow(x: float, y: float, r: float) -> str:
    return f"{_num(x + r)},{_num(y)} {_num(x - r * 0.7)},{_num(y - r * 0.8)} {_num(x - r * 0.7)},{_num(y + r * 0.8)}"


def _dots(it: Dots) -> str:
    if len(it.xs) == 0:
        return f'<g class="{it.cls}"></g>'
    out = [f'<g class="{it.cls}"']
    if it.stroke:
        out.append(f' stroke="{it.stroke}" stroke-width="{it.stroke_width:.3g}"')
    if it.opacity < 1:
        out.append(f' fill-opacity="{it.opacity:.3g}"')
    out.append(">")
    r = it.r
    base = it.cls.split()[0]
    for i, (x, y) in enumerate(zip(it.xs.tolist(), it.ys.tolist())):
        fill = it.fills[i]
        kind = f" {it.kinds[i]}" if it.kinds else ""
        if it.shape == "arrow":
            out.append(f'<polygon class="{base}{kind}" points="{_arrow(x, y, r)}" fill="{fill}"/>')
        elif it.shape == "bullseye":
            for k, rr in enumerate((1.0, 0.75, 0.5, 0.25)):
                col = P.RED if k % 2 == 0 else "#ffffff"
                out.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{r * rr:.2f}" fill="{col}"/>')
        else:
            out.append(f'<circle class="{base}{kind}" cx="{_num(x)}" cy="{_num(y)}" r="{r:.3g}" fill="{fill}"/>')
    out.append("</g>")
    return "".join(out)


def _text(it: Text) -> str:
    attrs = [f'class="{it.cls}"', f'x="{_num(it.x)}"', f'y="{_num(it.y)}"',
             f'font-family="{_FONT}"', f'font-size="{it.size:.4g}"', f'fill="{it.color}"']
    anchor = {"start": "start", "middle": "middle", "end": "end"}[it.anchor]
    attrs.append(f'text-anchor="{anchor}"')
    if it.bold:
        attrs.append('font-weight="bold"')
    if it.opacity < 1:
        attrs.append(f'opacity="{it.opacity:.4f}"')
    if it.rotate:
        attrs.append(f'transform="rotate({it.rotate:g} {_num(it.x)} {_num(it.y)})"')
    return f"<text {' '.join(attrs)}>{escape(it.text)}</text>"


def item_svg(it: Item) -> str:
    if isinstance(it, Path):
        return _path(it)
    if isinstance(it, Dots):
        return _dots(it)
    return _text(it)


def to_svg(scene: Scene) -> str:
    p = scene.plot
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" class="bmndrsvg" width="{scene.width}" '
            f'height="{scene.height}" viewBox="0 0 {scene.width} {scene.height}">')
    if scene.title:
        head += f"<title>{escape(scene.title)}</title>"
    defs = (
        '<defs>'
        f'<clipPath id="plotclip"><rect x="{_num(p.x0)}" y="{_num(p.y0)}" width="{_num(p.w)}" height="{_num(p.h)}"/></clipPath>'
        '<pattern id="pinkzonepat" width="10" height="10" patternTransform="rotate(135)" patternUnits="userSpaceOnUse">'
        f'<rect width="10" height="10" fill="{P.PINK}"/><line x1="0" y1="0" x2="0" y2="10" stroke="{P.HATCH}" stroke-width="1"/>'
        '</pattern></defs>'
    )
    body = [head, defs, f'<rect class="background" width="{scene.width}" height="{scene.height}" fill="#ffffff"/>',
            '<g class="plot" clip-path="url(#plotclip)">']
    body += [item_svg(it) for it in scene.plot_items]
    body.append('</g><g class="axes">')
    body += [item_svg(it) for it in scene.axis_items]
    body.append("</g></svg>\n")
    return "".join(body)
