"""Email over SMTP to a real aiosmtpd sink on loopback: reminders and the sendmail=true confirmation."""

from __future__ import annotations

from dataclasses import replace

from brickroad.jobs import outbox as delivery
from brickroad.jobs.sweeper import sweep_all
from brickroad.services import accounts, datapoints, outbox
from brickroad.store import outbox as rows
from brickroad.store import users as user_rows
from tests.jobs.kit import make_goal
from tests.jobs.test_derailment import local


def with_email(ctx, account, email):  # type: ignore[no-untyped-def]
    with ctx.db.write() as conn:
        user_rows.update_user(conn, account.user.pk, email=email)
    return accounts.get_user(ctx, account.username)


def text(msg) -> str:  # type: ignore[no-untyped-def]
    return msg.get_payload(decode=True).decode()


def mailer(js, sink):  # type: ignore[no-untyped-def]
    return replace(js, smtp_host=sink.host, smtp_port=sink.port, smtp_from="bee@brickroad.test")


def drain(ctx, js) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        if delivery.deliver_batch(ctx, js) == 0:
            return


def test_reminder_email_reaches_the_sink(ctx, clock, make_user, js, smtp_sink):
    account = make_user()
    user = with_email(ctx, account, f"{account.username}@example.test")
    make_goal(ctx, user, "mailme")
    clock.set(local("America/New_York", 2026, 11, 24, 9, 30))
    sweep_all(ctx, js)
    drain(ctx, mailer(js, smtp_sink))
    [msg] = [m for m in smtp_sink.messages if m["To"] == user.email]
    assert msg["Subject"].startswith("mailme:") and msg["From"] == "bee@brickroad.test"
    assert "derails at" in text(msg) and msg["Message-ID"].endswith("@brickroad.test>")


def test_sendmail_true_confirms_a_datapoint(ctx, clock, make_user, js, smtp_sink):
    account = make_user()
    user = with_email(ctx, account, f"{account.username}@example.test")
    make_goal(ctx, user, "conf")
    datapoints.create(ctx, user, "conf", {"value": 4, "comment": "four", "sendmail": "true"})
    datapoints.create(ctx, user, "conf", {"value": 1})  # no sendmail: no mail
    drain(ctx, mailer(js, smtp_sink))
    got = [m for m in smtp_sink.messages if m["To"] == user.email]
    assert len(got) == 1 and "4 four" in text(got[0])


def test_mail_waits_for_a_worker_with_smtp_and_retries_a_dead_server(ctx, clock, make_user, js, smtp_sink):
    with ctx.db.write() as conn:
        pk = outbox.enqueue_email(conn, "x@example.test", "hello", "body", now=clock.now())
    drain(ctx, js)  # this worker has no SMTP_HOST: the row stays for one that does
    with ctx.db.read() as conn:
        assert rows.by_id(conn, pk)["attempts"] == 0
    broken = replace(mailer(js, smtp_sink), smtp_port=1)  # nothing listens there
    delivery.deliver_batch(ctx, broken)
    with ctx.db.read() as conn:
        r = rows.by_id(conn, pk)
    assert r["state"] == "pending" and r["attempts"] == 1 and r["last_error"]
    clock.set(r["due_at"])
    drain(ctx, mailer(js, smtp_sink))
    assert [m["Subject"] for m in smtp_sink.messages if m["To"] == "x@example.test"] == ["hello"]


def test_derailment_is_mailed(ctx, clock, make_user, js, smtp_sink):
    from brickroad.services import pledges

    account = make_user()
    user = with_email(ctx, account, f"{account.username}@example.test")
    g = make_goal(ctx, user, "oops")
    pledges.shortcircuit(ctx, user, "oops")
    clock.set(g.losedate + 1)
    sweep_all(ctx, js)
    drain(ctx, mailer(js, smtp_sink))
    [msg] = [m for m in smtp_sink.messages if m["To"] == user.email and "derailed" in m["Subject"]]
    assert msg["Subject"] == "oops derailed: $5 charged" and "now $10" in text(msg)
