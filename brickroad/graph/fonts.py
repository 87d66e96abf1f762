"""Finding DejaVu Sans (what Beeminder's graphs use) and measuring text.

Text widths matter for layout: the plot's left edge moves with the width of
the y tick labels, and the watermarks shrink to fit half the plot. We measure
with the real font when one is installed (Debian's fonts-dejavu-core) and fall
back to DejaVu's average advance widths otherwise, so layout never depends on
a font being present.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Optional

from PIL import ImageFont

_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)

# FreeType faces must not be used by two threads at once; the API renders in a
# thread pool, so measuring and rasterising text both hold this lock.
FONT_LOCK = threading.RLock()

# DejaVu Sans advance widths in em, for measuring without the font file.
_EM = {"0123456789": 0.636, ",.:;!|": 0.318, " ": 0.318, "-": 0.361, "$": 0.636}


def _search(name: str) -> Optional[str]:
    extra = os.environ.get("BRICKROAD_FONT_DIR")
    dirs = ((extra,) if extra else ()) + _DIRS
    for d in dirs:
        p = Path(d) / name
        if p.is_file():
            return str(p)
    try:  # matplotlib ships DejaVu; use it when it happens to be installed
        import matplotlib  # type: ignore[import-not-found]

        p = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
        if p.is_file():
            return str(p)
    except ImportError:
        pass
    return None


@functools.lru_cache(maxsize=None)
def font_path(bold: bool = False) -> Optional[str]:
    return _search("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@functools.lru_cache(maxsize=64)
def pil_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font of `size` px; Pillow's built-in font when DejaVu is missing."""
    path = font_path(bold)
    size = max(1, int(size))
    if path:
        return ImageFont.truetype(path, size)
    try:
        return ImageFont.load_default(size)
    except TypeError:  # very old Pillow without a scalable default
        return ImageFont.load_default()


def _estimate(text: str, size: float, bold: bool) -> float:
    w = 0.0
    for ch in text:
        for chars, em in _EM.items():
            if ch in chars:
                w += em
                break
        else:
            w += 0.6 if ch.islower() else 0.7
    return w * size * (1.1 if bold else 1.0)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of `text` at `size` px in DejaVu Sans (estimated if not installed)."""
    if font_path(bold) is None:
        return _estimate(text, size, bold)
    # measure at a fixed size and scale: one cached font object for all sizes
    with FONT_LOCK:
        f = pil_font(100, bold)
        return float(f.getlength(text)) * size / 100.0
