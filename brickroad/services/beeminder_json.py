"""Goal and Datapoint JSON in Beeminder's key order (REFERENCE §5, §7.1), built as plain dicts."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from brickroad.services import days
from brickroad.services.goal_models import Datapoint, Goal
from brickroad.services.goals import GoalView, roadall, urgencykey
from brickroad.services.models import User
from brickroad.store.ids import public_id

ROAD_KEYS = ("road", "roadall", "fullroad")
SKINNY_KEYS = (
    "slug", "title", "description", "goalval", "rate", "goaldate", "svg_url", "graph_url", "thumb_url",
    "goal_type", "autodata", "losedate", "urgencykey", "deadline", "leadtime", "alertstart", "id", "queued",
    "updated_at", "burner", "yaw", "lane", "delta", "runits", "limsum", "frozen", "lost", "won", "contract",
    "delta_text", "safebump", "gunits", "todayta", "timey", "hhmmformat",
)


def _fmt_value(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.10g}"


@lru_cache(maxsize=4096)
def _day_texts(daystamp: str) -> tuple[str, str]:
    day = days.from_daystamp(daystamp)
    return f"{day:%Y-%b-%d}", f"{day:%d}"


@lru_cache(maxsize=4096)
def _entered_texts(created_at: int, tz: str) -> tuple[str, str]:
    # A batch shares one created_at and a goal's points share few days: format each once.
    entered = days.local_naive(created_at, tz)
    return f"entered at {entered:%H:%M} on {entered:%Y-%b-%d}", days.iso_utc(created_at)


def datapoint_json(p: Datapoint, user: User) -> dict[str, Any]:
    day_text, dom = _day_texts(p.daystamp)
    entered_text, created_iso = _entered_texts(p.created_at, user.timezone)
    if p.is_initial:
        fulltext = f"{day_text} {entered_text} ex nihilo"
    else:
        fulltext = f"{day_text} {entered_text} by {p.creator} via {p.origin}"
    value = _fmt_value(p.value)
    canonical = f"{dom} {value}" + (f' "{p.comment}"' if p.comment else "")
    out = {
        "id": public_id(p.id),
        "timestamp": p.timestamp,
        "daystamp": p.daystamp,
        "value": float(p.value),
        "comment": p.comment,
        "updated_at": p.updated_at,
        "requestid": p.requestid,
        "origin": p.origin,
        "creator": p.creator,
        "is_dummy": p.is_dummy,
        "is_initial": p.is_initial,
        "urtext": p.urtext,
        "fulltext": fulltext,
        "canonical": canonical,
        "formatted_value": value,
        "created_at": created_iso,
    }
    if p.status is not None:
        out["status"] = p.status
    return out


def _road(rows: list[list[Any]]) -> list[list[Any]]:
    return [[t, float(v) if v is not None else None, float(r) if r is not None else None] for t, v, r in rows]


def _singular(units: str) -> str:
    return units[:-1] if units.endswith("s") and not units.endswith("ss") else units


_daystamp = lru_cache(maxsize=1024)(days.daystamp_of)  # pure; a busy second asks many times


def todayta(view: GoalView, user: User, now: int) -> bool:
    """Whether a recent point is on today: the one field of a goal's JSON that depends on the clock."""
    today = _daystamp(now, user.timezone, view.goal.deadline)
    return any(p.daystamp == today for p in view.recent)


def goal_json(
    view: GoalView, user: User, base_url: str, now: int, emaciated: bool = False, skinny: bool = False
) -> dict[str, Any]:
    g: Goal = view.goal
    s = g.stats or {}
    user_slug = f"{base_url}/graphs/{user.username}+{g.slug}"
    # The picture changes with every recompute, so its version in the URL keeps caches from
    # showing a stale graph.
    v = "?v=" + hashlib.blake2b(f"{g.id}-{g.graph_version}".encode(), digest_size=5).hexdigest()
    recent = [datapoint_json(p, user) for p in view.recent]
    archived = g.archived_at is not None
    out: dict[str, Any] = {
        "slug": g.slug,
        "title": g.title,
        "description": g.description,
        "goalval": g.goalval,
        "rate": g.rate,
        "goaldate": g.goaldate,
        "svg_url": f"{user_slug}.svg{v}",
        "graph_url": f"{user_slug}.png{v}",
        "thumb_url": f"{user_slug}-thumb.png{v}",
        "goal_type": g.goal_type,
        "autodata": g.datasource,
        "healthkitmetric": "",
        "autodata_config": {},
        "losedate": g.losedate,
        "urgencykey": urgencykey(g),
        "deadline": g.deadline,
        "leadtime": g.leadtime,
        "alertstart": g.alertstart,
        "use_defaults": g.use_defaults,
        "id": public_id(g.id),
        "ephem": g.ephem,
        "queued": g.queued,
        "panic": g.panic,
        "updated_at": g.updated_at,
        "burner": g.burner,
        "yaw": g.yaw,
        "lane": s.get("lane"),
        "delta": s.get("delta"),
        "runits": g.runits,
        "limsum": s.get("limsum"),
        "frozen": g.frozen or archived,
        "lost": g.lost,
        "won": g.won,
        "contract": {
            "amount": float(g.pledge),
            "stepdown_at": g.stepdown_at,
            "pending_amount": g.pending_amount,
            "pending_at": g.pending_at,
        },
        "delta_text": s.get("delta_text"),
        "safebuf": g.safebuf,
        "safebump": s.get("safebump"),
        "safesum": s.get("safesum"),
        "autoratchet": None,
        "coasting": True if archived else s.get("coasting"),
        "limsumdate": s.get("limsumdate"),
        "limsumdays": s.get("limsumdays"),
        "baremin": s.get("baremin"),
        "baremintotal": s.get("baremintotal"),
        "roadstatuscolor": s.get("roadstatuscolor", ""),
        "colorkey": s.get("colorkey", "gray"),
        "colorhex": s.get("colorhex", "#808080"),
        "lasttouch": s.get("lasttouch"),
        "integery": g.integery,
        "fineprint": g.fineprint,
        "todayta": todayta(view, user, now),
        "hhmmformat": g.hhmmformat,
        "timey": g.hhmmformat,
        "gunits": g.gunits,
        "gunits_singular": _singular(g.gunits),
        "weekends_off": g.weekends_off,
        "yaxis": g.yaxis,
        "maxflux": g.maxflux,
        "tmin": g.tmin,
        "tmax": g.tmax,
        "initday": s.get("initday"),
        "initval": g.initval if not float(g.initval).is_integer() else int(g.initval),
        "curday": s.get("curday"),
        "curval": s.get("curval"),
        "currate": s.get("currate"),
        "lastday": s.get("lastday"),
        "dir": g.dir,
        "kyoom": g.kyoom,
        "odom": g.odom,
        "noisy": g.noisy,
        "aggday": g.aggday,
        "plotall": g.plotall,
        "steppy": g.steppy,
        "rosy": g.rosy,
        "movingav": g.movingav,
        "aura": g.aura,
        "numpts": s.get("numpts", 0),
        "road": _road(g.road),
        "roadall": _road(roadall(g)),
        "fullroad": s.get("fullroad"),
        "secret": g.secret,
        "pledge": float(g.pledge),
        "pledge_cap": g.pledge_cap,
        "mathishard": s.get("mathishard"),
        "headsum": s.get("headsum"),
        "datapublic": g.datapublic,
        "graphsum": s.get("graphsum"),
        "rah": s.get("rah"),
        "last_datapoint": recent[0] if recent else None,
        "callback_url": g.callback_url,
        "tags": list(g.tags),
        "recent_data": recent,
        "dueby": s.get("dueby"),
    }
    if s.get("error"):
        # Ours, only while the road engine can't compute the goal (services/uncomputable.py).
        out["road_error"] = s["error"]
    if skinny:
        out = {k: out[k] for k in SKINNY_KEYS}
        out["last_datapoint"] = recent[0] if recent else None
    elif emaciated:
        for k in ROAD_KEYS:
            del out[k]
    if view.datapoints is not None and not skinny:
        out["datapoints"] = [datapoint_json(p, user) for p in view.datapoints]
    return out
