"""Road engine benchmark: prints ms per goal and how the slowest goal type compares with the targets.

    .venv/bin/python bench/road_engine.py [--runs N] [--shared DIR]

Synthetic goals of 100, 1k, 10k and 100k datapoints for several goal types
and aggday methods, timed two ways (median of the runs, wall clock; for the .bb
run also the median CPU time and the best run, which on a shared machine show
the cost with less of the other work's noise in it):
  engine  compute(GoalParams, DataColumns) -> RoadResult (what the API calls)
  bb      stats_from_bb(.bb dict) -> Beebrain JSON dict (reading the data rows included)
then the median over the real goldens in shared/golden/road/real.

Targets for a whole .bb goal to stats (10x and 20x faster than Beebrain):
3 ms at 10k points, 90 ms at 100k. The ratio printed is time / target (below 1 is met).
Measured figures are in the README ("The road engine"). On a shared machine the wall times
move with the other work; to compare two versions of the code, count instructions per call
instead (valgrind --tool=callgrind over N calls minus over none), which the load doesn't move.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brickroad.road import GoalParams, compute, stats_from_bb  # noqa: E402
from brickroad.road.dates import SID, dayify  # noqa: E402
from brickroad.road.types import DataColumns  # noqa: E402

T0 = 1_500_000_000 // SID * SID  # 2017-07-14
TARGETS_MS = {10_000: 3.0, 100_000: 90.0}  # whole .bb -> stats

GOAL_TYPES: dict[str, dict[str, Any]] = {
    "hustler/sum": dict(yaw=1, dir=1, kyoom=True, aggday="sum", rate=1.0),
    "drinker/sum": dict(yaw=-1, dir=1, kyoom=True, aggday="sum", rate=1.0),
    "fatloser/min": dict(yaw=-1, dir=-1, kyoom=False, aggday="min", rate=-0.01),
    "gainer/mean": dict(yaw=1, dir=1, kyoom=False, aggday="mean", rate=0.01),
    "biker/last": dict(yaw=1, dir=1, kyoom=False, aggday="last", rate=1.0),
    "custom/median": dict(yaw=1, dir=1, kyoom=False, aggday="median", rate=0.5),
}


def make_goal(kind: str, n: int, seed: int = 1) -> tuple[dict[str, Any], list[list[Any]]]:
    """A .bb-style goal with n datapoints, several per day once n is large."""
    spec = GOAL_TYPES[kind]
    rnd = random.Random(seed)
    days = min(n, 20_000)
    rate = spec["rate"]
    data: list[list[Any]] = []
    level = 100.0
    for i in range(n):
        day = i * days // n
        if spec["kyoom"]:
            v = round(rnd.uniform(0, 2 * rate * days / n), 2)
        else:
            level += rate * days / n + rnd.uniform(-0.5, 0.5) * abs(rate) * 3
            v = round(level, 2)
        data.append([dayify(T0 + day * SID), v, ""])
    asof = T0 + (days - 1) * SID
    vini = 0.0 if spec["kyoom"] else 100.0
    params = dict(
        tini=dayify(T0), vini=vini, road=[[dayify(T0 + days * SID // 2), None, rate]],
        tfin=dayify(asof + 365 * SID), vfin=None, rfin=rate, runits="d",
        yaw=spec["yaw"], dir=spec["dir"], kyoom=spec["kyoom"], aggday=spec["aggday"],
        asof=dayify(asof), yoog=f"bench/{kind}",
    )
    return params, data


def timeit(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """Median wall, median CPU and best wall milliseconds per call, after one warm-up call."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000, min(wall) * 1000


def engine_inputs(params: dict[str, Any], data: list[list[Any]]) -> tuple[GoalParams, DataColumns]:
    from brickroad.road.bbjson import data_from_bb
    from brickroad.road.params import from_bb

    cols = data_from_bb(data)
    assert isinstance(cols, DataColumns)
    return from_bb(params), cols


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=0, help="runs per goal (default: by size)")
    ap.add_argument("--shared", default=os.environ.get(
        "BRICKROAD_SHARED", str(Path(__file__).resolve().parents[1].parent / "shared")))
    a = ap.parse_args()

    print(f"{'goal':<16} {'points':>7} {'engine ms':>10} {'bb ms':>9} {'bb cpu ms':>10} {'bb best':>8}")
    slowest: dict[int, list[float]] = {}
    for n in (100, 1_000, 10_000, 100_000):
        runs = a.runs or {100: 200, 1_000: 100, 10_000: 30, 100_000: 7}[n]
        for kind in GOAL_TYPES:
            params, data = make_goal(kind, n)
            gp, cols = engine_inputs(params, data)
            e = timeit(lambda: compute(gp, cols), runs)[0]
            bb = {"params": params, "data": data}
            figures = timeit(lambda: stats_from_bb(bb), runs)
            print(f"{kind:<16} {n:>7} {e:>10.3f} {figures[0]:>9.3f} {figures[1]:>10.3f} {figures[2]:>8.3f}")
            slowest[n] = [max(x, y) for x, y in zip(slowest.get(n, [0.0] * 3), figures)]
    for n, target in TARGETS_MS.items():
        b, bc, best = slowest[n]
        print(f"{n} points, slowest goal type, whole .bb -> stats, against the {target:g} ms target: "
              f"median {b:.2f} ms (ratio {b / target:.2f}), CPU {bc:.2f} ms ({bc / target:.2f}), "
              f"best run {best:.2f} ms ({best / target:.2f})")

    files = sorted(glob.glob(os.path.join(a.shared, "golden", "road", "real", "*.bb")))
    if files:
        per = []
        for f in files:
            with open(f) as fh:
                bb = json.load(fh)
            per.append(timeit(lambda: stats_from_bb(bb), a.runs or 20)[0])
        print(f"real goldens: {len(files)} goals, median {statistics.median(per):.3f} ms, "
              f"max {max(per):.3f} ms per goal (bb dict -> stats)")
    else:
        print(f"no goldens under {a.shared}")


if __name__ == "__main__":
    main()
