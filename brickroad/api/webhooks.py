"""/api/v1/users/{u}/webhooks: event subscriptions and the delivery log (beyond Beeminder)."""

from __future__ import annotations

from typing import Any

from brickroad.api.endpoint import ApiRequest
from brickroad.api.params import as_int
from brickroad.services import webhooks
from brickroad.services.webhooks import Delivery, Subscription
from brickroad.store.ids import parse_pk


def _subscription(s: Subscription, with_secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": s.id, "url": s.url, "events": s.events, "created_at": s.created_at}
    if with_secret:
        out["secret"] = s.secret  # shown once, at creation: it verifies X-Brickroad-Signature
    return out


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id, "kind": d.kind, "event": d.event, "url": d.url, "state": d.state, "attempts": d.attempts,
        "last_status": d.last_status, "last_error": d.last_error, "delivery_id": d.idempotency_key,
        "subscription_id": d.subscription_id, "seq": d.seq, "created_at": d.created_at,
        "next_attempt_at": d.due_at if d.state == "pending" else None, "delivered_at": d.delivered_at,
    }


def list_webhooks(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    state = req.params.get("state")
    limit = min(500, max(1, as_int(req.params["count"], "count"))) if "count" in req.params else 100
    return {
        "subscriptions": [_subscription(s) for s in webhooks.subscriptions(req.ctx, user)],
        "deliveries": [_delivery(d) for d in webhooks.deliveries(req.ctx, user, str(state) if state else None, limit)],
    }


def create_webhook(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    sub = webhooks.subscribe(req.ctx, user, str(req.params.get("url") or ""), req.params.get("events"))
    return _subscription(sub, with_secret=True)


def delete_webhook(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    sub_id = parse_pk(req.path["sub_id"])
    webhooks.unsubscribe(req.ctx, user, sub_id)
    return {"id": sub_id, "deleted": True}


def retry_delivery(req: ApiRequest) -> dict[str, Any]:
    user = req.owner(req.path["username"])
    delivery_id = parse_pk(req.path["delivery_id"])
    return _delivery(webhooks.retry_delivery(req.ctx, user, delivery_id))
