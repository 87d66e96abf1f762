"""A goal's graph images (PNG, SVG, thumbnail): rendered from stored data, cached on disk.

The picture depends on the goal's data and road (anything that recomputes it:
a new `updated_at` and `points_rev`) and on today's date (the akrasia horizon
moves daily), so the cache key is (goal id, that version, today's daystamp). Files live under
DATA_DIR/graphs/ so every process sharing the data directory reuses them; a
render costs tens of milliseconds, so a miss is rendered inline.

The outbox's "graph" kind (see brickroad.jobs.graph_render) pre-renders after
a change and clears the goal's `queued` flag.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from brickroad.errors import NotFound
from brickroad.graph import Graph, render_bb
from brickroad.services import firstday, pointcache, roadcalc
from brickroad.services.context import Context
from brickroad.services.goal_models import Goal
from brickroad.services.models import User
from brickroad.store import goals as goal_rows
from brickroad.store import tables
from brickroad.store import users as user_rows

KINDS = {"png": "image/png", "svg": "image/svg+xml", "thumb": "image/png"}
_SUFFIX = {"png": ".png", "svg": ".svg", "thumb": "-thumb.png"}


@dataclass(frozen=True)
class GraphImage:
    body: bytes
    media_type: str
    etag: str


def parse_name(name: str) -> tuple[str, str, str]:
    """"alice+pushups-thumb.png" -> ("alice", "pushups", "thumb"); NotFound if malformed."""
    for kind in ("thumb", "png", "svg"):
        suffix = _SUFFIX[kind]
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            user, sep, slug = stem.partition("+")
            if sep and user and slug:
                return user, slug, kind
    raise NotFound()


def _cache_dir(ctx: Context) -> Path:
    return Path(ctx.settings.data_dir) / "graphs"


def _key(goal: Goal, today: str) -> str:
    return f"{goal.id}-{goal.graph_version}-{today}"


def _write_atomic(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(body)
    os.replace(tmp, path)


def _drop_stale(folder: Path, goal_id: int, keep: str) -> None:
    for p in folder.glob(f"{goal_id}-*"):
        if not p.name.startswith(keep):
            try:
                p.unlink()
            except OSError:
                pass  # another process got there first


def goal_bb(conn: Connection, user: User, goal: Goal, now: int) -> dict[str, Any]:
    """The .bb document the engine sees for this goal (params + data)."""
    # The points the goal's own recompute reads, so the graph agrees with its numbers (firstday).
    points, _hidden = firstday.engine_points(conn, goal, pointcache.fetch(conn, goal.id))
    return roadcalc.bb_input(goal, user.timezone, points, now, yoog=f"{user.username}/{goal.slug}")


def _bodies(graph: Graph) -> dict[str, bytes]:
    return {"png": graph.png(), "svg": graph.svg().encode(), "thumb": graph.thumbnail()}


def store_all(ctx: Context, user: User, goal: Goal, graph: Graph, now: int) -> dict[str, bytes]:
    today = roadcalc.today_stamp(goal, user.timezone, now)
    key = _key(goal, today)
    folder = _cache_dir(ctx)
    bodies = _bodies(graph)
    for kind, body in bodies.items():
        _write_atomic(folder / f"{key}{_SUFFIX[kind]}", body)
    _drop_stale(folder, goal.id, key)
    return bodies


def image(ctx: Context, username: str, slug: str, kind: str) -> GraphImage:
    """The current image of a goal; secret and deleted goals are not found."""
    now = ctx.clock.now()
    with ctx.db.read() as conn:
        urow = user_rows.by_username(conn, username)
        if urow is None:
            raise NotFound()
        user = User.from_row(urow)
        grow = goal_rows.by_slug(conn, user.pk, slug)
        if grow is None:
            raise NotFound()
        goal = Goal.from_row(grow)
        if goal.secret or goal.deleted_at is not None:
            raise NotFound()
        today = roadcalc.today_stamp(goal, user.timezone, now)
        key = _key(goal, today)
        path = _cache_dir(ctx) / f"{key}{_SUFFIX[kind]}"
        try:
            return GraphImage(path.read_bytes(), KINDS[kind], _etag(key, kind))
        except OSError:
            bb = goal_bb(conn, user, goal, now)
    # render outside the transaction: the connection goes back to the pool meanwhile
    body = store_all(ctx, user, goal, render_bb(bb), now)[kind]
    return GraphImage(body, KINDS[kind], _etag(key, kind))


def _etag(key: str, kind: str) -> str:
    return hashlib.blake2b(f"{key}{kind}".encode(), digest_size=8).hexdigest()


def render_queued_goal(ctx: Context, goal_id: int) -> bool:
    """Render and cache a goal's images, then clear `queued`. False if the goal is gone."""
    now = ctx.clock.now()
    with ctx.db.read() as conn:
        grow = conn.execute(select(tables.goals).where(tables.goals.c.id == goal_id)).mappings().first()
        if grow is None:
            return False
        goal = Goal.from_row(grow)
        urow = user_rows.by_id(conn, goal.user_id)
        if urow is None:
            return False
        user = User.from_row(urow)
        bb = goal_bb(conn, user, goal, now)
    store_all(ctx, user, goal, render_bb(bb), now)
    if goal.queued:
        # Only if nothing changed while we drew: a newer change has its own render queued.
        with ctx.db.write() as conn:
            conn.execute(
                update(tables.goals)
                .where(
                    tables.goals.c.id == goal_id,
                    tables.goals.c.updated_at == goal.updated_at,
                    tables.goals.c.points_rev.is_not_distinct_from(goal.points_rev),
                )
                .values(queued=False)
            )
    return True
