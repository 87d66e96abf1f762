"""Hostile and malformed requests get clear JSON errors, never a 500."""

from __future__ import annotations

import httpx
import pytest


def test_unknown_api_paths_are_json_404(http: httpx.Client, alice) -> None:
    for method in ("GET", "POST", "PUT", "DELETE"):
        r = http.request(method, "/api/v1/no/such/thing.json", params={"auth_token": alice.token})
        assert r.status_code == 404, method
        assert r.headers["content-type"] == "application/json"
        assert "errors" in r.json()


def test_unknown_paths_outside_the_api_are_json_404(http: httpx.Client) -> None:
    r = http.get("/definitely/not/here")
    assert r.status_code == 404 and "errors" in r.json()


def test_malformed_json_is_400(http: httpx.Client, alice) -> None:
    r = http.post(
        "/api/v1/users/me.json", params={"auth_token": alice.token},
        content=b'{"value": 1', headers={"content-type": "application/json"},
    )
    assert r.status_code == 400
    assert "Malformed JSON" in r.json()["errors"]["message"]


def test_json_body_that_is_not_an_object_is_400(http: httpx.Client, alice) -> None:
    r = http.post("/api/v1/users/me.json", params={"auth_token": alice.token}, json=[1, 2])
    assert r.status_code == 400


@pytest.mark.parametrize("ctype", ["text/xml", "application/octet-stream"])
def test_unknown_content_type_is_406(http: httpx.Client, alice, ctype: str) -> None:
    r = http.post("/api/v1/users/me.json", params={"auth_token": alice.token}, content=b"<x/>", headers={"content-type": ctype})
    assert r.status_code == 406
    assert ctype in r.json()["errors"]["message"]


def test_invalid_utf8_in_form_body_is_400(http: httpx.Client, alice) -> None:
    r = http.post(
        "/api/v1/users/me.json", params={"auth_token": alice.token},
        content=b"comment=caf\xe9", headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400
    assert "UTF-8" in r.json()["errors"]["message"]


def test_invalid_utf8_in_query_string_is_400(http: httpx.Client) -> None:
    r = http.get("/api/v1/users/me.json?auth_token=%ff%fe")
    assert r.status_code == 400


def test_oversized_body_is_413_declared_or_streamed(http: httpx.Client, alice) -> None:
    big = b"a=" + b"x" * (2 * 1024 * 1024)  # the test server caps bodies at 1 MiB
    r = http.post("/api/v1/users/me.json", params={"auth_token": alice.token}, content=big,
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert "too large" in r.json()["errors"]["message"]

    def chunks():  # no Content-Length: the cap applies while streaming
        for _ in range(40):
            yield b"x" * 65536

    r = http.post("/api/v1/users/me.json", params={"auth_token": alice.token}, content=chunks(),
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_streamed_bodies_are_read_and_capped_on_any_method(http: httpx.Client, alice) -> None:
    """Without Content-Length a body still counts when it comes chunked, on GET as on POST."""

    def chunks(n: int, size: int = 65536):
        for _ in range(n):
            yield b"x" * size

    r = http.request("GET", "/api/v1/users/me.json", params={"auth_token": alice.token}, content=chunks(40),
                     headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413

    def form():
        yield b"timezone=Europe/"
        yield b"Paris"

    r = http.put("/api/v1/users/me.json", params={"auth_token": alice.token}, content=form(),
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and r.json()["timezone"] == "Europe/Paris"


def test_healthz_reports_database(http: httpx.Client) -> None:
    r = http.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
