"""OAuth callbacks: autofetch (username, slug) before reminders, deauthorize (access_token) via the outbox."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs

from sqlalchemy import insert

from brickroad.jobs import outbox as delivery
from brickroad.jobs.sweeper import sweep_all
from brickroad.services import goals, outbox, signing
from brickroad.store.tables import oauth_clients
from tests.jobs.kit import make_goal
from tests.jobs.test_derailment import local


def register_client(ctx, owner, name, autofetch_url=None, deauthorize_url=None) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.write() as conn:
        return conn.execute(insert(oauth_clients).values(
            owner_id=owner.pk, name=name, client_id=name + "-id", secret_hash=None, redirect_uri="https://x.test/cb",
            deauthorize_url=deauthorize_url, autofetch_url=autofetch_url, created_at=ctx.clock.now(),
        ).returning(oauth_clients.c.id)).scalar_one()


def form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def drain(ctx, js) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        if delivery.deliver_batch(ctx, js) == 0:
            return


def test_autofetch_before_a_reminder(ctx, clock, make_user, js, receiver):
    alice = make_user()
    app_name = f"fetcher-{alice.username}"
    app = register_client(ctx, alice.user, app_name, autofetch_url=receiver.url + "/autofetch")
    make_goal(ctx, alice.user, "auto")
    goals.update(ctx, alice.user, "auto", {"datasource": app_name})
    clock.set(local("America/New_York", 2026, 11, 24, 9, 30))
    sweep_all(ctx, js)
    drain(ctx, js)
    [got] = receiver.to("/autofetch")
    assert got.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(got.body) == {"username": alice.username, "slug": "auto"}
    # Signed with the app's signing secret (tests/jobs/test_signatures.py reads it off the app page).
    secret = signing.app_secret(ctx.settings, app).encode()
    assert got.headers["x-brickroad-signature"] == "sha256=" + hmac.new(secret, got.body, hashlib.sha256).hexdigest()


def test_deauthorize_callback_is_delivered(ctx, clock, make_user, js, receiver):
    alice = make_user()
    app = register_client(ctx, alice.user, f"deauth-{alice.username}", deauthorize_url=receiver.url + "/deauth")
    with ctx.db.write() as conn:
        outbox.enqueue_deauthorize(conn, app, receiver.url + "/deauth", "revoked-token-123", now=clock.now(),
                                   user_id=alice.user.pk)
    drain(ctx, js)
    [got] = receiver.to("/deauth")
    assert form(got.body) == {"access_token": "revoked-token-123"}


def test_refresh_graph_asks_the_data_source(ctx, clock, make_user, js, receiver):
    alice = make_user()
    app_name = f"refresher-{alice.username}"
    register_client(ctx, alice.user, app_name, autofetch_url=receiver.url + "/refresh")
    make_goal(ctx, alice.user, "ref")
    goals.refresh_graph(ctx, alice.user, "ref")  # no data source yet: nothing to ask
    goals.update(ctx, alice.user, "ref", {"datasource": app_name})
    assert goals.refresh_graph(ctx, alice.user, "ref") is True
    drain(ctx, js)
    assert [form(r.body) for r in receiver.to("/refresh")] == [{"username": alice.username, "slug": "ref"}]


def test_last_autofetch_shortly_before_the_derailment(ctx, clock, make_user, js, receiver):
    alice = make_user()
    app_name = f"eep-{alice.username}"
    register_client(ctx, alice.user, app_name, autofetch_url=receiver.url + "/eep")
    make_goal(ctx, alice.user, "eep")
    goals.update(ctx, alice.user, "eep", {"datasource": app_name, "alertstart": 0, "leadtime": 0})
    g = goals.get(ctx, alice.user, "eep")
    clock.set(g.losedate - 1000)  # after the day's reminder, before the last call
    sweep_all(ctx, js)
    drain(ctx, js)
    before = len(receiver.to("/eep"))
    assert goals.get(ctx, alice.user, "eep").next_check_at == g.losedate - 900
    clock.set(g.losedate - 900)
    sweep_all(ctx, js)
    sweep_all(ctx, js)
    drain(ctx, js)
    assert len(receiver.to("/eep")) == before + 1
    assert goals.get(ctx, alice.user, "eep").next_check_at == g.losedate + 1
