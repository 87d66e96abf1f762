"""`brickroad road ...`: run the road engine on a Beebrain .bb goal file."""

from __future__ import annotations

import inspect
import json
import statistics
import time
from pathlib import Path
from typing import Any, Optional

import typer

from brickroad.road.bbjson import stats_from_bb
from brickroad.road.dates import dayparse
from brickroad.road.jsfmt import js_dumps

app = typer.Typer(help="Run the road engine (Beebrain) on .bb goal files.", no_args_is_help=True)


def _asof(value: Optional[str]) -> Optional[float]:
    if value is None:
        return None
    t = dayparse(value)
    if t is None or t != t:
        raise typer.BadParameter(f"not a daystamp or unix time: {value!r}")
    return float(t)


def _with_texts(params: Any, stats: dict[str, Any]) -> dict[str, Any]:
    """Merge the presentation strings from summary.py when that module exists."""
    try:
        from brickroad.road.summary import summaries
    except ImportError:
        return stats
    if not isinstance(params, dict):
        return stats
    kwargs: dict[str, Any] = {}
    if "tcur_unix" in inspect.signature(summaries).parameters and stats.get("tcur") is not None:
        kwargs["tcur_unix"] = stats.get("_tcur_unix")
    stats.update(summaries(params, {k: v for k, v in stats.items() if not k.startswith("_")}, **kwargs))
    return stats


def _load(file: Path) -> Any:
    try:
        return json.loads(file.read_text())
    except (OSError, ValueError) as e:
        raise typer.BadParameter(f"cannot read {file}: {e}") from e


@app.command()
def compute(
    file: Path = typer.Argument(..., help="Goal file (.bb JSON: params and data)."),
    asof: Optional[str] = typer.Option(None, help="Compute as of this day (YYYYMMDD or unix time)."),
) -> None:
    """Print Beebrain's stats for FILE as one JSON object."""
    bb = _load(file)
    stats = stats_from_bb(bb, _asof(asof), with_tcur_unix=True)
    params = bb.get("params") if isinstance(bb, dict) else None
    if isinstance(params, dict) and asof is not None:
        params = dict(params, asof=asof)
    stats = _with_texts(params, stats)
    stats.pop("_tcur_unix", None)
    typer.echo(js_dumps(stats))


@app.command()
def bench(
    file: Path = typer.Argument(..., help="Goal file (.bb JSON)."),
    n: int = typer.Option(100, "-n", help="Number of timed runs after one warm-up."),
) -> None:
    """Time the engine on FILE: N runs in this process after one warm-up."""
    bb = _load(file)
    stats_from_bb(bb)
    times = []
    for _ in range(max(1, n)):
        t0 = time.perf_counter()
        stats_from_bb(bb)
        times.append((time.perf_counter() - t0) * 1000)
    npts = len(bb.get("data") or []) if isinstance(bb, dict) else 0
    typer.echo(f"{file.name}: {npts} datapoints, {len(times)} runs, "
               f"median {statistics.median(times):.3f} ms, min {min(times):.3f} ms")
    typer.echo(f"mean ms per run: {statistics.fmean(times):.3f}")


if __name__ == "__main__":
    app()
