"""Beeminder's graph colours (read from its published SVGs)."""

from __future__ import annotations

RED = "#ff0000"          # the bright red line
LANE = "#ffff88"         # lane band between the red line and the 2-day isoline
FOREVER = "#ffffbd"      # "safe until the goal date" region
GUIDE = "#ffff88"        # k-days-of-buffer guidelines
FLUX = "#ffe54c"         # maxflux / stdflux lines
ISO_GREEN = "#6BC461"    # 6 safe days
ISO_BLUE = "#3f3fff"     # 2 safe days
ISO_ORANGE = "#ffa500"   # 1 safe day
AURA = "#E5BbE5"
PINK = "#ffe5e5"         # akrasia zone; hatched with HATCH hairlines
HATCH = "#aaaaaa"
GRID = "#dddddd"
STEPPY = "#B56bb5"       # steppy line, its corner dots, moving average
ROSY = "#ff8080"
HORIZON = "#4C4CFF"
WATERMARK_OPACITY = 1 / 17

# dot classes by safe days: 0 red, 1 orange, 2 blue, 3-6 green, 7+ forest green
SAFE_DAY_KINDS = ("red", "orn", "blu", "grn", "grn", "grn", "grn", "gra")
DOT_FILL = {
    "gra": "#228B22", "grn": "#00aa00", "blu": "#3f3fff", "orn": "#ffa500",
    "red": "#ff0000", "blk": "#000000", "?": "#000000",
}
# thumbnail frame: CSS colour names of the goal's status
STATUS = {"green": "#008000", "blue": "#0000ff", "orange": "#ffa500", "red": "#ff0000"}
