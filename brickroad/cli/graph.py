"""`brickroad graph FILE.bb -o out.png`: draw a Beebrain goal file as PNG or SVG."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from brickroad.road.dates import dayparse

_FORMATS = {".png": "png", ".svg": "svg"}


def graph(
    file: Path = typer.Argument(..., help="Goal file (.bb JSON: params and data)."),
    o: Path = typer.Option(..., "-o", "--output", help="Output file: .png or .svg."),
    thumb: Optional[Path] = typer.Option(None, "--thumb", help="Also write the 212x140 thumbnail PNG here."),
    asof: Optional[str] = typer.Option(None, help="Draw as of this day (YYYYMMDD or unix time)."),
) -> None:
    """Render FILE's goal graph to O (format by extension: .png or .svg)."""
    from brickroad.graph import render_bb

    fmt = _FORMATS.get(o.suffix.lower())
    if fmt is None:
        raise typer.BadParameter(f"output must end in .png or .svg, not {o.suffix or '(nothing)'}", param_hint="-o")
    try:
        bb = json.loads(file.read_text())
    except (OSError, ValueError) as e:
        raise typer.BadParameter(f"cannot read {file}: {e}", param_hint="FILE") from e
    when: Optional[float] = None
    if asof is not None:
        t = dayparse(asof)
        if not isinstance(t, (int, float)) or t != t:
            raise typer.BadParameter(f"not a daystamp or unix time: {asof!r}", param_hint="--asof")
        when = float(t)
    g = render_bb(bb if isinstance(bb, dict) else {}, when)
    if fmt == "svg":
        o.write_text(g.svg())
    else:
        o.write_bytes(g.png())
    if thumb is not None:
        thumb.write_bytes(g.thumbnail())
    if g.error:
        typer.echo(f"warning: drew a placeholder: {g.error}", err=True)
    typer.echo(f"wrote {o}")


def register(app: typer.Typer) -> None:
    """Mount `graph` on the main `brickroad` command."""
    app.command("graph")(graph)
