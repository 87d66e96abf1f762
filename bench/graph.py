"""Milliseconds per goal graph PNG for goals of 100, 1k, 10k and 100k datapoints.

Synthetic do-more goals (one to several entries a day, a rising road with a
break) are run through the road engine once; what is timed is drawing:
building the scene and encoding the PNG (and, separately, the SVG). Prints
figures only.

    .venv/bin/python bench/graph.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import time

from brickroad.graph import render
from brickroad.road import Datapoint, GoalParams, compute
from brickroad.road.dates import SID

T0 = 1_500_000_000 // SID * SID


def goal(n: int, seed: int = 1) -> tuple[GoalParams, list[Datapoint]]:
    """A weight-like goal with movingav and steppy lines: every layer has work to do."""
    rnd = random.Random(seed)
    days = min(n, 3650)  # up to ten years; longer goals have several entries a day
    per_day = -(-n // days)
    data = []
    for i in range(n):
        day = i // per_day
        v = 100.0 - 0.01 * day + rnd.gauss(0, 1.0)
        data.append(Datapoint(float(T0 + day * SID), v, ""))
    days = (n - 1) // per_day + 1
    asof = float(T0 + (days - 1) * SID)
    gp = GoalParams(tini=float(T0), vini=100.0, road=[(float(T0 + days // 2 * SID), None, -0.01),
                                                      (float(T0 + (days // 2 + 7) * SID), None, 0.0)],
                    vfin=0.0, rfin=-0.01,
                    runits="d", yaw=-1, dir=-1, aggday="min", asof=asof, movingav=True, rosy=True,
                    aura=True, steppy=True, waterbux="$5", yaxis="kg")
    return gp, data


def timed(fn, runs: int) -> tuple[float, float]:
    """(wall ms, CPU ms) of the fastest run: on a shared machine that one was least disturbed."""
    fn()  # warm-up (fonts, caches)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return min(wall), min(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    print("ms per render, fastest of --runs (wall / CPU); engine = one road-engine run, not included")
    print(f"{'points':>8} {'engine':>8} {'png':>13} {'svg':>13} {'png+thumb':>13} {'png KB':>7} {'svg KB':>7}")
    for n in (100, 1_000, 10_000, 100_000):
        gp, data = goal(n)
        t = time.perf_counter()
        res = compute(gp, data)
        engine = (time.perf_counter() - t) * 1000
        _ = res.moving_average, res.rosy_points, res.aura_curve  # series are cached by the result
        png = timed(lambda: render(gp, res).png(), args.runs)
        svg = timed(lambda: render(gp, res).svg(), args.runs)

        def both() -> None:
            g = render(gp, res)
            g.png()
            g.thumbnail()

        pt = timed(both, args.runs)
        g = render(gp, res)
        def cell(x: tuple[float, float]) -> str:
            return f"{x[0]:.1f} / {x[1]:.1f}"

        print(f"{n:>8} {engine:>8.1f} {cell(png):>13} {cell(svg):>13} {cell(pt):>13} "
              f"{len(g.png()) / 1024:>7.1f} {len(g.svg()) / 1024:>7.1f}")


if __name__ == "__main__":
    main()
