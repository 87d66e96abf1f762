"""The scenario harness: the real app in-process, the sweeper and the outbox under a movable clock.

A `World` is what one user story runs in: the ASGI app answering HTTP in-process
(Starlette's TestClient, an httpx client on an ASGI transport), the conftest's
`Context` with its `ManualClock` (SQLite or PostgreSQL), a loopback HTTP
receiver for webhooks and an SMTP sink for mail. `World.advance_to(t)` moves
the clock the way time passes for the running service: it stops at every
moment something is due (a goal's `next_check_at`, an outbox row's `due_at`),
runs worker rounds there (sweep, then deliver) until nothing is left, and only
then moves on. Because the running service polls every second, "at the due
moment" is what a user would observe.

`World.sees(account, slug)` is "what the user sees right now": the goal and
user JSON from GET, the dashboard tile and goal page from the web UI (logged
in through the login form), and the mails and webhook bodies received so far.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
from sqlalchemy import func, select
from starlette.testclient import TestClient

from brickroad.jobs import outbox as delivery
from brickroad.jobs import worker
from brickroad.jobs.config import JobSettings
from brickroad.services import accounts, tokens
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store import outbox as outbox_rows
from brickroad.store.tables import goals as goals_table
from tests.jobs.conftest import Sink
from tests.jobs.kit import Receiver

DAY = 86400
HOUR = 3600
MINUTE = 60
PASSWORD = "scenario passphrase 1"
# Events the stories follow; datapoint events only where a story asks (each delivery costs a
# fresh TLS context in the worker, the kit's biggest fixed cost per delivery).
STORY_EVENTS = "goal.derailed,goal.won,pledge.changed"
BDUSK = 4102444799  # 2099-12-31 23:59:59: Beebrain's "no end in sight" (REFERENCE §11.2)
_names = itertools.count(1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def local(tz: str, *args: int) -> int:
    """The unix second of a wall-clock time in `tz` (fold=0: the first of a repeated hour)."""
    return int(datetime(*args, tzinfo=ZoneInfo(tz)).timestamp())  # type: ignore[misc]


def wall(ts: int, tz: str) -> str:
    """A unix second as the user reads it, for assertion messages."""
    return datetime.fromtimestamp(ts, ZoneInfo(tz)).strftime("%a %Y-%m-%d %H:%M:%S %Z")


def local_date(ts: int, tz: str, deadline: int = 0) -> date:
    """The goal day a second belongs to, by REFERENCE §11.3: local date shifted by the deadline
    (an instant counts for the day whose deadline it does not pass). Only for deadlines away from
    DST transitions; the DST scenarios test the rule itself."""
    return (datetime.fromtimestamp(ts, ZoneInfo(tz)) - timedelta(seconds=deadline)).date()


def colours_for(safebuf: int) -> set[str]:
    """REFERENCE §11.5 (documented Beeminder rule). From a week up the documents say dkgreen while
    Beebrain's own `color` stays green (the goldens): either is accepted."""
    if safebuf < 1:
        return {"red"}
    if safebuf < 2:
        return {"orange"}
    if safebuf < 3:
        return {"blue"}
    if safebuf < 7:
        return {"green"}
    return {"dkgreen", "green"}


def safe_days_text(safebuf: int) -> str:
    """What the dashboard tile says for a buffer (the product's wording)."""
    if safebuf <= 0:
        return "due today"
    return "1 safe day" if safebuf == 1 else f"{safebuf} safe days"


def signature_ok(secret: bytes, body: bytes, header: str | None) -> bool:
    want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return header is not None and hmac.compare_digest(want, header)


@dataclass
class Account:
    user: User
    token: str
    tz: str
    email: str

    @property
    def username(self) -> str:
        return self.user.username


@dataclass
class Tile:
    """One goal's tile on the dashboard, as text."""

    safe: str
    meta: list[str]


@dataclass
class Seen:
    """What the user sees at one instant."""

    at: int
    goal: dict[str, Any]
    user: dict[str, Any]
    tile: Tile | None
    page_safe_days: str | None
    page_text: str


@dataclass
class Delivered:
    """A mail or webhook body received, with the clock's time when it arrived."""

    at: int
    kind: str  # "mail" | "hook"
    path: str
    body: Any
    raw: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    ctx: Context
    js: JobSettings
    receiver: Receiver
    sink: Sink
    app: Any
    api: TestClient
    accounts: list[Account] = field(default_factory=list)
    browsers: dict[str, TestClient] = field(default_factory=dict)
    inbox: list[Delivered] = field(default_factory=list)
    # (at, username, slug, goal JSON) read at the same instant as each delivery: what a GET said then.
    at_delivery: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)
    # Mails and webhook requests already in the (shared) sink and receiver when the story began.
    mail_offset: int = 0
    hook_offset: int = 0

    # ---- time -------------------------------------------------------------------------------

    @property
    def now(self) -> int:
        return self.ctx.clock.now()

    def set_clock(self, t: int) -> None:
        self.ctx.clock.set(t)  # type: ignore[attr-defined]

    def advance_to(self, t: int) -> None:
        """Let time pass up to `t`, doing at each due moment what the running service does there."""
        assert t >= self.now, f"the clock can't go back ({wall(self.now, 'UTC')} -> {wall(t, 'UTC')})"
        for _ in range(10_000):
            self._work()
            due = self._next_due()
            if due is None or due > t:
                break
            self.set_clock(max(due, self.now))
        self.set_clock(t)
        self._work()

    def advance(self, seconds: int) -> None:
        self.advance_to(self.now + seconds)

    def _work(self) -> None:
        for _ in range(1000):  # worker rounds until nothing is claimed at this instant
            if worker.run_once(self.ctx, self.js) == 0:
                break
        self._collect()

    def _next_due(self) -> int | None:
        """The earliest moment something of this world's users is due (after now or overdue)."""
        users = [a.user.pk for a in self.accounts]
        if not users:
            return None
        with self.ctx.db.read() as conn:
            g = conn.execute(select(func.min(goals_table.c.next_check_at))
                             .where(goals_table.c.user_id.in_(users))).scalar()
            o = conn.execute(select(func.min(outbox_rows.outbox.c.due_at))
                             .where(outbox_rows.outbox.c.user_id.in_(users),
                                    outbox_rows.outbox.c.state == outbox_rows.PENDING,
                                    outbox_rows.outbox.c.kind.in_(delivery.handled_kinds(self.js)))).scalar()
        times = [int(x) for x in (g, o) if x is not None]
        return min(times) if times else None

    def _collect(self) -> None:
        """Record what arrived since the last look, and what a GET says at this same minute."""
        with self.sink.lock:
            mails = self.sink.messages[self.mail_offset:]
            self.mail_offset += len(mails)
        with self.receiver.lock:
            hooks = self.receiver.requests[self.hook_offset:]
            self.hook_offset += len(hooks)
        for m in mails:
            self.inbox.append(Delivered(self.now, "mail", str(m["To"]), _mail_record(m)))
        for h in hooks:
            body = orjson.loads(h.body) if h.body.startswith(b"{") else h.body.decode()
            self.inbox.append(Delivered(self.now, "hook", h.path, body, h.body, h.headers))
        slugs = {_slug_of(d) for d in self.inbox[len(self.inbox) - len(mails) - len(hooks):]}
        for a in self.accounts:
            for slug in slugs - {None}:
                r = self.api.get(f"/api/v1/users/{a.username}/goals/{slug}.json", params={"auth_token": a.token})
                if r.status_code == 200:
                    self.at_delivery.append((self.now, a.username, str(slug), r.json()))

    # ---- people -----------------------------------------------------------------------------

    def account(self, tz: str = "America/New_York", prefix: str = "sc") -> Account:
        name = f"{prefix}{next(_names)}_{uuid.uuid4().hex[:6]}"
        email = f"{name}@example.test"
        user = accounts.create_user(self.ctx, name, timezone=tz, password=PASSWORD, email=email)
        acct = Account(user, tokens.current_token(self.ctx, user), tz, email)
        self.accounts.append(acct)
        return acct

    # ---- the API as a client uses it --------------------------------------------------------

    def call(self, method: str, acct: Account, path: str, **params: Any) -> httpx.Response:
        url = "/api/v1/users/me" + path
        data = {"auth_token": acct.token, **{k: v for k, v in params.items() if v is not None}}
        if method == "GET":
            return self.api.get(url, params=data)
        return self.api.request(method, url, data=data)

    def ok(self, method: str, acct: Account, path: str, **params: Any) -> Any:
        r = self.call(method, acct, path, **params)
        assert r.status_code == 200, f"{method} {path} {params} answered {r.status_code}: {r.text[:500]}"
        return r.json()

    def create_goal(self, acct: Account, slug: str, **params: Any) -> dict[str, Any]:
        return self.ok("POST", acct, "/goals.json", slug=slug, title=slug.title(), **params)

    def add(self, acct: Account, slug: str, value: float, **params: Any) -> dict[str, Any]:
        return self.ok("POST", acct, f"/goals/{slug}/datapoints.json", value=value, **params)

    def goal(self, acct: Account, slug: str) -> dict[str, Any]:
        return self.ok("GET", acct, f"/goals/{slug}.json")

    def goal_v2(self, acct: Account, slug: str) -> dict[str, Any]:
        """The goal through /api/v2's `goal.get` (dates as local "YYYY-MM-DD HH:MM:SS")."""
        r = self.api.post("/api/v2", json={"auth_token": acct.token, "service": "goal.get", "goal": slug})
        assert r.status_code == 200, f"v2 goal.get {slug}: {r.status_code} {r.text[:300]}"
        return dict(r.json()["goal"])

    def user(self, acct: Account) -> dict[str, Any]:
        return self.ok("GET", acct, ".json")

    def charges(self, acct: Account) -> httpx.Response:
        return self.call("GET", acct, "/charges.json")

    def subscribe(self, acct: Account, path: str, events: str = STORY_EVENTS) -> dict[str, Any]:
        """Subscribe `path` on the receiver to the user's events (by default those stories follow;
        "*" for all, datapoint events included)."""
        return self.ok("POST", acct, "/webhooks.json", url=self.receiver.url + path, events=events)

    # ---- the web UI -------------------------------------------------------------------------

    def page(self, acct: Account, path: str) -> httpx.Response:
        """A web page as the user's browser gets it, logging in (cookies) when the session lacks."""
        b = self.browsers.get(acct.username)
        if b is None:
            b = self.browsers[acct.username] = TestClient(self.app, follow_redirects=False)
        r = b.get(path)
        if 'action="/logout"' not in r.text:  # only a logged-in page offers to log out
            login = b.get("/login").text
            token = html.unescape(_CSRF.search(login).group(1))  # type: ignore[union-attr]
            done = b.post("/login", data={"csrf_token": token, "username": acct.username, "password": PASSWORD})
            assert done.status_code == 303, f"login failed: {done.status_code} {done.text[:300]}"
            r = b.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
        return r

    def dashboard_tile(self, acct: Account, slug: str) -> Tile | None:
        page = self.page(acct, "/")
        for block in re.findall(r'<li class="tile".*?</li>', page.text, re.S):
            if f'<p class="slug">{slug}</p>' in block:
                safe = re.search(r'<p class="safe">(.*?)</p>', block, re.S)
                meta = re.findall(r'<p class="meta">(.*?)</p>', block, re.S)
                return Tile(_text(safe.group(1)) if safe else "", [_text(m) for m in meta])
        return None

    def goal_page(self, acct: Account, slug: str) -> str:
        return self.page(acct, f"/{acct.username}/{slug}").text

    # ---- everything at once -----------------------------------------------------------------

    def sees(self, acct: Account, slug: str, web: bool = True) -> Seen:
        goal = self.goal(acct, slug)
        user = self.user(acct)
        tile, page_safe, text = None, None, ""
        if web:
            tile = self.dashboard_tile(acct, slug)
            page = self.goal_page(acct, slug)
            m = re.search(r"<dt>Safe days</dt><dd>(.*?)</dd>", page, re.S)
            page_safe = _text(m.group(1)) if m else None
            text = _text(page)
        return Seen(self.now, goal, user, tile, page_safe, text)

    def mails(self, acct: Account, slug: str | None = None) -> list[Delivered]:
        return [d for d in self.inbox if d.kind == "mail" and d.path == acct.email
                and (slug is None or d.body["subject"].startswith(f"{slug}:"))]

    def hooks(self, path: str) -> list[Delivered]:
        return [d for d in self.inbox if d.kind == "hook" and d.path.split("?")[0] == path]

    def events(self, path: str, name: str | None = None) -> list[dict[str, Any]]:
        return [d.body for d in self.hooks(path)
                if isinstance(d.body, dict) and (name is None or d.body.get("event") == name)]

    def get_at(self, acct: Account, slug: str, at: int) -> dict[str, Any] | None:
        """What a GET of the goal said at the instant of the delivery at `at`."""
        return next((g for t, u, s, g in self.at_delivery if (t, u, s) == (at, acct.username, slug)), None)

    def close(self) -> None:
        for b in self.browsers.values():
            b.close()


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _mail_record(m: Message) -> dict[str, str]:
    payload = m.get_payload(decode=True)
    body = payload.decode() if isinstance(payload, bytes) else str(m.get_payload())
    return {"to": str(m["To"]), "subject": str(m["Subject"]), "body": body}


def _slug_of(d: Delivered) -> str | None:
    """The goal a delivery is about: a reminder's goal.slug, an event's data.goal, a mail's subject."""
    if d.kind == "mail":
        return d.body["subject"].split(":", 1)[0]
    if isinstance(d.body, dict):
        if isinstance(d.body.get("goal"), dict):
            return d.body["goal"].get("slug")
        data = d.body.get("data")
        if isinstance(data, dict):
            return data.get("goal")
    return None


class Checks:
    """Collects what the user saw against what they should see, so one run reports every
    mismatch of a story (each line: when, what, seen vs expected) instead of only the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def same(self, when: str, what: str, seen: Any, expected: Any) -> bool:
        if seen != expected:
            self.problems.append(f"{when}: {what}: the user saw {seen!r}, should see {expected!r}")
            return False
        return True

    def true(self, when: str, cond: bool, message: str) -> bool:
        if not cond:
            self.problems.append(f"{when}: {message}")
        return cond

    def done(self, story: str) -> None:
        shown = self.problems[:40]
        more = f"\n  ... and {len(self.problems) - 40} more" if len(self.problems) > 40 else ""
        assert not self.problems, f"{story}: {len(self.problems)} problem(s)\n  " + "\n  ".join(shown) + more


def day_suffix(n: int) -> str:
    """Beebrain's "in N days" wording inside limsum for do-more and weight-loss goals."""
    return f" in {n} day" + ("" if n == 1 else "s")


def check_consistent(c: Checks, when: str, s: Seen, tz: str, do_less: bool = False) -> None:
    """One reading agrees with itself, the day and the documented rules (deadline at midnight):
    safebuf counts the days to the derail day, colour and urgencykey follow safebuf, losedate and
    pledge, and the dashboard tile, goal page and urgency_load say the same."""
    g = s.goal
    sb, ld = g.get("safebuf"), g.get("losedate")
    if not c.true(when, isinstance(sb, int) and isinstance(ld, int),
                  f"goal has no safebuf/losedate (safebuf={sb!r}, losedate={ld!r})"):
        return
    if ld < BDUSK:
        c.same(when, "safebuf (days from today to the derail day of losedate "
               f"{wall(ld, tz)})", sb, (local_date(ld, tz) - local_date(s.at, tz)).days)
    c.true(when, g.get("roadstatuscolor") in colours_for(sb),
           f"roadstatuscolor {g.get('roadstatuscolor')!r} for safebuf {sb}: should be one of {sorted(colours_for(sb))}")
    c.true(when, f"DL{ld:010d}" in str(g.get("urgencykey")), f"urgencykey {g.get('urgencykey')!r} lacks DL{ld:010d}")
    pledge_key = f"P{1_000_000_000 - round(float(g.get('pledge') or 0) * 100):010d}"
    c.true(when, pledge_key in str(g.get("urgencykey")), f"urgencykey {g.get('urgencykey')!r} lacks {pledge_key}")
    if not do_less:
        c.true(when, day_suffix(sb) in str(g.get("limsum")),
               f"limsum {g.get('limsum')!r} should say '{day_suffix(sb).strip()}' (safebuf {sb})")
    if s.tile is not None:
        c.same(when, "dashboard tile", s.tile.safe, safe_days_text(sb))
    if s.page_safe_days is not None:
        c.same(when, "goal page 'Safe days'", s.page_safe_days, str(sb))
    load = s.user.get("urgency_load")
    c.true(when, (load == 0) == (sb >= 7), f"urgency_load {load!r} with a single goal at safebuf {sb} "
           "(0 exactly when every goal has a week of buffer)")


REMINDER_FIELDS = ("safebuf", "limsum", "losedate", "baremin", "roadstatuscolor", "urgencykey")


def check_reminders(c: Checks, world: World, acct: Account, slug: str, hook_path: str | None = None) -> None:
    """Every reminder says what a GET said at the same second: the webhook body's goal (to the
    goal's callback_url at `hook_path`) field by field, and the mail's subject ("slug: limsum")."""
    for r in world.hooks(hook_path) if hook_path else []:
        got = world.get_at(acct, slug, r.at) or {}
        for key in REMINDER_FIELDS:
            c.same(f"reminder webhook at {wall(r.at, acct.tz)}", f"{key} in its body vs a GET at the same second",
                   r.body["goal"].get(key), got.get(key))
    for m in world.mails(acct, slug):
        got = world.get_at(acct, slug, m.at) or {}
        c.same(f"reminder mail at {wall(m.at, acct.tz)}", "subject vs a GET at the same second",
               m.body["subject"], f"{slug}: {got.get('limsum')}")
