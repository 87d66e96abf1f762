"""Issue 16, point 10: what a user paid, and why, is visible.

Story: Nia's $5 goal derails; she then short-circuits it ($10 charged, pledge
$30). She looks for her money: `GET /api/v1/users/me/charges.json` lists both,
newest first, each with amount, id, note, status, username, created_at, kind
and slug, her goal page and account page show the same history, and so does
`brickroad charges` on the command line.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from brickroad.cli.main import app as cli_app
from tests.cli.clientkit import cli_for
from tests.conftest import LiveServer
from tests.scenarios.kit import Account, Checks, World, wall

KEYS = {"amount", "id", "note", "status", "username", "created_at", "kind", "slug"}


def _derail_then_shortcircuit(world: World) -> tuple[Account, int]:
    nia = world.account(prefix="nia")
    world.create_goal(nia, "floss", goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    world.ok("POST", nia, "/goals/floss/shortcircuit.json")  # $0 -> $5, nothing charged
    losedate = world.goal(nia, "floss")["losedate"]
    world.advance_to(losedate + 1)  # derails: $5
    world.advance(3600)
    world.ok("POST", nia, "/goals/floss/shortcircuit.json")  # $10 charged now
    return nia, losedate


def test_charges_are_listed_newest_first_and_shown_on_the_pages(world: World) -> None:
    nia, losedate = _derail_then_shortcircuit(world)
    c = Checks()
    r = world.charges(nia)
    if c.same("charges.json", "status", r.status_code, 200):
        listed = r.json()
        c.same("charges.json", "(amount, kind, slug) newest first",
               [(x.get("amount"), x.get("kind"), x.get("slug")) for x in listed],
               [(10.0, "shortcircuit", "floss"), (5.0, "derail", "floss")])
        for x in listed:
            c.same("charges.json", "keys of a charge", set(x) & KEYS, KEYS)
            c.same("charges.json", "username", x.get("username"), nia.username)
            c.true("charges.json", isinstance(x.get("id"), dict) and "$oid" in x["id"], f"id {x.get('id')!r}")
        c.same("charges.json", "created_at of the derail charge",
               [wall(x["created_at"], nia.tz) for x in listed if x.get("kind") == "derail"],
               [wall(losedate + 1, nia.tz)])
    page = world.goal_page(nia, "floss")
    account = world.page(nia, "/settings").text
    for where, text in (("goal page", page), ("account page", account)):
        c.true(where, "$5" in text and "$10" in text, "does not show the $5 and $10 charges")
    c.done("charges visible")


def test_the_command_line_lists_the_charges(world: World, tmp_path: Path) -> None:
    nia, _losedate = _derail_then_shortcircuit(world)
    server = LiveServer(world.ctx, world.app)  # the CLI talks HTTP to a server, as it would for real
    server.start()
    try:
        env = cli_for(server, nia.token, tmp_path).env
        result = CliRunner().invoke(cli_app, ["charges"], env=env, catch_exceptions=False)
    finally:
        server.stop()
    out = result.stdout
    assert result.exit_code == 0 and "floss" in out and "10" in out and "5" in out, (
        f"`brickroad charges` exited {result.exit_code} and printed {out[:300]!r} {result.stderr[:300]!r}; "
        "it should list the $10 shortcircuit and the $5 derailment of floss")
