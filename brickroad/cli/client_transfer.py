"""`brickroad import` and `brickroad export`: many datapoints at once."""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from brickroad.cli import client_csv
from brickroad.cli.client_journal import Journal
from brickroad.cli.client_output import console
from brickroad.client import Client, Datapoint, PartialFailure, PointStatus
from brickroad.client.errors import describe, item_message
from brickroad.client.models import NewDatapoint


@dataclass
class ImportReport:
    sent: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    refused_batches: int = 0
    seconds: float = 0.0

    def summary(self, slug: str) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.statuses.items())) or "nothing new"
        rate = self.sent / self.seconds if self.seconds > 0 else 0.0
        return f"imported {self.sent} points into {slug} ({counts}) in {self.seconds:.2f}s, {rate:,.0f} points/s"


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        disable=not enabled,
        transient=True,
    )


def send_points(
    bee: Client,
    slug: str,
    points: list[NewDatapoint],
    lines: list[int],
    batch_size: int,
    show_progress: bool,
    parallel: int = 2,
    journal: Journal | None = None,
) -> ImportReport:
    """create_all in batches, `parallel` requests in flight.

    Two in flight keep the server busy while the client encodes the next batch
    and decodes the last answer. Order doesn't matter: every point carries its
    requestid. A refused batch is reported and the others still go.
    """
    report = ImportReport()
    start = time.perf_counter()

    def send(offset: int) -> tuple[int, int, list[PointStatus], list[Any]]:
        batch = points[offset : offset + batch_size]
        try:
            return offset, len(batch), bee.create_all_statuses(slug, batch), []
        except PartialFailure as exc:
            return offset, len(batch), [PointStatus.from_json(p) for p in exc.successes], [(offset, e) for e in exc.failures]

    skip = journal.load() if journal is not None else set()
    offsets = [o for o in range(0, len(points), batch_size) if o not in skip]
    already = len(points) - sum(len(points[o : o + batch_size]) for o in offsets)
    if already:
        report.statuses["already imported"] = already
    pending = iter(offsets)
    refused: list[tuple[int, Any]] = []
    with _progress(show_progress) as progress, ThreadPoolExecutor(max(1, parallel)) as pool:
        task = progress.add_task("import", total=len(points), completed=already)
        # A window of `parallel` batches: after a failure or Ctrl-C nothing new starts.
        in_flight = {pool.submit(send, offset) for offset in itertools.islice(pending, max(1, parallel))}
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                offset, size, created, failures = future.result()
                if failures:
                    report.refused_batches += 1
                    refused += failures
                elif journal is not None:
                    journal.mark(offset)
                report.statuses.update(p.status for p in created)
                report.sent += len(created)
                progress.advance(task, size)
                for offset in itertools.islice(pending, 1):
                    in_flight.add(pool.submit(send, offset))
    if journal is not None and not refused:
        journal.finish()
    report.failures = [_failure_line(item, lines, offset) for offset, item in sorted(refused, key=lambda r: r[0])]
    report.seconds = time.perf_counter() - start
    return report


def _failure_line(item: Any, lines: list[int], offset: int) -> str:
    """`line N: value: is not a number` from a create_all error item carrying its batch index."""
    if isinstance(item, dict) and isinstance(item.get("index"), int) and 0 <= offset + item["index"] < len(lines):
        return f"line {lines[offset + item['index']]}: {describe(item.get('errors'), None)}"
    return f"refused: {item_message(item)}"


def all_points(bee: Client, slug: str, per: int = 1000) -> list[Datapoint]:
    """Every point of the goal, oldest first."""
    points = list(bee.iter_datapoints(slug, per=per))
    points.sort(key=lambda p: (p.timestamp, p.id))
    return points


def export_rows(bee: Client, slugs: list[str]) -> Iterator[tuple[str, Datapoint]]:
    for slug in slugs:
        for point in all_points(bee, slug):
            yield slug, point


def export(bee: Client, slugs: list[str], fmt: str, several: bool, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if fmt == "csv":
        return client_csv.write(export_rows(bee, slugs), out, with_goal=several)
    data: Any
    if several:
        data = {slug: [p.raw for p in all_points(bee, slug)] for slug in slugs}
        count = sum(len(v) for v in data.values())
    else:
        data = [p.raw for p in all_points(bee, slugs[0])]
        count = len(data)
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return count


def read_csv(path: Path) -> client_csv.ParsedFile:
    return client_csv.read(path)
