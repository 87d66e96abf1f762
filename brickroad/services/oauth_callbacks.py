"""Delivering the deauthorize callback after a user revokes an app.

REFERENCE §2.2/§9: POST to the app's registered URL with one form parameter,
`access_token`, the revoked token. Until the outbox (brickroad/jobs) exists,
delivery is best effort from a background thread with a short timeout, so
the user's click never waits on a slow or dead app.
"""

from __future__ import annotations

import logging
import threading

import httpx

from brickroad.services.oauth import Deauthorization

log = logging.getLogger("brickroad.oauth")
TIMEOUT = 5.0


def _post(calls: list[Deauthorization]) -> None:
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
        for call in calls:
            try:
                client.post(call.url, data={"access_token": call.access_token})
            except httpx.HTTPError as exc:
                log.warning("deauthorize callback to %s failed: %s", call.url, exc)


def deliver(calls: list[Deauthorization]) -> threading.Thread | None:
    """Start delivering in the background; returns the thread (tests may join it)."""
    if not calls:
        return None
    thread = threading.Thread(target=_post, args=(list(calls),), name="deauthorize-callback", daemon=True)
    thread.start()
    return thread
