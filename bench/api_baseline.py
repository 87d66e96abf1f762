"""GET /api/v1/users/me.json throughput next to a bare Starlette JSON endpoint, same run, same machine.

Usage: .venv/bin/python bench/api_baseline.py [--seconds 3] [--connections 16]
Prints requests/s for both and the ratio (brickroad / bare). SQLite in a temp dir.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.loadgen import bench_instance, free_port, get, load, start_brickroad, start_server  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()

    env, token = bench_instance()

    bare_port, br_port = free_port(), free_port()
    bare = start_server("bench.bare_app:app", bare_port)
    ours = start_brickroad(br_port, env=env)
    try:
        load(bare_port, get("/user"), seconds=1)  # warm both up
        load(br_port, get(f"/api/v1/users/me.json?auth_token={token}"), seconds=1)
        ref = load(bare_port, get("/user"), args.seconds, args.connections)
        res = load(br_port, get(f"/api/v1/users/me.json?auth_token={token}"), args.seconds, args.connections)
    finally:
        bare.terminate()
        ours.terminate()
    print(f"bare starlette JSON      {ref.rps:9.0f} req/s  ({ref.errors} errors)")
    print(f"GET /users/me.json       {res.rps:9.0f} req/s  ({res.errors} errors)")
    print(f"ratio brickroad/bare     {res.rps / ref.rps:9.2f}")


if __name__ == "__main__":
    main()
