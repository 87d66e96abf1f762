"""Rendering for the client commands: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from brickroad.client.models import Charge, Datapoint, Goal

COLORS = {
    "red": "red",
    "orange": "dark_orange",
    "blue": "blue",
    "green": "green",
    "dkgreen": "dark_green",
    "gray": "grey50",
}


def console(stderr: bool = False) -> Console:
    # Built per call so it writes to whatever sys.stdout is now (tests swap it).
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def when(ts: int | None, with_time: bool = True) -> str:
    if not ts:
        return ""
    moment = datetime.fromtimestamp(ts)
    return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def money(value: float | None) -> str:
    return "" if value is None else f"${value:,.2f}"


def goals_table(goals: list[Goal]) -> Table:
    table = Table(show_edge=False, header_style="bold")
    for name, justify in (("goal", "left"), ("title", "left"), ("buffer", "right"), ("due", "left"),
                          ("derails", "left"), ("pledge", "right"), ("rate", "right")):
        # Only free text may wrap; slugs, dates and numbers stay on one line.
        table.add_column(name, justify=justify, no_wrap=name not in ("title", "due"))  # type: ignore[arg-type]
    for g in goals:
        rate = f"{number(g.rate)}/{g.runits}" if g.rate is not None and g.runits else number(g.rate)
        buffer = "" if g.safebuf is None else f"{g.safebuf}d"
        table.add_row(
            g.slug, g.title or "", buffer, g.limsum or "", when(g.losedate), money(g.pledge), rate,
            style=COLORS.get(g.colorkey or "", None),
        )
    return table


def goal_table(g: Goal) -> Table:
    table = Table(show_header=False, show_edge=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    rows: list[tuple[str, Any]] = [
        ("goal", g.slug),
        ("title", g.title),
        ("type", g.goal_type),
        ("units", g.gunits),
        ("rate", f"{number(g.rate)} per {g.runits}" if g.rate is not None else ""),
        ("goal value", number(g.goalval)),
        ("goal date", when(g.goaldate, with_time=False)),
        ("current", f"{number(g.curval)} on {when(g.curday, with_time=False)}" if g.curval is not None else ""),
        ("buffer", "" if g.safebuf is None else f"{g.safebuf} days"),
        ("due", g.limsum or ""),
        ("safe", g.safesum or ""),
        ("derails", when(g.losedate)),
        ("pledge", money(g.pledge)),
        ("datapoints", "" if g.numpts is None else str(g.numpts)),
        ("status", ", ".join(k for k in ("frozen", "won", "lost", "queued") if getattr(g, k)) or "active"),
        ("updated", when(g.updated_at)),
    ]
    if g.last_datapoint is not None:
        p = g.last_datapoint
        rows.append(("last point", f"{p.daystamp} {number(p.value)} {p.comment}".strip()))
    for key, val in rows:
        table.add_row(key, "" if val is None else str(val))
    return table


def points_table(points: list[Datapoint]) -> Table:
    table = Table(show_edge=False, header_style="bold")
    for name, justify in (("id", "left"), ("day", "left"), ("value", "right"), ("comment", "left"),
                          ("requestid", "left"), ("updated", "left")):
        table.add_column(name, justify=justify, overflow="fold", no_wrap=name not in ("comment", "requestid"))  # type: ignore[arg-type]
    for p in points:
        table.add_row(p.id, p.daystamp, number(p.value), p.comment, p.requestid or "", when(p.updated_at))
    return table


def charges_table(charges: list[Charge]) -> Table:
    table = Table(show_edge=False, header_style="bold")
    for name, justify in (("when", "left"), ("amount", "right"), ("kind", "left"), ("goal", "left"), ("note", "left")):
        table.add_column(name, justify=justify, overflow="fold", no_wrap=name != "note")  # type: ignore[arg-type]
    for c in charges:
        table.add_row(when(c.created_at), money(c.amount), c.kind or "", c.slug or "", c.note or "")
    return table


def point_line(verb: str, p: Datapoint) -> str:
    comment = f" {p.comment!r}" if p.comment else ""
    return f"{verb} {p.id}: {p.daystamp} {number(p.value)}{comment}"
