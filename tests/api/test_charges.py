"""POST /charges: amount >= 1, note, dryrun, user_id must be the caller; a ledger row per charge."""

from __future__ import annotations

from brickroad.services import charges as charge_service


def test_charge_recorded_in_the_ledger(http, ctx, alice):
    r = http.post("/api/v1/charges.json", data={"auth_token": alice.token, "amount": 10,
                                                "note": "I'm not worthy; charge myself $10"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["amount", "id", "note", "status", "username"]
    assert (body["amount"], body["note"], body["status"], body["username"]) == (10, "I'm not worthy; charge myself $10", None, alice.username)
    assert len(body["id"]["$oid"]) == 24
    ledger = charge_service.ledger(ctx, alice.user)
    assert [(c.amount, c.note, c.kind) for c in ledger] == [(10.0, "I'm not worthy; charge myself $10", "manual")]


def test_dryrun_and_user_id(http, ctx, alice, make_user):
    r = http.post("/api/v1/charges.json", data={"auth_token": alice.token, "amount": 2.5, "dryrun": "true",
                                                "user_id": alice.username})
    assert r.status_code == 200 and r.json()["amount"] == 2.5 and r.json()["id"] is None
    assert charge_service.ledger(ctx, alice.user) == []
    bob = make_user()
    r = http.post("/api/v1/charges.json", data={"auth_token": alice.token, "amount": 5, "user_id": bob.username})
    assert r.status_code == 403
    assert charge_service.ledger(ctx, bob.user) == [] and charge_service.ledger(ctx, alice.user) == []


def test_bad_amounts(http, alice):
    for amount, status in (("0.99", 422), ("-5", 422), ("NaN", 422), ("ten", 422), (None, 422), ("1e9", 422)):
        data = {"auth_token": alice.token}
        if amount is not None:
            data["amount"] = amount
        r = http.post("/api/v1/charges.json", data=data)
        assert r.status_code == status, (amount, r.text)
        assert "amount" in r.json()["errors"]
    r = http.post("/api/v1/charges.json", data={"amount": 5})
    assert r.status_code == 401
