"""Helpers for web tests: browser-like httpx sessions that sign up, log in and submit forms."""

from __future__ import annotations

import html
import itertools
import re
import uuid

import httpx

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_names = itertools.count(1)
PASSWORD = "correct horse battery"


def unique_name(prefix: str = "w") -> str:
    return f"{prefix}{next(_names)}_{uuid.uuid4().hex[:6]}"


def csrf_of(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "no CSRF token on the page"
    return html.unescape(match.group(1))


class Browser:
    """An httpx client that keeps cookies and fills in CSRF tokens like a browser would."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10, follow_redirects=False)
        self.username = ""

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, **kw: object) -> httpx.Response:
        return self.http.get(path, **kw)  # type: ignore[arg-type]

    def csrf(self, path: str = "/login") -> str:
        return csrf_of(self.http.get(path).text)

    def post(self, path: str, data: dict[str, str], csrf_from: str | None = None) -> httpx.Response:
        token = self.csrf(csrf_from or "/login")
        return self.http.post(path, data={"csrf_token": token, **data})

    def signup(self, username: str | None = None, password: str = PASSWORD, timezone: str = "America/New_York") -> "Browser":
        self.username = username or unique_name()
        r = self.post("/signup", {"username": self.username, "password": password,
                                  "password_confirm": password, "timezone": timezone}, csrf_from="/signup")
        assert r.status_code == 303, r.text
        return self

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        r = self.post("/login", {"username": username, "password": password})
        if r.status_code == 303:
            self.username = username
        return r

    def token_login(self, token: str, target: str, username: str = "me") -> httpx.Response:
        """redirect_to_url as an app sends it, then the click on the confirmation page; the final redirect."""
        r = self.get(f"/api/v1/users/{username}.json", params={"auth_token": token, "redirect_to_url": target})
        assert r.status_code == 302 and r.headers["location"].startswith("/login/token?"), r.text
        page = self.get(r.headers["location"])
        if page.status_code != 200:
            return page  # already logged in as that user
        fields = dict(re.findall(r'name="(ticket|next)" value="([^"]*)"', page.text))
        data = {k: html.unescape(v) for k, v in fields.items()}
        return self.http.post("/login/token", data={"csrf_token": csrf_of(page.text), **data})

    def new_goal(self, slug: str, **fields: str) -> httpx.Response:
        data = {"slug": slug, "goal_type": "hustler", "gunits": "pushups", "rate": "5", "runits": "w",
                "goalval": "100", **fields}
        return self.post("/goals/new", data, csrf_from="/goals/new")
