"""Public ids are never handed out twice, on either backend (migration 0011): deleting the newest
row and creating another gives a new id, for single creates and bulk inserts alike; the upgrade keeps
every row and id, and the downgrade works."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import delete, func, inspect, select, text

from brickroad.clock import ManualClock
from brickroad.config import load_settings
from brickroad.services import accounts, charges, oauth, webhooks
from brickroad.services import datapoints as point_service
from brickroad.services import goals as goal_service
from brickroad.services.context import Context
from brickroad.services.models import User
from brickroad.store.db import Database
from brickroad.store.migrate import downgrade, upgrade
from brickroad.store.outbox import webhook_subscriptions
from brickroad.store.tables import charges as charge_table
from brickroad.store.tables import goals, metadata, oauth_clients, users
from brickroad.store.ids import public_id
from tests.conftest import START, pg_database


def _goal(ctx: Context, user: User, slug: str) -> None:
    goal_service.create(ctx, user, {"slug": slug, "goal_type": "hustler", "gunits": "u", "rate": 1,
                                    "runits": "d", "goaldate": ctx.clock.now() + 100 * 86400})


def _user(ctx: Context) -> User:
    return accounts.create_user(ctx, f"ids_{uuid.uuid4().hex[:10]}")


def test_a_deleted_newest_datapoint_id_is_not_given_to_the_next(ctx: Context) -> None:
    user = _user(ctx)
    _goal(ctx, user, "reuse")
    a = point_service.create(ctx, user, "reuse", {"value": 1, "comment": "A"})
    point_service.delete(ctx, user, "reuse", public_id(a.id))
    b = point_service.create(ctx, user, "reuse", {"value": 2, "comment": "B"})
    assert b.id > a.id


def test_bulk_insert_after_deleting_the_newest_gets_new_ids_in_row_order(ctx: Context) -> None:
    user = _user(ctx)
    _goal(ctx, user, "bulk")
    first = point_service.create_all(ctx, user, "bulk", [{"value": v, "comment": f"first {v}"} for v in (1, 2, 3)])
    point_service.delete(ctx, user, "bulk", public_id(first[-1].id))
    second = point_service.create_all(ctx, user, "bulk", [{"value": v, "comment": f"second {v}"} for v in (4, 5, 6)])
    ids = [p.id for p in second]
    assert ids == sorted(ids) and min(ids) > first[-1].id
    stored = {p.id: (p.value, p.comment) for p in point_service.listing(ctx, user, "bulk")}
    assert [stored[i] for i in ids] == [(4, "second 4"), (5, "second 5"), (6, "second 6")]


def _new_subscription(ctx: Context, user: User) -> int:
    return webhooks.subscribe(ctx, user, "https://example.com/hook").id


def _new_charge(ctx: Context, user: User) -> int:
    return charges.create(ctx, user, {"amount": 5}).id


def _new_goal(ctx: Context, user: User) -> int:
    slug = f"g{uuid.uuid4().hex[:8]}"
    _goal(ctx, user, slug)
    return goal_service.get(ctx, user, slug).id


def _new_app(ctx: Context, user: User) -> int:
    return oauth.register_client(ctx, user, f"app {uuid.uuid4().hex[:8]}", "https://example.com/cb")[0].pk


def _new_user(ctx: Context, _owner: User) -> int:
    return _user(ctx).pk


MAKERS: dict[str, tuple[Callable[[Context, User], int], object]] = {
    "webhook subscription": (_new_subscription, webhook_subscriptions),
    "charge": (_new_charge, charge_table),
    "goal": (_new_goal, goals),
    "oauth app": (_new_app, oauth_clients),
    "user": (_new_user, users),
}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_a_deleted_newest_row_id_is_not_given_to_the_next(ctx: Context, kind: str) -> None:
    make, table = MAKERS[kind]
    owner = _user(ctx)
    gone = make(ctx, owner)
    with ctx.db.write() as conn:
        conn.execute(delete(table).where(table.c.id == gone))  # type: ignore[attr-defined]
    assert make(ctx, owner) > gone


def test_every_table_keyed_by_id_is_declared_never_reusing(ctx: Context) -> None:
    keyed = [t.name for t in metadata.sorted_tables if [c.name for c in t.primary_key] == ["id"]]
    assert len(keyed) >= 10
    with ctx.db.read() as conn:
        for name in keyed:
            if ctx.db.dialect == "sqlite":
                sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar_one()
                assert "AUTOINCREMENT" in sql, name
            else:
                column = next(c for c in inspect(conn).get_columns(name) if c["name"] == "id")
                assert "nextval" in str(column.get("default")) or column.get("identity"), name


# ------------------------------------------------------------------ the migration itself


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('mig') / 'm.sqlite3'}"
        yield _context(url, tmp_path_factory)
        return
    from tests.conftest import _require_pg

    _require_pg()
    with pg_database() as url:
        yield _context(url, tmp_path_factory)


def _context(url: str, tmp_path_factory: pytest.TempPathFactory) -> Context:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("data"), database_url=url, secret=b"test-secret")
    return Context(db=Database(url), settings=settings, clock=ManualClock(START))


def _legacy_user(conn: object, name: str) -> int:
    # Written as 0009's schema has it (no columns of later migrations).
    row = conn.execute(  # type: ignore[attr-defined]
        text("INSERT INTO users (username, timezone, token_version, api_enabled, is_admin, deadbeat, "
             "default_leadtime, default_alertstart, default_deadline, created_at, updated_at) "
             "VALUES (:n, 'UTC', 1, true, false, false, 0, 34200, 0, 1, 1) RETURNING id"), {"n": name})
    return int(row.scalar_one())


def _legacy_app_with_a_pending_deauthorize(conn: object, owner: int) -> int:
    app = conn.execute(  # type: ignore[attr-defined]
        text("INSERT INTO oauth_clients (owner_id, name, client_id, redirect_uri, deauthorize_url, created_at) "
             "VALUES (:o, 'legacy app', 'legacy-id', 'https://a.test/cb', 'https://a.test/deauth', 1) RETURNING id"),
        {"o": owner}).scalar_one()
    conn.execute(text(  # type: ignore[attr-defined]
        "INSERT INTO outbox (kind, state, user_id, url, payload, idempotency_key, attempts, due_at, created_at, "
        "updated_at) VALUES ('deauthorize', 'pending', :o, 'https://a.test/deauth', '{}', 'k1', 0, 1, 1, 1)"),
        {"o": owner})
    return int(app)


def test_the_upgrade_keeps_rows_and_ids_and_the_downgrade_works(blank_db: Context) -> None:
    db = blank_db.db
    try:
        upgrade(db, "0009")
        with db.engine.begin() as conn:
            kept = [_legacy_user(conn, n) for n in ("one", "two", "three")]
            conn.execute(text("INSERT INTO charges (user_id, amount, note, kind, created_at) "
                              "VALUES (:u, 5, 'kept', 'manual', 1)"), {"u": kept[1]})
            conn.execute(text("DELETE FROM users WHERE id = :i"), {"i": kept[0]})
            app = _legacy_app_with_a_pending_deauthorize(conn, kept[1])
        upgrade(db)
        with db.engine.begin() as conn:
            # The pending callback now names its app, whose signing secret will sign it.
            assert conn.execute(text("SELECT oauth_client_id FROM outbox")).scalar_one() == app
            assert [r[0] for r in conn.execute(select(users.c.username).order_by(users.c.id))] == ["two", "three"]
            assert conn.execute(select(charge_table.c.user_id, charge_table.c.note)).all() == [(kept[1], "kept")]
            conn.execute(delete(users).where(users.c.id == kept[2]))
            fresh = _legacy_user(conn, "four")
        assert fresh > kept[2]
        downgrade(db, "0009")
        with db.engine.begin() as conn:
            assert conn.execute(select(func.count()).select_from(charge_table)).scalar_one() == 1
            names = [r[0] for r in conn.execute(text("SELECT username FROM users ORDER BY id"))]
        assert names == ["two", "four"]
        upgrade(db)
    finally:
        db.dispose()
