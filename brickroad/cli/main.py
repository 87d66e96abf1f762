"""The `brickroad` command: serve, migrate, user admin and the road engine tools."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional

import typer

from brickroad.cli import client_cmds
from brickroad.cli import graph as graph_cmd
from brickroad.config import ConfigError, load_settings
from brickroad.errors import BrickroadError

if TYPE_CHECKING:
    from brickroad.services.context import Context

# Server-side modules (SQLAlchemy, Alembic, argon2) are imported inside the
# commands that need them: client commands then start in a fraction of the time.

app = typer.Typer(help="brickroad: a Beeminder-compatible commitment service.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")
quota_app = typer.Typer(help="Daily API quotas (requests and bytes per user per local day).", no_args_is_help=True)
app.add_typer(quota_app, name="quota")

try:  # the road engine's tools live in their own module
    from brickroad.cli.road import app as road_app

    app.add_typer(road_app, name="road", help="Run the road engine on a goal file.")
except ImportError:  # pragma: no cover - only while the engine is being built
    pass

graph_cmd.register(app)  # brickroad graph FILE.bb -o out.png
client_cmds.register(app)  # login, goals, datapoints, add, import, call, … (any Beeminder-compatible server)


def _context() -> "Context":
    from brickroad.services.context import Context
    from brickroad.store.migrate import upgrade

    try:
        settings = load_settings()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    ctx = Context.create(settings)
    upgrade(ctx.db)
    return ctx


def _fail(exc: BrickroadError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    ctx = _context()
    typer.echo(f"database is up to date ({ctx.db.dialect})")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, help="TCP port."),
    workers: int = typer.Option(1, min=1, help="Worker processes (PostgreSQL suits more than one best)."),
    no_sweeper: bool = typer.Option(False, "--no-sweeper", help="Leave derailments and deliveries to `brickroad worker`."),
) -> None:
    """Run the API, the web UI and the sweeper, in one process or --workers of them."""
    import uvicorn

    from brickroad.api.app import create_app
    from brickroad.api.serving import server_options
    from brickroad.services import accounts, tokens

    ctx = _context()
    if accounts.user_count(ctx) == 0:
        name = ctx.settings.first_user
        user = accounts.create_user(ctx, name, is_admin=True)
        typer.echo(f"Created the first user '{name}'. Its auth token (`brickroad user token {name}` shows it again):")
        typer.echo(tokens.current_token(ctx, user))
    typer.echo(f"brickroad serving on http://{host}:{port} ({ctx.db.dialect}, {workers} worker"
               f"{'s' if workers > 1 else ''})")
    sys.stdout.flush()
    options: dict[str, Any] = server_options(ctx.settings, host, port)
    if workers == 1:
        uvicorn.run(create_app(ctx, sweeper=not no_sweeper), **options)
        return
    # Each worker process builds its own app (connections and caches aren't shared across a fork).
    ctx.db.dispose()
    factory = "brickroad.api.asgi:create" if no_sweeper else "brickroad.api.asgi:create_with_sweeper"
    uvicorn.run(factory, factory=True, workers=workers, **options)


@app.command()
def worker(
    once: bool = typer.Option(False, "--once", help="Do one round of work, then exit."),
    lease: Optional[int] = typer.Option(None, help="Seconds a claim lasts before another worker may retry it."),
    batch: Optional[int] = typer.Option(None, help="Goals / outbox rows claimed per round."),
    poll: Optional[float] = typer.Option(None, help="Seconds to sleep when there is nothing to do."),
) -> None:
    """Sweep due goals and deliver webhooks, callbacks and mail (run any number on PostgreSQL)."""
    import logging
    import signal
    import threading

    from brickroad.jobs.config import JobSettings
    from brickroad.jobs.worker import install_handlers, run_forever, run_once

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per delivery is noise; outcomes are logged
    ctx = _context()
    js = JobSettings.from_env(lease=lease, batch=batch, poll=poll)
    if once:
        install_handlers()
        typer.echo(f"claimed {run_once(ctx, js)} item(s)")
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"brickroad worker {js.worker_id} running ({ctx.db.dialect})")
    sys.stdout.flush()
    run_forever(ctx, js, stop)


@user_app.command("create")
def user_create(
    name: str,
    timezone: str = typer.Option("America/New_York", "--timezone", help="IANA timezone."),
    password: Optional[str] = typer.Option(None, "--password", help="Password for the web UI."),
    email: Optional[str] = typer.Option(None, "--email"),
    admin: bool = typer.Option(False, "--admin", help="Make the user an administrator."),
) -> None:
    """Create a user; prints the auth token on the last line."""
    from brickroad.services import accounts, tokens

    ctx = _context()
    try:
        user = accounts.create_user(ctx, name, timezone=timezone, password=password, email=email, is_admin=admin)
    except BrickroadError as exc:
        _fail(exc)
    typer.echo(f"created user {user.username} ({user.timezone})")
    typer.echo(tokens.current_token(ctx, user))


@user_app.command("token")
def user_token(
    name: str,
    rotate: bool = typer.Option(False, "--rotate", help="Issue a new token; the old one stops working."),
) -> None:
    """Print a user's auth token (last line), optionally rotating it."""
    from brickroad.services import accounts, tokens

    ctx = _context()
    try:
        user = accounts.get_user(ctx, name)
    except BrickroadError:
        typer.echo(f"error: no user named {name}", err=True)
        raise typer.Exit(1)
    typer.echo(tokens.rotate(ctx, user) if rotate else tokens.current_token(ctx, user))


@user_app.command("api")
def user_api(name: str, enabled: bool = typer.Argument(..., help="true to enable API calls, false to disable.")) -> None:
    """Enable or disable API calls for a user (Beebole's switch)."""
    from brickroad.services import accounts

    ctx = _context()
    try:
        accounts.set_api_enabled(ctx, accounts.get_user(ctx, name), enabled)
    except BrickroadError as exc:
        _fail(exc)
    typer.echo(f"API calls {'enabled' if enabled else 'disabled'} for {name}")


@quota_app.command("show")
def quota_show(name: str) -> None:
    """Today's API usage and limits for a user."""
    from brickroad.services import accounts, quotas

    ctx = _context()
    try:
        usage = quotas.for_context(ctx).today(accounts.get_user(ctx, name))
    except BrickroadError as exc:
        _fail(exc)
    typer.echo(f"{name} on {usage.day}: {usage.requests}/{usage.limit_requests} requests, "
               f"{usage.bytes}/{usage.limit_bytes} bytes (resets at {usage.reset_at})")


@quota_app.command("set")
def quota_set(
    name: str,
    requests: Optional[int] = typer.Option(None, "--requests", help="Requests per day (omit for the global default)."),
    nbytes: Optional[int] = typer.Option(None, "--bytes", help="Bytes per day (omit for the global default)."),
) -> None:
    """Give a user their own daily limits; omitted ones fall back to the global defaults."""
    from brickroad.services import accounts, quotas

    ctx = _context()
    try:
        quotas.for_context(ctx).set_limits(accounts.get_user(ctx, name), requests, nbytes)
    except BrickroadError as exc:
        _fail(exc)
    typer.echo(f"limits for {name}: requests={requests or 'default'} bytes={nbytes or 'default'}")


if __name__ == "__main__":
    app()
