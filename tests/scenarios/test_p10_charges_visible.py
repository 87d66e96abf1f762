"""Issue 16, point 10: what a user paid, and why, is visible.

Story: Nia's $5 goal derails; she then short-circuits it ($10 charged, pledge
$30). She looks for her money: `GET /api/v1/users/me/charges.json` lists both,
newest first, each with amount, id, note, status, username, created_at, kind
and slug, and her goal page and account page show the same history.
"""

from __future__ import annotations

from tests.scenarios.kit import Checks, World, wall

KEYS = {"amount", "id", "note", "status", "username", "created_at", "kind", "slug"}


def test_charges_are_listed_newest_first_and_shown_on_the_pages(world: World) -> None:
    nia = world.account(prefix="nia")
    world.create_goal(nia, "floss", goal_type="hustler", gunits="x", rate=1, runits="d", goalval=1000)
    world.ok("POST", nia, "/goals/floss/shortcircuit.json")  # $0 -> $5, nothing charged
    losedate = world.goal(nia, "floss")["losedate"]
    world.advance_to(losedate + 1)  # derails: $5
    world.advance(3600)
    world.ok("POST", nia, "/goals/floss/shortcircuit.json")  # $10 charged now
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
               [wall(x["created_at"], nia.tz) for x in listed if x.get("kind") == "derail"], [wall(losedate + 1, nia.tz)])
    page = world.goal_page(nia, "floss")
    account = world.page(nia, "/settings").text
    for where, text in (("goal page", page), ("account page", account)):
        c.true(where, "$5" in text and "$10" in text, "does not show the $5 and $10 charges")
    c.done("charges visible")
