"""The client against a real brickroad server: users, auth, call(), errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from brickroad.client import AsyncClient, AuthError, Client, ConnectionFailed, Forbidden, NotFound
from tests.client.livekit import client_for
from tests.conftest import free_port


def test_me_is_the_tokens_owner(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        me = bee.me()
        assert me.username == alice.username and me.timezone == "America/New_York"
        assert me.goals == [] and isinstance(me.updated_at, int)
        assert bee.user(alice.username).id == me.id


def test_update_user_settings(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        user = bee.update_user(timezone="Europe/Berlin", default_leadtime=2)
        assert user.timezone == "Europe/Berlin" and user.default_leadtime == 2
        assert bee.me().timezone == "Europe/Berlin"


def test_call_any_path_with_auth_added(server: Any, alice: Any) -> None:
    with client_for(server, alice.token) as bee:
        result = bee.call("GET", "/v1/me.json")
        assert result.status == 200 and result.data["username"] == alice.username
        put = bee.call("PUT", "users/me.json", body={"default_deadline": -3600})
        assert put.data["default_deadline"] == -3600
        missing = bee.call("GET", "/v1/users/me/goals/nope.json", raise_for_status=False)
        assert missing.status == 404 and missing.data["error"] == "The requested resource was not found."


def test_wrong_token_is_an_auth_error_naming_the_server(server: Any) -> None:
    with client_for(server, "not-a-real-token") as bee, pytest.raises(AuthError) as exc:
        bee.me()
    assert exc.value.status == 401 and exc.value.errors["auth_token"] == "bad_token"
    assert server.url in str(exc.value)


def test_wrong_access_token(server: Any) -> None:
    with Client(server.url, access_token="nope") as bee, pytest.raises(AuthError) as exc:
        bee.me()
    assert "access_token" in exc.value.message


def test_other_users_data_is_forbidden_and_unknown_users_not_found(server: Any, alice: Any, make_user: Any) -> None:
    bob = make_user(prefix="bob")
    with client_for(server, alice.token) as bee:
        with pytest.raises(Forbidden):
            bee.user(bob.username)
        with pytest.raises(NotFound) as missing:
            bee.user("nobody_here_at_all")
    assert missing.value.error == "The requested resource was not found."


def test_unreachable_server() -> None:
    with Client(f"http://127.0.0.1:{free_port()}", token="t", timeout=3) as bee, pytest.raises(ConnectionFailed) as exc:
        bee.me()
    assert "connection refused" in str(exc.value)


def test_async_client_against_the_server(server: Any, alice: Any) -> None:
    async def run() -> None:
        async with AsyncClient(server.url, token=alice.token) as bee:
            users = await asyncio.gather(*(bee.me() for _ in range(5)))
            assert {u.username for u in users} == {alice.username}
            result = await bee.call("GET", "/v1/me.json")
            assert result.data["username"] == alice.username

    asyncio.run(run())


def test_oauth_access_token_as_bearer(server: Any, ctx: Any, alice: Any, make_user: Any) -> None:
    from brickroad.services import oauth

    owner = make_user(prefix="dev")
    app, _secret = oauth.register_client(ctx, owner.user, f"app-{owner.username}", "https://app.example/cb")
    access = oauth.issue_access_token(ctx, alice.user, app)
    with Client(server.url, access_token=access) as bee:
        assert bee.me().username == alice.username
        assert bee.call("GET", "/v1/me.json").data["username"] == alice.username


def test_quota_429_is_reported_not_waited_out(server: Any, ctx: Any, alice: Any) -> None:
    from brickroad.client import RateLimited
    from brickroad.services import quotas

    quotas.for_context(ctx).set_limits(alice.user, 2, None)
    with client_for(server, alice.token, max_retry_wait=5) as bee:
        bee.me()
        bee.me()
        with pytest.raises(RateLimited) as exc:
            bee.me()  # Retry-After is "tomorrow": longer than we are willing to wait
    assert exc.value.status == 429 and exc.value.message


def test_client_package_imports_nothing_else_of_brickroad() -> None:
    import subprocess
    import sys

    code = "import sys, brickroad.client; print(sorted(m for m in sys.modules if m.startswith('brickroad')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = eval(out)  # a printed list of module names
    assert all(m == "brickroad" or m.startswith("brickroad.client") for m in loaded), loaded
