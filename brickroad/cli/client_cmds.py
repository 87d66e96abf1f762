"""Client commands of `brickroad`: talk to any Beeminder-compatible server.

`brickroad login --server URL --token TOKEN` once (or BRICKROAD_SERVER and
BRICKROAD_TOKEN), then `goals`, `datapoints`, `add`, `import`, `call`, …
Tables are for people; `--json` is for scripts. Every failure is one line on
stderr and a non-zero exit.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, Optional

import typer

from brickroad.cli import client_config, client_output as out
from brickroad.cli.client_dates import DateError, parse_value, to_daystamp, to_timestamp
from brickroad.cli.client_journal import Journal
from brickroad.cli.client_transfer import export, read_csv, send_points
from brickroad.client import ApiError, AuthError, BeeminderError, Client
from brickroad.client.endpoints import SORT_FIELDS

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    sys.stdout.flush()
    typer.echo(message, err=True)
    raise typer.Exit(code)


def error_line(exc: BeeminderError) -> str:
    if isinstance(exc, AuthError):
        return f"401: bad auth token for {exc.base_url}"
    if isinstance(exc, ApiError):
        return exc.line()
    return f"error: {exc}"


def make_client(settings: client_config.ClientSettings) -> Client:
    if settings.token_kind == "access_token":
        return Client(settings.server, access_token=settings.token)
    return Client(settings.server, token=settings.token)


@contextmanager
def session() -> Iterator[Client]:
    """A client for the configured server; API and network errors become one line and exit 1."""
    try:
        settings = client_config.current()
    except ValueError as exc:
        fail(f"error: {exc}")
    if not settings.token:
        fail("error: not logged in: run `brickroad login --server URL --token TOKEN` or set BRICKROAD_SERVER and BRICKROAD_TOKEN")
    try:
        with make_client(settings) as bee:
            yield bee
    except BeeminderError as exc:
        fail(error_line(exc))
    except (DateError, ValueError) as exc:
        fail(f"error: {exc}")


def _day_and_time(timestamp: Optional[str], daystamp: Optional[str]) -> tuple[Optional[int], Optional[str]]:
    try:
        return (
            to_timestamp(timestamp) if timestamp is not None else None,
            to_daystamp(daystamp) if daystamp is not None else None,
        )
    except DateError as exc:
        fail(f"error: {exc}")


def _value(text: str) -> float:
    try:
        return parse_value(text)
    except ValueError as exc:
        fail(f"error: {exc}")


# --- account ---------------------------------------------------------------

def login(
    server: str = typer.Option(..., "--server", help="Server URL, e.g. http://127.0.0.1:8080 or https://www.beeminder.com"),
    token: str = typer.Option(..., "--token", help="Personal auth token (or OAuth access token with --oauth)."),
    oauth: bool = typer.Option(False, "--oauth", help="The token is an OAuth access token (sent as Bearer)."),
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Check the token against the server first."),
) -> None:
    """Remember a server and token for the other commands (stored 0600 in your config dir)."""
    settings = client_config.ClientSettings(server=server, token=token, token_kind="access_token" if oauth else "auth_token")
    name = ""
    if verify:
        try:
            with make_client(settings) as bee:
                name = bee.me().username
        except BeeminderError as exc:
            fail(error_line(exc))
    path = client_config.save_file(settings)
    who = f" as {name}" if name else ""
    typer.echo(f"logged in{who} on {settings.server} (saved to {path})")


def logout() -> None:
    """Forget the stored server and token."""
    path = client_config.config_path()
    removed = client_config.remove_file(path)
    typer.echo(f"removed {path}" if removed else "not logged in")


def whoami(as_json: bool = typer.Option(False, "--json", help="Print the user as JSON.")) -> None:
    """Show the user the token belongs to."""
    with session() as bee:
        user = bee.me()
        if as_json:
            out.print_json(user.raw)
            return
        typer.echo(f"{user.username} on {bee.base_url} (timezone {user.timezone}, {len(user.goals)} goals)")


# --- goals -----------------------------------------------------------------

def goals(
    archived: bool = typer.Option(False, "--archived", help="Archived goals instead of active ones."),
    as_json: bool = typer.Option(False, "--json", help="Print the server's JSON."),
) -> None:
    """List goals, most urgent first."""
    with session() as bee:
        found = bee.archived_goals(emaciated=True) if archived else bee.goals(emaciated=True)
        if as_json:
            out.print_json([g.raw for g in found])
        elif not found:
            typer.echo("no goals")
        else:
            out.console().print(out.goals_table(found))


def goal(slug: str, as_json: bool = typer.Option(False, "--json", help="Print the server's JSON.")) -> None:
    """Show one goal."""
    with session() as bee:
        found = bee.goal(slug)
        if as_json:
            out.print_json(found.raw)
        else:
            out.console().print(out.goal_table(found))


# --- datapoints ------------------------------------------------------------

def datapoints(
    slug: str,
    sort: str = typer.Option("id", "--sort", help=f"Newest first by: {', '.join(SORT_FIELDS)}."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=0, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print the server's JSON."),
) -> None:
    """List a goal's datapoints."""
    if sort not in SORT_FIELDS:
        fail(f"error: --sort must be one of {', '.join(SORT_FIELDS)}")
    with session() as bee:
        points = bee.datapoints(slug, sort=sort, count=limit)
        if limit is not None:
            points = points[:limit]  # servers that ignore count
        if as_json:
            out.print_json([p.raw for p in points])
        elif not points:
            typer.echo("no datapoints")
        else:
            out.console().print(out.points_table(points))


def add(
    slug: str,
    value: str = typer.Argument(..., help="A number, or H:MM for time goals."),
    comment: Optional[str] = typer.Option(None, "--comment", "-c"),
    timestamp: Optional[str] = typer.Option(None, "--timestamp", "-t", help="Unix seconds, now, yesterday, 2026-11-23T09:30."),
    daystamp: Optional[str] = typer.Option(None, "--daystamp", "-d", help="2026-11-23, 20261123, today, yesterday (timestamp wins)."),
    requestid: Optional[str] = typer.Option(None, "--requestid", "-r", help="Idempotency key: re-sending updates, never duplicates."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add a datapoint."""
    amount = _value(value)
    ts, day = _day_and_time(timestamp, daystamp)
    with session() as bee:
        point = bee.create_datapoint(slug, amount, timestamp=ts, daystamp=day, comment=comment, requestid=requestid)
        if as_json:
            out.print_json(point.raw)
        else:
            typer.echo(out.point_line(point.status or "created", point))


def edit(
    slug: str,
    point_id: str = typer.Argument(..., metavar="ID"),
    value: Optional[str] = typer.Option(None, "--value", "-v"),
    comment: Optional[str] = typer.Option(None, "--comment", "-c"),
    timestamp: Optional[str] = typer.Option(None, "--timestamp", "-t"),
    daystamp: Optional[str] = typer.Option(None, "--daystamp", "-d"),
    requestid: Optional[str] = typer.Option(None, "--requestid", "-r"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Change a datapoint's value, comment, time or requestid."""
    if all(v is None for v in (value, comment, timestamp, daystamp, requestid)):
        fail("error: nothing to change: pass --value, --comment, --timestamp, --daystamp or --requestid")
    amount = _value(value) if value is not None else None
    ts, day = _day_and_time(timestamp, daystamp)
    with session() as bee:
        point = bee.update_datapoint(slug, point_id, value=amount, timestamp=ts, daystamp=day, comment=comment, requestid=requestid)
        if as_json:
            out.print_json(point.raw)
        else:
            typer.echo(out.point_line("updated", point))


def rm(
    slug: str,
    point_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Delete a datapoint."""
    with session() as bee:
        point = bee.delete_datapoint(slug, point_id)
        if as_json:
            out.print_json(point.raw)
        else:
            typer.echo(out.point_line("deleted", point))


# --- anything else ---------------------------------------------------------

def _pairs(items: list[str], sep: str, what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        if sep not in item:
            fail(f"error: {what} {item!r} is not in the form key{sep}value")
        key, val = item.split(sep, 1)
        pairs[key.strip()] = val.strip() if sep == ":" else val
    return pairs


def call(
    method: str = typer.Argument(..., help="GET, POST, PUT, PATCH or DELETE."),
    path: str = typer.Argument(..., help="Relative path, e.g. /v1/me.json or users/me/goals.json."),
    header: list[str] = typer.Option([], "--header", "-H", help="Extra header, key:value (repeatable)."),
    query: list[str] = typer.Option([], "--query", "-q", help="Query parameter, key=value (repeatable)."),
    data: Optional[str] = typer.Option(None, "--data", "-d", help="Body: JSON, or @file to read it from a file."),
    include: bool = typer.Option(False, "--include", "-i", help="Print the status line first."),
) -> None:
    """Make any API call; authorisation is added for you."""
    verb = method.upper()
    if verb not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
        fail(f"error: unknown method {method!r}")
    body: object = None
    if data is not None:
        text = Path(data[1:]).read_text() if data.startswith("@") else data
        try:
            body = json.loads(text)
        except ValueError:
            body = text  # not JSON: sent as is
    with session() as bee:
        result = bee.call(verb, path, headers=_pairs(header, ":", "header"), query=_pairs(query, "=", "query"),
                          body=body, raise_for_status=False)
        if include:
            typer.echo(f"HTTP {result.status}")
        if isinstance(result.data, (dict, list, bool, int, float)) or result.data is None and result.text == "null":
            out.print_json(result.data)
        elif result.text:
            typer.echo(result.text)
        if result.status >= 400:
            fail(f"{result.status}: {bee.base_url} refused {verb} {path}")


def charge(
    amount: float = typer.Argument(..., min=0, help="US dollars."),
    note: Optional[str] = typer.Option(None, "--note"),
    dryrun: bool = typer.Option(False, "--dryrun", "--dry-run", help="Ask the server to check without charging."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Charge yourself money."""
    with session() as bee:
        result = bee.charge(amount, note=note, dryrun=dryrun)
        if as_json:
            out.print_json(result.raw)
            return
        prefix = "dry run: would charge" if dryrun else "charged"
        note_text = f" ({result.note})" if result.note else ""
        typer.echo(f"{prefix} {out.money(result.amount)} to {result.username or 'you'}{note_text} [id {result.id}]")


def charges(
    goal_slug: Optional[str] = typer.Option(None, "--goal", "-g", help="Only this goal's charges."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=0, help="At most this many (newest first)."),
    as_json: bool = typer.Option(False, "--json", help="Print the server's JSON."),
) -> None:
    """List what you were charged and why, newest first (brickroad servers)."""
    with session() as bee:
        found = bee.charges(goal_slug, count=limit)
        if as_json:
            out.print_json([c.raw for c in found])
        elif not found:
            typer.echo("no charges")
        else:
            out.console().print(out.charges_table(found))


# --- bulk ------------------------------------------------------------------

def export_cmd(
    slug: Optional[str] = typer.Argument(None, help="The goal (or --all)."),
    all_goals: bool = typer.Option(False, "--all", help="Every active and archived goal."),
    fmt: str = typer.Option("json", "--format", "-f", help="json or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Export datapoints, oldest first."""
    if fmt not in ("json", "csv"):
        fail("error: --format must be json or csv")
    if (slug is None) == (not all_goals):
        fail("error: give a goal slug or --all (not both)")
    with session() as bee:
        slugs = [slug] if slug else [g.slug for g in bee.goals(emaciated=True) + bee.archived_goals(emaciated=True)]
        if output is None:
            export(bee, slugs, fmt, several=all_goals)
            return
        with output.open("w", newline="") as fh:
            count = export(bee, slugs, fmt, several=all_goals, out=fh)
        typer.echo(f"exported {count} datapoints to {output}", err=True)


def import_cmd(
    slug: str,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, metavar="FILE.csv"),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the good rows even if some are malformed."),
    batch_size: int = typer.Option(5000, "--batch-size", min=1, max=50000, help="Datapoints per create_all request."),
    parallel: int = typer.Option(2, "--parallel", min=1, max=8, help="Requests in flight at once."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar (terminals only)."),
    restart: bool = typer.Option(False, "--restart", help="Ignore the resume journal and send every row again."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Import a CSV (value[,timestamp][,daystamp][,comment][,requestid]); re-running never duplicates.

    Rows without a requestid get one derived from the file name, line and row,
    so the server recognises them on a second run; an interrupted import
    resumes from its journal without resending the batches already saved.
    """
    parsed = read_csv(file)
    for problem in parsed.problems:
        typer.echo(problem, err=True)
    if parsed.problems and not skip_bad:
        fail(f"nothing imported: {len(parsed.problems)} bad row(s) in {file} (fix them, or pass --skip-bad)")
    if not parsed.points:
        fail(f"nothing to import in {file}")
    with session() as bee:
        journal = Journal(bee.base_url, bee.goal(slug, emaciated=True).id or slug, file.read_bytes(), batch_size)
        if restart:
            journal.finish()
        try:
            report = send_points(bee, slug, parsed.points, parsed.lines, batch_size, progress and sys.stderr.isatty(),
                                 parallel, journal)
        except KeyboardInterrupt:
            fail("interrupted: run the same command again to finish; rows already imported are recognised by requestid",
                 EXIT_INTERRUPTED)
        except BeeminderError as exc:
            fail(f"{error_line(exc)}\nimport stopped: run the same command again to resume without duplicates")
        if as_json:
            out.print_json({
                "goal": slug, "points": report.sent, "statuses": dict(report.statuses),
                "seconds": round(report.seconds, 3), "malformed": parsed.problems, "refused": report.failures,
            })
        else:
            typer.echo(report.summary(slug))
        if parsed.problems:
            typer.echo(f"skipped {len(parsed.problems)} malformed row(s)", err=True)
        for failure in report.failures:
            typer.echo(failure, err=True)
        if report.refused_batches:
            fail(f"{report.refused_batches} batch(es) refused by the server and not saved: "
                 "fix the lines above and run the same command again")


def register(app: typer.Typer) -> None:
    """Add the client commands to the main `brickroad` app as top-level commands."""
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)
    app.command("goals")(goals)
    app.command("goal")(goal)
    app.command("datapoints")(datapoints)
    # A negative VALUE ("-1.5") is an argument, not an unknown option.
    app.command("add", context_settings={"ignore_unknown_options": True})(add)
    app.command("edit")(edit)
    app.command("rm")(rm)
    app.command("call")(call)
    app.command("charge")(charge)
    app.command("charges")(charges)
    app.command("export")(export_cmd)
    app.command("import")(import_cmd)
