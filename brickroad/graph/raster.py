"""Scene -> PNG with Pillow, drawn at 2x and box-reduced for antialiasing.

Pillow's ImageDraw does not antialias, so we draw at twice the size and
halve it with Image.reduce (a box filter): lines and dots come out smooth at
a fraction of the cost of an SVG rasteriser (see README.md for the numbers).
Translucent fills (aura) are blended by ImageDraw's RGBA mode; the lanes,
drawn first on white, are mixed with white; the watermarks and the hatched
pink zone go through an 8-bit mask whose level is the opacity.
"""

from __future__ import annotations

import functools
import io
import math

import numpy as np
from PIL import Image, ImageDraw

from . import palette as P
from .fonts import FONT_LOCK, pil_font
from .scene import THUMB_H, THUMB_W, Dots, Item, Path, Rect, Scene, Text

SS = 2  # supersampling factor


@functools.lru_cache(maxsize=256)
def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


@functools.lru_cache(maxsize=256)
def _over_white(color: str, opacity: float) -> tuple[int, int, int]:
    r, g, b = _rgb(color)
    return tuple(int(round(255 + (ch - 255) * opacity)) for ch in (r, g, b))  # type: ignore[return-value]


def _pts(xs: np.ndarray, ys: np.ndarray) -> list[tuple[float, float]]:
    return list(zip((xs * SS).tolist(), (ys * SS).tolist()))


@functools.lru_cache(maxsize=4)
def _hatch(size: tuple[int, int]) -> Image.Image:
    """The pink zone's fill: pale pink with grey hairlines at 135 degrees, 10 px apart."""
    img = Image.new("RGB", size, _rgb(P.PINK))
    d = ImageDraw.Draw(img)
    w, h = size
    step = int(10 * math.sqrt(2) * SS)
    for x0 in range(-h, w + h, step):
        d.line([(x0, 0), (x0 + h, h)], fill=_rgb(P.HATCH), width=1)
    return img


@functools.lru_cache(maxsize=512)
def _text_tile(text: str, size: int, bold: bool, anchor_name: str, rotated: bool,
               level: int) -> tuple[Image.Image, float, float]:
    """A text's coverage mask at opacity `level` and its offset from the anchor point.

    Cached: watermarks, horizon labels and most tick labels repeat from one
    render to the next, and rasterising a 300-px glyph costs milliseconds.
    """
    font = pil_font(size, bold)
    anchor = {"start": "ls", "middle": "ms", "end": "rs"}[anchor_name]
    l, t, r, b = font.getbbox(text, anchor="ls")
    tw, th = int(r - l) + 4, int(b - t) + 4
    tile = Image.new("L", (tw, th), 0)
    ImageDraw.Draw(tile).text((2 - l, 2 - t), text, fill=level, font=font, anchor="ls")
    shift = {"ls": 0.0, "ms": (r - l) / 2, "rs": float(r - l)}[anchor]
    if not rotated:
        return tile, l - 2 - shift, t - 2
    tile = tile.rotate(90, expand=True)  # only -90 (reading bottom to top) is used
    # baseline start (2-l, 2-t) -> after a quarter turn it sits at (2-t, tw-(2-l))
    bx, by = 2 - t, tw - (2 - l) - shift
    return tile, -bx, -by


class _Painter:
    def __init__(self, width: int, height: int):
        self.img = Image.new("RGB", (width * SS, height * SS), (255, 255, 255))
        self.d = ImageDraw.Draw(self.img)
        # "RGBA" drawing on an RGB image blends fills with their alpha, in C; it is
        # ~1.7x slower for opaque drawing, so it is kept for translucent fills only
        self.da = ImageDraw.Draw(self.img, "RGBA")
        self.blank = True  # nothing but translucent fills drawn yet: they can be mixed with white

    def _paste_through(self, src: "Image.Image | tuple[int, int, int]", pts: list[tuple[float, float]],
                       level: int) -> None:
        """Fill polygon `pts` with `src` at opacity level/255, touching only its bounding box."""
        w, h = self.img.size
        x0 = max(0, int(min(p[0] for p in pts)) - 1)
        y0 = max(0, int(min(p[1] for p in pts)) - 1)
        x1 = min(w, int(max(p[0] for p in pts)) + 2)
        y1 = min(h, int(max(p[1] for p in pts)) + 2)
        if x1 <= x0 or y1 <= y0:
            return
        m = Image.new("L", (x1 - x0, y1 - y0), 0)
        ImageDraw.Draw(m).polygon([(x - x0, y - y0) for x, y in pts], fill=level)
        if isinstance(src, Image.Image):
            src = src.crop((x0, y0, x1, y1))
        self.img.paste(src, (x0, y0, x1, y1), m)  # type: ignore[arg-type]

    def path(self, it: Path) -> None:
        if len(it.xs) < 2:
            return
        pts = _pts(it.xs, it.ys)
        width = max(1, int(round(it.width * SS)))
        if it.closed and (it.fill or it.hatch):
            if it.hatch:
                self._paste_through(_hatch(self.img.size), pts, int(round(255 * it.opacity)))
            elif it.opacity >= 1:
                self.d.polygon(pts, fill=_rgb(it.fill or "#000000"))
            elif self.blank:  # the lanes: first on white, so mixing with white is exact
                self.d.polygon(pts, fill=_over_white(it.fill or "#000000", it.opacity))
            else:
                self.da.polygon(pts, fill=_rgb(it.fill or "#000000") + (int(round(255 * it.opacity)),))
            if it.opacity >= 1:
                self.blank = False
        if it.stroke and not (it.closed and it.fill):
            self.blank = False
            color = _rgb(it.stroke) if it.opacity >= 1 else _over_white(it.stroke, it.opacity)
            if it.closed:
                pts = pts + pts[:1]
            if it.dash:
                for seg in _dashes(pts, it.dash[0] * SS, it.dash[1] * SS):
                    self.d.line(seg, fill=color, width=width)
            else:
                self.d.line(pts, fill=color, width=width, joint="curve" if width > 2 else None)

    def dots(self, it: Dots) -> None:
        self.blank = False
        r = it.r * SS
        sw = max(1, int(round(it.stroke_width * SS))) if it.stroke else 0
        outline = _rgb(it.stroke) if it.stroke else None
        d = self.d
        mix = _over_white if it.opacity < 1 else (lambda c, _o: _rgb(c))
        fills = [mix(f, it.opacity) for f in it.fills]
        circle = it.shape == "circle"
        for (x, y), fill in zip(zip((it.xs * SS).tolist(), (it.ys * SS).tolist()), fills):
            if circle:  # the common case first: one C call per dot
                d.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=sw)
                continue
            if it.shape == "arrow":
                tri = [(x + r, y), (x - 0.7 * r, y - 0.8 * r), (x - 0.7 * r, y + 0.8 * r)]
                d.polygon(tri, fill=fill, outline=outline)
            elif it.shape == "bullseye":
                for k, rr in enumerate((1.0, 0.75, 0.5, 0.25)):
                    q = r * rr
                    d.ellipse((x - q, y - q, x + q, y + q), fill=_rgb(P.RED) if k % 2 == 0 else (255, 255, 255))
            else:
                d.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=sw)

    def text(self, it: Text) -> None:
        self.blank = False
        x, y = it.x * SS, it.y * SS
        color = _rgb(it.color)
        if not it.rotate and it.opacity >= 1 and it.size < 20:
            font = pil_font(int(round(it.size * SS)), it.bold)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[it.anchor]
            self.d.text((x, y), it.text, fill=color, font=font, anchor=anchor)
            return
        tile, dx, dy = _text_tile(it.text, int(round(it.size * SS)), it.bold, it.anchor,
                                  bool(it.rotate), int(round(255 * it.opacity)))
        self._paste_tile(color, tile, int(x + dx), int(y + dy))

    def _paste_tile(self, color: tuple[int, int, int], tile: Image.Image, ox: int, oy: int) -> None:
        """Paste `color` through a small mask placed at (ox, oy), cropped to the image."""
        w, h = self.img.size
        x0, y0 = max(0, ox), max(0, oy)
        x1, y1 = min(w, ox + tile.width), min(h, oy + tile.height)
        if x1 <= x0 or y1 <= y0:
            return
        m = tile.crop((x0 - ox, y0 - oy, x1 - ox, y1 - oy))
        self.img.paste(color, (x0, y0, x1, y1), m)

    def item(self, it: Item) -> None:
        if isinstance(it, Path):
            self.path(it)
        elif isinstance(it, Dots):
            self.dots(it)
        else:
            self.text(it)

    def clear_outside(self, p: Rect) -> None:
        """Clip the plot layer: whatever spilled past the plot box is painted white."""
        w, h = self.img.size
        x0, y0, x1, y1 = (int(round(v * SS)) for v in (p.x0, p.y0, p.x1, p.y1))
        white = (255, 255, 255)
        self.d.rectangle((0, 0, w, y0 - 1), fill=white)
        self.d.rectangle((0, y1 + 1, w, h), fill=white)
        self.d.rectangle((0, 0, x0 - 1, h), fill=white)
        self.d.rectangle((x1 + 1, 0, w, h), fill=white)


def _dashes(pts: list[tuple[float, float]], on: float, off: float) -> list[list[tuple[float, float]]]:
    """Split a polyline into dash pieces (Pillow has no dashed lines)."""
    out: list[list[tuple[float, float]]] = []
    phase, drawing, cur = 0.0, True, [pts[0]]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        seg = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        while seg - pos > 1e-9:
            left = (on if drawing else off) - phase
            step = min(left, seg - pos)
            pos += step
            phase += step
            f = pos / seg
            pt = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)
            if drawing:
                cur.append(pt)
            if phase >= (on if drawing else off) - 1e-9:
                if drawing:
                    out.append(cur)
                drawing, phase, cur = not drawing, 0.0, [pt]
    if drawing and len(cur) > 1:
        out.append(cur)
    return out


def render_image(scene: Scene) -> Image.Image:
    with FONT_LOCK:  # one render at a time per process: tens of ms, and FreeType isn't thread-safe
        return _render(scene)


def _render(scene: Scene) -> Image.Image:
    pa = _Painter(scene.width, scene.height)
    for it in scene.plot_items:
        pa.item(it)
    pa.clear_outside(scene.plot)
    for it in scene.axis_items:
        pa.item(it)
    return pa.img.reduce(SS)


def _png(img: Image.Image) -> bytes:
    """RGB PNG at zlib level 1: several times faster than the default level, ~25% larger.

    (Quantising to 256 colours like Beeminder's PNGs is faster still, but Pillow's
    fast octree merges the 1/17-opacity watermarks into white.)
    """
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def to_png(scene: Scene) -> bytes:
    return _png(render_image(scene))


def thumbnail_image(scene: Scene, full: Image.Image | None = None) -> Image.Image:
    """Beeminder's thumbnail: the plot alone, squeezed to 208x136, in a 2-px status-colour frame."""
    img = full if full is not None else render_image(scene)
    p = scene.plot
    crop = img.crop((int(p.x0), int(p.y0), int(math.ceil(p.x1)), int(math.ceil(p.y1))))
    small = crop.resize((THUMB_W - 4, THUMB_H - 4), Image.Resampling.BOX)
    out = Image.new("RGB", (THUMB_W, THUMB_H), _rgb(scene.status_color))
    out.paste(small, (2, 2))
    return out


def to_thumbnail(scene: Scene, full: Image.Image | None = None) -> bytes:
    return _png(thumbnail_image(scene, full))
