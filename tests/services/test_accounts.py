"""Accounts and tokens through the services, on both backends."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from brickroad.errors import Conflict, Invalid, NotFound
from brickroad.services import accounts, tokens
from brickroad.services.context import Context
from brickroad.store.tables import users


@pytest.mark.parametrize("name", ["1abc", "_abc", "ab-c", "a b", "", "a" * 33, "me", "ME", "api", "héllo"])
def test_invalid_or_reserved_usernames_are_rejected(ctx: Context, name: str) -> None:
    with pytest.raises(Invalid) as exc:
        accounts.create_user(ctx, name)
    assert "username" in exc.value.fields


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "../../etc/passwd", "EST5EDT/x"])
def test_bad_timezones_are_rejected(ctx: Context, tz: str) -> None:
    with pytest.raises(Invalid) as exc:
        accounts.create_user(ctx, "tzcheck", timezone=tz)
    assert "timezone" in exc.value.fields


def test_duplicate_username_is_a_conflict_case_insensitively(ctx: Context) -> None:
    accounts.create_user(ctx, "Dupe_Name")
    with pytest.raises(Conflict) as exc:
        accounts.create_user(ctx, "dupe_name")
    assert exc.value.status == 409
    assert exc.value.fields == {"username": ["has already been taken"]}


def test_concurrent_signups_for_one_name_create_one_user(ctx: Context) -> None:
    outcomes: list[str] = []

    def signup() -> None:
        try:
            accounts.create_user(ctx, "racer")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=signup) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 4 + ["ok"]


def test_token_is_stored_only_as_a_hash_and_shown_again(ctx: Context) -> None:
    user = accounts.create_user(ctx, "hashme")
    token = tokens.current_token(ctx, user)
    assert len(token) == tokens.TOKEN_LENGTH
    assert tokens.current_token(ctx, user) == token  # the settings page can show it again
    with ctx.db.read() as conn:
        row = conn.execute(select(users).where(users.c.id == user.pk)).mappings().one()
    assert token not in {str(v) for v in row.values()}
    assert row["token_hash"] == tokens.token_hash(token)
    assert tokens.user_for_token(ctx, token).pk == user.pk  # type: ignore[union-attr]


def test_rotation_bumps_version_and_old_token_dies(ctx: Context) -> None:
    user = accounts.create_user(ctx, "rotor")
    old = tokens.current_token(ctx, user)
    new = tokens.rotate(ctx, user)
    assert new != old
    assert tokens.user_for_token(ctx, old) is None
    assert tokens.user_for_token(ctx, new).token_version == 2  # type: ignore[union-attr]


def test_passwords_are_argon2_and_checked_without_leaking_which_part(ctx: Context) -> None:
    user = accounts.create_user(ctx, "pwuser", password="correct horse")
    with ctx.db.read() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == user.pk)).scalar_one()
    assert stored.startswith("$argon2")
    assert accounts.check_password(ctx, "pwuser", "correct horse") is not None
    assert accounts.check_password(ctx, "pwuser", "wrong horse!") is None
    assert accounts.check_password(ctx, "nobody_here", "correct horse") is None
    with pytest.raises(Invalid):
        accounts.create_user(ctx, "shortpw", password="123")


def test_get_unknown_user_is_not_found(ctx: Context) -> None:
    with pytest.raises(NotFound):
        accounts.get_user(ctx, "nobody_at_all")


def test_showing_the_token_with_a_stale_user_never_revives_the_old_one(ctx: Context) -> None:
    user = accounts.create_user(ctx, "stale_view")
    old = tokens.current_token(ctx, user)
    new = tokens.rotate(ctx, user)
    assert tokens.current_token(ctx, user) == new  # `user` still says version 1
    assert tokens.user_for_token(ctx, old) is None
