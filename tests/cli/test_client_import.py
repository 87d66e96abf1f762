"""`brickroad import` and `brickroad export` against a real server."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from brickroad.client import Client
from tests.cli.clientkit import cli_for, make_goal


def write_csv(path: Path, rows: list[str], header: str = "daystamp,value,comment") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def points(server: Any, token: str, slug: str) -> list[Any]:
    with Client(server.url, token=token) as bee:
        return list(bee.iter_datapoints(slug, per=1000))


def test_import_then_reimport_never_duplicates(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "imp")
    rows = [f"2026-11-{1 + i % 20:02d},{i},row {i}" for i in range(250)]
    rows.append('20261122,7,"a comment, with a comma"')
    data = write_csv(tmp_path / "data.csv", rows)
    first = cli.run("import", "imp", str(data), "--batch-size", "100")
    assert first.stdout.startswith("imported 251 points into imp (251 created)")
    again = json.loads(cli.run("import", "imp", str(data), "--batch-size", "100", "--json").stdout)
    assert again["statuses"] == {"duplicate": 251} and again["points"] == 251 and again["refused"] == []
    got = points(server, alice.token, "imp")
    assert len(got) == 252  # 251 rows + the initial point
    assert {p.comment for p in got} >= {"row 0", "a comment, with a comma"}
    assert all(p.requestid and p.requestid.startswith("csv-") for p in got if not p.is_initial)


def test_interrupted_import_resumes_without_duplicates(
    server: Any, alice: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "resume")
    data = write_csv(tmp_path / "big.csv", [f"2026-11-{1 + i % 20:02d},{i}," for i in range(300)])
    real = Client.create_all_statuses
    calls = {"n": 0}

    def flaky(self: Client, slug: str, batch: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, slug, batch)

    monkeypatch.setattr(Client, "create_all_statuses", flaky)
    stopped = cli.run("import", "resume", str(data), "--batch-size", "50", "--parallel", "1", code=130)
    assert "run the same command again" in stopped.stderr
    assert len(points(server, alice.token, "resume")) == 101
    assert len(list((tmp_path / "state" / "brickroad" / "imports").glob("*.json"))) == 1
    monkeypatch.setattr(Client, "create_all_statuses", real)
    resumed = cli.run("import", "resume", str(data), "--batch-size", "50")
    assert "(100 already imported, 200 created)" in resumed.stdout  # the journal skips what was saved
    assert len(points(server, alice.token, "resume")) == 301
    assert list((tmp_path / "state" / "brickroad" / "imports").glob("*.json")) == []  # done: journal gone


def test_lost_journal_or_restart_still_never_duplicates(
    server: Any, alice: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "nojournal")
    data = write_csv(tmp_path / "rows.csv", [f"2026-11-{1 + i % 20:02d},{i}," for i in range(120)])
    real = Client.create_all_statuses
    calls = {"n": 0}

    def flaky(self: Client, slug: str, batch: Any) -> Any:
        calls["n"] += 1
        result = real(self, slug, batch)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # saved by the server, but the journal never heard of it
        return result

    monkeypatch.setattr(Client, "create_all_statuses", flaky)
    cli.run("import", "nojournal", str(data), "--batch-size", "40", "--parallel", "1", code=130)
    monkeypatch.setattr(Client, "create_all_statuses", real)
    resumed = cli.run("import", "nojournal", str(data), "--batch-size", "40")
    assert "(40 already imported, 40 created, 40 duplicate)" in resumed.stdout
    again = cli.run("import", "nojournal", str(data), "--batch-size", "40", "--restart")
    assert "(120 duplicate)" in again.stdout
    assert len(points(server, alice.token, "nojournal")) == 121


def test_malformed_rows_are_reported_and_nothing_is_imported(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "strict")
    data = write_csv(tmp_path / "bad.csv", [
        "2026-11-20,1,ok",
        "2026-11-21,abc,not a number",
        "2026-11-31,2,no such day",
        "2026-11-22,,missing value",
        "2026-11-22,3,ok too",
    ])
    refused = cli.run("import", "strict", str(data), code=1)
    lines = refused.stderr.strip().splitlines()
    assert lines[0].startswith("line 3: not a number: 'abc'")
    assert lines[1].startswith("line 4: not a date: '2026-11-31'")
    assert lines[2] == "line 5: value is missing"
    assert lines[3].startswith("nothing imported: 3 bad row(s)")
    assert len(points(server, alice.token, "strict")) == 1
    skipped = cli.run("import", "strict", str(data), "--skip-bad")
    assert "imported 2 points" in skipped.stdout and "skipped 3 malformed row(s)" in skipped.stderr
    assert len(points(server, alice.token, "strict")) == 3


def test_header_columns_and_headerless_files(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "cols")
    rich = tmp_path / "cols.csv"
    rich.write_text("Comment,Value,Timestamp,requestid,extra\nfirst,2,1795194000,mine-1,x\nsecond,1:15,,mine-2,y\n")
    assert "2 created" in cli.run("import", "cols", str(rich)).stdout
    plain = tmp_path / "plain.csv"
    plain.write_text("2026-11-20,4\n20261121,5,with comment\n")
    assert "2 created" in cli.run("import", "cols", str(plain)).stdout
    got = {p.requestid: p for p in points(server, alice.token, "cols")}
    assert got["mine-1"].timestamp == 1795194000 and got["mine-2"].value == 1.25
    assert sorted(p.value for p in got.values() if p.requestid and p.requestid.startswith("csv-")) == [4, 5]


def test_export_json_and_csv_round_trip(server: Any, alice: Any, tmp_path: Path) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "src")
    make_goal(server, alice.token, "other")
    for day, value in (("20261120", 1), ("20261121", 2.5), ("20261122", 3)):
        cli.run("add", "src", str(value), "-d", day, "-c", f"on {day}")
    exported = json.loads(cli.run("export", "src").stdout)
    assert [p["value"] for p in exported][:3] == [1, 2.5, 3] and len(exported) == 4  # and today's initial point
    assert exported == sorted(exported, key=lambda p: (p["timestamp"], p["id"]))
    out = tmp_path / "src.csv"
    cli.run("export", "src", "--format", "csv", "-o", str(out))
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4 and set(rows[0]) == {"id", "timestamp", "daystamp", "value", "comment", "updated_at", "requestid"}
    make_goal(server, alice.token, "copy")
    cli.run("import", "copy", str(out))
    copied = sorted((p.daystamp, p.value, p.comment) for p in points(server, alice.token, "copy") if not p.is_initial)
    assert copied[:3] == [("20261120", 1, "on 20261120"), ("20261121", 2.5, "on 20261121"), ("20261122", 3, "on 20261122")]
    assert len(copied) == 4  # src's initial point came along as an ordinary one
    everything = json.loads(cli.run("export", "--all").stdout)
    assert set(everything) == {"src", "other", "copy"} and len(everything["other"]) == 1
    table = list(csv.DictReader(io.StringIO(cli.run("export", "--all", "--format", "csv").stdout)))
    assert {r["goal"] for r in table} == {"src", "other", "copy"}
    assert "give a goal slug or --all" in cli.run("export", code=1).stderr


def test_import_stopped_by_the_daily_quota_resumes_later(server: Any, ctx: Any, alice: Any, tmp_path: Path) -> None:
    from brickroad.services import quotas

    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "quota")
    data = write_csv(tmp_path / "q.csv", [f"2026-11-{1 + i % 20:02d},{i},row {i}" for i in range(200)])
    quotas.for_context(ctx).set_limits(alice.user, None, 15_000)  # room for about one batch of 50
    stopped = cli.run("import", "quota", str(data), "--batch-size", "50", "--parallel", "1", code=1)
    first, second = stopped.stderr.strip().splitlines()[-2:]
    assert first.startswith("429: Daily API limit of 15000 bytes reached")
    assert second == "import stopped: run the same command again to resume without duplicates"
    quotas.for_context(ctx).set_limits(alice.user, None, 50_000_000)
    resumed = cli.run("import", "quota", str(data), "--batch-size", "50")
    assert "already imported" in resumed.stdout and "duplicate" not in resumed.stdout
    assert len(points(server, alice.token, "quota")) == 201


def test_rows_the_engine_cant_use_are_named_by_line_and_nothing_is_imported(
    server: Any, alice: Any, tmp_path: Path
) -> None:
    cli = cli_for(server, alice.token, tmp_path)
    make_goal(server, alice.token, "sane")
    data = write_csv(tmp_path / "huge.csv", ["2026-11-20,1,ok", "2026-11-21,1e308,too big", "1970-01-01,2,too early"])
    refused = cli.run("import", "sane", str(data), code=1)
    assert "line 3: value: must be a finite number between -1e+15 and 1e+15" in refused.stderr
    assert "line 4: daystamp: must fall on a day from 1970-01-02 to 2099-12-31" in refused.stderr
    assert len(points(server, alice.token, "sane")) == 1
