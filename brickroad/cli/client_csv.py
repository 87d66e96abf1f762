"""CSV in and out for `brickroad import` / `brickroad export`.

Import reads a header row naming any of: value (required), timestamp,
daystamp (or date), comment, requestid; other columns (id, updated_at, goal
from an export) are ignored. A file without a header is read as
`date,value[,comment]`.

Every imported point gets a requestid. Rows that don't bring one get
`csv-<hash of file name, line number, row text>`, so importing the same file
again (after a crash, a Ctrl-C, or by mistake) updates nothing and creates
nothing: the server recognises each requestid.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brickroad.cli.client_dates import DateError, parse_value, to_daystamp, to_timestamp
from brickroad.client.models import Datapoint, NewDatapoint

COLUMNS = ("value", "timestamp", "daystamp", "comment", "requestid")
ALIASES = {"date": "daystamp", "day": "daystamp", "time": "timestamp", "note": "comment"}
EXPORT_COLUMNS = ("id", "timestamp", "daystamp", "value", "comment", "updated_at", "requestid")


@dataclass
class ParsedFile:
    points: list[NewDatapoint] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # source line of each point
    problems: list[str] = field(default_factory=list)


def derived_requestid(file_name: str, line: int, cells: list[str]) -> str:
    digest = hashlib.sha1(f"{file_name}\0{line}\0{chr(31).join(cells)}".encode()).hexdigest()
    return f"csv-{digest[:20]}"


def _header_map(cells: list[str]) -> dict[str, int] | None:
    names = [ALIASES.get(c.strip().lower(), c.strip().lower()) for c in cells]
    if "value" not in names:
        return None
    return {name: i for i, name in enumerate(names) if name in COLUMNS}


def _row_parser(cols: dict[str, int]) -> Callable[[list[str]], NewDatapoint]:
    """A row -> point function for this file's columns (looked up once, not per row)."""
    width = max(cols.values()) + 1
    iv, its, iday, icom, irid = (cols.get(k, width) for k in COLUMNS)  # `width` = the padding cell: ""

    def point(cells: list[str]) -> NewDatapoint:
        # Exactly `width` cells then one "" (where missing columns point): extra columns are ignored.
        row = cells[:width] + [""] * (width + 1 - min(len(cells), width))
        raw_value = row[iv].strip()
        if not raw_value:
            raise ValueError("value is missing")
        ts, day, rid = row[its].strip(), row[iday].strip(), row[irid].strip()
        return NewDatapoint(
            value=parse_value(raw_value),
            timestamp=to_timestamp(ts) if ts else None,
            daystamp=to_daystamp(day) if day else None,
            comment=row[icom].strip() if "comment" in cols else None,
            requestid=rid or None,
        )

    return point


def parse(text: str, file_name: str) -> ParsedFile:
    """All points of a CSV text, and a message per bad row ("line 7: …")."""
    out = ParsedFile()
    reader = csv.reader(io.StringIO(text))
    row_point: Callable[[list[str]], NewDatapoint] | None = None
    next_line = 1  # physical line where the next record starts
    for cells in reader:
        line, next_line = next_line, reader.line_num + 1
        if not "".join(cells).strip():
            continue
        if row_point is None:
            cols = _header_map(cells)
            row_point = _row_parser(cols or {"daystamp": 0, "value": 1, "comment": 2})
            if cols is not None:
                continue  # that was the header
        try:
            point = row_point(cells)
        except (ValueError, DateError) as exc:
            out.problems.append(f"line {line}: {exc}")
            continue
        if point.requestid is None:
            point.requestid = derived_requestid(file_name, line, cells)
        out.points.append(point)
        out.lines.append(line)
    return out


def read(path: Path) -> ParsedFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return ParsedFile(problems=[f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"])
    return parse(text, path.name)


def batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write(rows: Iterable[tuple[str, Datapoint]], out: Any, with_goal: bool) -> int:
    """Export (goal slug, point) rows; the goal column only when exporting several goals."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((["goal"] if with_goal else []) + list(EXPORT_COLUMNS))
    n = 0
    for slug, p in rows:
        row: list[Any] = [p.id, p.timestamp, p.daystamp, _number(p.value), p.comment, p.updated_at or "", p.requestid or ""]
        writer.writerow(([slug] if with_goal else []) + row)
        n += 1
    return n


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
