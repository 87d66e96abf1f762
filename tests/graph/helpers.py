"""Goals for graph tests: the golden .bb files and small synthetic ones."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Optional

from brickroad.road import Datapoint, GoalParams
from brickroad.road.dates import SID

GOLDEN = Path(__file__).resolve().parents[2].parent / "shared" / "golden" / "road" / "real"
if not GOLDEN.is_dir():  # CI clones main with shared/ beside it
    GOLDEN = Path("/work/shared/golden/road/real")

NS = "{http://www.w3.org/2000/svg}"
T0 = 1_700_006_400  # a UTC midnight (2023-11-15)


def golden_bb(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.bb").read_text())


def do_more(n: int = 5, rate: float = 1.0, asof_day: Optional[int] = None, **kw: Any) -> tuple[GoalParams, list[Datapoint]]:
    """A cumulative do-more goal with one +1 entry a day for n days."""
    days = asof_day if asof_day is not None else n - 1
    gp = GoalParams(tini=float(T0), vini=0.0, road=[], tfin=float(T0 + 200 * SID), vfin=None, rfin=rate,
                    runits="d", yaw=1, dir=1, kyoom=True, aggday="sum", asof=float(T0 + days * SID),
                    waterbux="$5", yaxis="pushups", **kw)
    data = [Datapoint(float(T0 + i * SID), 1.0, "") for i in range(n)]
    return gp, data


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def by_class(root: ET.Element, word: str) -> list[ET.Element]:
    """Elements whose class list contains `word`."""
    return [e for e in root.iter() if word in (e.get("class") or "").split()]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [e.text or "" for e in by_class(root, cls)]
