"""Throughput cost of quota accounting on GET /api/v1/users/me.json: quotas on vs off, same run.

Usage: .venv/bin/python bench/quota_overhead.py [--seconds 3] [--rounds 3]
Both servers use SQLite in the same temp dir; rounds alternate to even out machine noise.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.loadgen import bench_instance, free_port, get, load, start_brickroad  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    env, token = bench_instance()
    request = get(f"/api/v1/users/me.json?auth_token={token}")
    on_port, off_port = free_port(), free_port()
    on = start_brickroad(on_port, env=env)
    off = start_brickroad(off_port, env={**env, "BRICKROAD_QUOTAS": "off"})
    rates: dict[str, list[float]] = {"on": [], "off": []}
    try:
        load(on_port, request, 1)
        load(off_port, request, 1)
        for _ in range(args.rounds):
            rates["off"].append(load(off_port, request, args.seconds).rps)
            rates["on"].append(load(on_port, request, args.seconds).rps)
    finally:
        on.terminate()
        off.terminate()
    best_on, best_off = max(rates["on"]), max(rates["off"])
    print(f"quotas off  {best_off:8.0f} req/s  (rounds: {', '.join(f'{r:.0f}' for r in rates['off'])})")
    print(f"quotas on   {best_on:8.0f} req/s  (rounds: {', '.join(f'{r:.0f}' for r in rates['on'])})")
    print(f"slowdown    {100 * (1 - best_on / best_off):8.1f} %")


if __name__ == "__main__":
    main()
