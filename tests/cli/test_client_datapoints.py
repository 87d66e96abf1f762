"""`brickroad goals/goal/datapoints/add/edit/rm/charge` against a real server."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.cli.clientkit import cli_for, make_goal

NY_NOON_1120 = 1795194000  # 2026-11-20 12:00 America/New_York


def test_goals_table_and_json(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    assert cli.run("goals").stdout.strip() == "no goals"
    make_goal(server, alice.token, "pushups")
    make_goal(server, alice.token, "reading")
    table = cli.run("goals").stdout
    assert "pushups" in table and "reading" in table and "buffer" in table
    listed = cli.json("goals")
    assert sorted(g["slug"] for g in listed) == ["pushups", "reading"]
    assert cli.json("goals", "--archived") == []
    one = cli.json("goal", "pushups")
    assert one["slug"] == "pushups" and one["gunits"] == "reps"
    shown = cli.run("goal", "pushups").stdout
    assert "hustler" in shown and "Pushups" in shown
    missing = cli.run("goal", "nope", code=1)
    assert missing.stderr.strip() == "404: The requested resource was not found."


def test_add_edit_rm_with_human_dates(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "walks")
    first = cli.json("add", "walks", "3", "--comment", "park", "--daystamp", "2026-11-21")
    assert first["daystamp"] == "20261121" and first["value"] == 3 and first["comment"] == "park"
    assert cli.json("add", "walks", "1", "-d", "20261119")["daystamp"] == "20261119"
    yesterday = (date.today() - timedelta(days=1)).strftime("%Y%m%d")
    assert cli.json("add", "walks", "1", "--daystamp", "yesterday")["daystamp"] == yesterday
    stamped = cli.json("add", "walks", "2", "--timestamp", str(NY_NOON_1120), "--daystamp", "today")
    assert stamped["timestamp"] == NY_NOON_1120 and stamped["daystamp"] == "20261120"  # timestamp wins
    timey = cli.json("add", "walks", "1:30", "-d", "2026-11-18")
    assert timey["value"] == 1.5
    assert cli.json("add", "walks", "-2", "-d", "2026-11-16")["value"] == -2  # a value, not an option
    line = cli.run("add", "walks", "4", "-r", "walk-1", "-d", "2026-11-22").stdout
    assert line.startswith("created ") and "20261122 4" in line
    assert cli.run("add", "walks", "5", "-r", "walk-1", "-d", "2026-11-22").stdout.startswith("updated ")
    edited = cli.json("edit", "walks", first["id"], "--value", "6", "--comment", "long walk")
    assert edited["id"] == first["id"] and edited["value"] == 6 and edited["comment"] == "long walk"
    assert "nothing to change" in cli.run("edit", "walks", first["id"], code=1).stderr
    moved = cli.json("edit", "walks", first["id"], "--daystamp", "2026-11-17")
    assert moved["daystamp"] == "20261117" and moved["value"] == 6
    retimed = cli.json("edit", "walks", first["id"], "--timestamp", str(NY_NOON_1120))
    assert retimed["timestamp"] == NY_NOON_1120 and retimed["daystamp"] == "20261120"
    assert cli.run("rm", "walks", first["id"]).stdout.startswith(f"deleted {first['id']}")
    assert cli.run("rm", "walks", first["id"], code=1).stderr.startswith("404:")
    bad_date = cli.run("add", "walks", "1", "--daystamp", "someday", code=1)
    assert "not a date" in bad_date.stderr
    assert "not a number" in cli.run("add", "walks", "lots", code=1).stderr


def test_datapoints_sort_limit_json_and_table(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "runs")
    for day, value, comment in (("20261120", 3, "b"), ("20261121", 1, "c"), ("20261122", 2, "a")):
        cli.run("add", "runs", str(value), "-d", day, "-c", comment, "-r", f"run-{day}")
    by_value = cli.json("datapoints", "runs", "--sort", "value", "--limit", "2")
    assert [p["value"] for p in by_value] == [3, 2]
    by_comment = cli.json("datapoints", "runs", "--sort", "comment", "--limit", "3")
    assert [p["comment"] for p in by_comment] == ["c", "b", "a"]
    assert len(cli.json("datapoints", "runs")) == 4
    for field in ("id", "timestamp", "daystamp", "updated_at", "requestid"):
        assert len(cli.json("datapoints", "runs", "--sort", field, "--limit", "1")) == 1
    table = cli.run("datapoints", "runs", "--sort", "daystamp").stdout
    assert "run-20261122" in table and "20261120" in table
    assert "--sort must be one of" in cli.run("datapoints", "runs", "--sort", "colour", code=1).stderr


def test_charge(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    dry = cli.run("charge", "10", "--note", "test", "--dryrun").stdout
    assert dry.startswith(f"dry run: would charge $10.00 to {alice.username}")
    real = cli.json("charge", "3", "--note", "missed")
    assert real["amount"] == 3 and real["username"] == alice.username and real["id"]
    small = cli.run("charge", "0.5", code=1)
    assert small.stderr.startswith("422: amount")
