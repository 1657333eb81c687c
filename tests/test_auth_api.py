"""Sign-in, sessions, CSRF, throttling and tokens over HTTP, against the real Neo4j."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph import accounts, api_tokens
from govgraph.graph.db import Database

PASSWORD = "correct horse battery staple"
API_KEY = "bootstrap-key-for-tests-0123456789"
TOKEN_FORM = re.compile(r'name="csrf_token" value="([^"]*)"')


@pytest.fixture
def people(clean_db: Database) -> Database:
    """An editor (alice), a contributor (carl), an admin (ada), all with PASSWORD."""
    for name, role in (("alice", "editor"), ("carl", "contributor"), ("ada", "admin")):
        accounts.add_user(clean_db, name, role, PASSWORD)
    return clean_db


@contextmanager
def browser(settings: Settings, base_url: str = "http://testserver", **overrides: Any) -> Iterator[
    TestClient
]:  # fmt: skip
    """A client with a cookie jar, as a browser has, on an app with some settings changed."""
    app = create_app(settings.model_copy(update=overrides))
    with TestClient(app, base_url=base_url) as client:
        yield client


def login(client: TestClient, name: str, password: str = PASSWORD, next_: str = "/") -> Any:
    """Fill and post the sign-in form as a browser would."""
    form = client.get("/login", params={"next": next_})
    assert form.status_code == 200
    token = TOKEN_FORM.search(form.text)
    assert token, "the sign-in form carries a CSRF token"
    data = {"name": name, "password": password, "csrf_token": token.group(1), "next": next_}
    return client.post("/login", data=data, follow_redirects=False)


def session_cookie(response: Any) -> str:
    """The Set-Cookie header of the session cookie."""
    found = [
        c for c in response.headers.get_list("set-cookie") if c.startswith("govgraph_session=")
    ]
    assert len(found) == 1, response.headers
    return str(found[0])


def me(client: TestClient, **headers: str) -> dict[str, Any]:
    answer = client.get("/api/me", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_login_and_logout_round_trip(settings: Settings, people: Database) -> None:
    with browser(settings) as client:
        assert me(client)["user"] is None
        assert "Log in" in client.get("/").text
        signed = login(client, "alice", next_="/account")
        assert signed.status_code == 303 and signed.headers["location"] == "/account"
        cookie = session_cookie(signed).lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        assert "; secure" not in cookie, "no Secure flag over plain http"
        assert me(client)["user"]["name"] == "alice" and me(client)["user"]["role"] == "editor"
        page = client.get("/account")
        assert page.status_code == 200 and 'id="account-name">alice<' in page.text
        home = client.get("/").text
        assert "alice (editor)" in home and 'href="/review"' in home and "Log out" in home
        old = client.cookies.get("govgraph_session")
        token = TOKEN_FORM.search(home)
        assert token
        out = client.post("/logout", data={"csrf_token": token.group(1)}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/"
        assert me(client)["user"] is None
        client.cookies.set("govgraph_session", old or "")
        assert me(client)["user"] is None, "a logged-out session cannot be replayed"


def test_a_contributor_sees_no_review_link(settings: Settings, people: Database) -> None:
    with browser(settings) as client:
        assert login(client, "carl").status_code == 303
        home = client.get("/").text
        assert "carl (contributor)" in home and 'href="/review"' not in home


def test_cookie_flags_follow_the_scheme_and_the_setting(
    settings: Settings, people: Database
) -> None:
    with browser(settings, base_url="https://testserver") as client:
        assert "; secure" in session_cookie(login(client, "alice")).lower()
    with browser(settings, base_url="https://testserver", cookie_secure=False) as client:
        assert "; secure" not in session_cookie(login(client, "alice")).lower()
    with browser(settings, cookie_secure=True) as client:  # e.g. behind a TLS proxy
        form = client.get("/login")
        assert "; secure" in form.headers["set-cookie"].lower()
        value = form.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        client.cookies.set("govgraph_csrf", value, path="/login")  # as the https browser would
        token = TOKEN_FORM.search(form.text)
        assert token
        data = {"name": "alice", "password": PASSWORD, "csrf_token": token.group(1)}
        signed = client.post("/login", data=data, follow_redirects=False)
        assert "; secure" in session_cookie(signed).lower()


def test_session_posts_without_the_csrf_token_are_refused_and_do_nothing(
    settings: Settings, people: Database
) -> None:
    with browser(settings) as client:
        login(client, "carl")
        missing = client.post("/api/tokens", json={"label": "x"})
        assert missing.status_code == 403 and missing.json()["error"]["code"] == "form_refused"
        wrong = client.post("/api/tokens", json={"label": "x"}, headers={"X-CSRF-Token": "bad"})
        assert wrong.status_code == 403
        form = client.post("/account/tokens", data={"label": "x"})
        assert form.status_code == 403 and "CSRF" in form.text
        assert api_tokens.list_tokens(people, "carl") == []
        good = client.post("/api/tokens", json={"label": "x"},
                           headers={"X-CSRF-Token": me(client)["csrf_token"]})  # fmt: skip
        assert good.status_code == 201 and good.json()["token"].startswith("gg_")
        page = client.get("/account")
        token = TOKEN_FORM.search(page.text)
        assert token
        made = client.post("/account/tokens", data={"label": "page", "csrf_token": token.group(1)})
        assert made.status_code == 200 and 'id="new-token-value">gg_' in made.text
        assert len(api_tokens.list_tokens(people, "carl")) == 2
    with browser(settings) as other:  # another session's token does not fit this one
        login(other, "carl")
        stolen = {"X-CSRF-Token": good.request.headers["x-csrf-token"]}
        foreign = other.post("/api/tokens", json={"label": "y"}, headers=stolen)
        assert foreign.status_code == 403
    login_without = TestClient(create_app(settings)).post(
        "/login", data={"name": "carl", "password": PASSWORD}, follow_redirects=False
    )
    assert login_without.status_code == 403 and "govgraph_session" not in str(login_without.headers)


def test_failed_logins_are_throttled_also_for_unknown_names(
    settings: Settings, people: Database
) -> None:
    with browser(settings, login_attempts=3, login_window=600) as client:
        for name in ("alice", "nobody-at-all"):
            for _ in range(3):
                assert login(client, name, "wrong password here").status_code == 401
            limited = login(client, name, PASSWORD)
            assert limited.status_code == 429, name
            assert 1 <= int(limited.headers["retry-after"]) <= 600
            assert "govgraph_session" not in str(limited.headers)
        assert login(client, "carl").status_code == 303, "another account is not limited"
        assert len(client.app.state.login_throttle) <= 10_000  # type: ignore[attr-defined]


def test_the_throttle_stays_bounded() -> None:
    from govgraph.api.throttle import LoginThrottle

    throttle = LoginThrottle(attempts=2, window=60, max_keys=100)
    for i in range(1000):
        throttle.failed(throttle.key("10.0.0.1", f"name{i}" * 50))
    assert len(throttle) == 100


def test_tokens_expire_are_revoked_and_die_with_a_disabled_account(
    settings: Settings, people: Database
) -> None:
    plain, info = api_tokens.issue_token(people, "carl", label="bot", days=5)
    admin_plain, _ = api_tokens.issue_token(people, "ada", label="admin", days=5)
    carl = {"Authorization": f"Bearer {plain}"}
    admin = {"Authorization": f"Bearer {admin_plain}"}
    with browser(settings) as client:
        assert me(client, **carl)["user"]["name"] == "carl"
        assert client.get("/api/tokens", headers=carl).json()["count"] == 1
        assert client.post("/api/users/carl/disable", headers=admin).json()["active"] is False
        gone = client.get("/api/tokens", headers=carl)
        assert gone.status_code == 401 and gone.headers["www-authenticate"].startswith("Bearer")
        assert client.post("/api/users/carl/enable", headers=admin).status_code == 200
        assert client.get("/api/tokens", headers=carl).status_code == 200
        assert client.delete(f"/api/tokens/{info.id}", headers=carl).json()["revoked"] is True
        assert client.get("/api/tokens", headers=carl).status_code == 401
        other, other_info = api_tokens.issue_token(people, "carl", label="b", days=1)
        expire = "MATCH (t:ApiToken {id: $id}) SET t.expires = datetime() - duration('PT1S')"
        people.write(lambda tx: tx.run(expire, id=other_info.id).consume())
        late = client.get("/api/tokens", headers={"Authorization": f"Bearer {other}"})
        assert late.status_code == 401 and "expired" in late.json()["error"]["message"]


def test_disabling_ends_a_live_session_at_once(settings: Settings, people: Database) -> None:
    with browser(settings) as client:
        login(client, "carl")
        assert client.get("/account").status_code == 200
        accounts.disable_user(people, "carl")
        assert client.get("/api/tokens").status_code == 401
        page = client.get("/account", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Faccount"
        assert "carl" not in client.get("/").text


def test_tokens_and_passwords_never_reach_the_log(
    settings: Settings, people: Database, caplog: pytest.LogCaptureFixture
) -> None:
    plain, _ = api_tokens.issue_token(people, "alice", label="log", days=1)
    bogus = "gg_" + "A" * 43
    with caplog.at_level(logging.DEBUG), browser(settings) as client:
        assert (
            client.get("/api/users", headers={"Authorization": f"Bearer {bogus}"}).status_code
            == 401
        )
        ok = client.get("/api/tokens", headers={"Authorization": f"Bearer {plain}"})
        assert ok.status_code == 200 and plain not in ok.text
        assert login(client, "alice", "a wrong password xyz").status_code == 401
        assert login(client, "alice").status_code == 303
        made = client.post("/api/tokens", json={"label": "x"},
                           headers={"X-CSRF-Token": me(client)["csrf_token"]})  # fmt: skip
        fresh = made.json()["token"]
        bad = client.get("/api/users", headers={"Authorization": f"Bearer {bogus}"})
        assert bogus not in bad.text
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (plain, bogus, fresh, PASSWORD, "a wrong password xyz"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("next_", "expected"),
    [
        ("/entity/agency:caisi?as_of=2026-01-01", "/entity/agency:caisi?as_of=2026-01-01"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_next_only_leads_to_this_site(
    settings: Settings, people: Database, next_: str, expected: str
) -> None:
    with browser(settings) as client:
        signed = login(client, "carl", next_=next_)
        assert signed.status_code == 303 and signed.headers["location"] == expected


def test_anonymous_pages_that_need_a_role_redirect_to_login(
    settings: Settings, people: Database
) -> None:
    with browser(settings) as client:
        page = client.get("/account", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Faccount"
        api = client.get("/api/tokens")
        assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorized"


def test_the_api_key_is_a_builtin_admin(settings: Settings, people: Database) -> None:
    with browser(settings, api_key=SecretStr(API_KEY)) as client:
        key = {"Authorization": f"Bearer {API_KEY}"}
        assert me(client, **key)["user"] == {"name": "api-key", "role": "admin", "active": True,
                                              "created": None}  # fmt: skip
        dora = {"name": "dora", "role": "contributor", "password": PASSWORD}
        made = client.post("/api/users", headers=key, json=dora)
        assert made.status_code == 201 and made.json()["name"] == "dora"
        assert client.post("/api/users", headers=key, json={"name": "dora", "role": "editor",
                           "password": PASSWORD}).status_code == 409  # fmt: skip
        assert (
            client.get("/api/users", headers={"Authorization": "Bearer wrong"}).status_code == 401
        )
        assert (
            client.get("/api/users", headers={"Authorization": f"Basic {API_KEY}"}).status_code
            == 401
        )
        names = [u["name"] for u in client.get("/api/users", headers=key).json()["data"]]
        assert names == ["ada", "alice", "carl", "dora"]
    with browser(settings) as client:  # without GOVGRAPH_API_KEY nothing is a key
        assert (
            client.get("/api/users", headers={"Authorization": f"Bearer {API_KEY}"}).status_code
            == 401
        )


def test_the_api_key_cannot_hold_tokens_and_says_what_to_do(
    settings: Settings, people: Database
) -> None:
    with browser(settings, api_key=SecretStr(API_KEY)) as client:
        key = {"Authorization": f"Bearer {API_KEY}"}
        refused = client.post("/api/tokens", headers=key, json={"label": "integration"})
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert "GOVGRAPH_API_KEY" in error["message"] and "cannot hold" in error["message"]
        assert "govgraph users add NAME --role admin" in error["fix"]
        assert API_KEY not in refused.text
    assert api_tokens.list_tokens(people, "ada") == []


@pytest.mark.parametrize("days", [0, -1, -90, 3651])
def test_a_token_lifetime_out_of_range_is_refused_naming_days(
    days: int, settings: Settings, people: Database
) -> None:
    plain, _ = api_tokens.issue_token(people, "carl", label="bot", days=5)
    carl = {"Authorization": f"Bearer {plain}"}
    with browser(settings) as client:
        refused = client.post("/api/tokens", headers=carl, json={"label": "x", "days": days})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["param"] == "days"
        assert client.get("/api/tokens", headers=carl).json()["count"] == 1  # nothing made
        default = client.post("/api/tokens", headers=carl, json={"label": "y", "days": None})
        assert default.status_code == 201, default.text
        assert default.headers["cache-control"] == "no-store"


GARBAGE: list[Any] = [
    {},
    {"name": "", "role": "editor", "password": PASSWORD},
    {"name": "n" * 10_000, "role": "editor", "password": PASSWORD},
    {"name": "bad\x00name", "role": "editor", "password": PASSWORD},
    {"name": "zed", "role": "editor", "password": "short"},
    {"name": "zed", "role": "king", "password": PASSWORD},
    {"name": 5, "role": "editor", "password": PASSWORD},
    {"name": "zed", "role": ["editor"], "password": PASSWORD},
    {"name": "zed", "role": "editor", "password": None},
    {"name": "zed", "role": "editor", "password": PASSWORD, "extra": 1},
    [],
    "text",
]


def test_garbage_is_a_clear_4xx_never_a_500(settings: Settings, people: Database) -> None:
    with browser(settings, api_key=SecretStr(API_KEY)) as client:
        key = {"Authorization": f"Bearer {API_KEY}"}
        for body in GARBAGE:
            answer = client.post("/api/users", headers=key, json=body)
            assert 400 <= answer.status_code < 500, (body, answer.text)
            assert answer.json()["error"]["message"] and PASSWORD not in answer.text
        raw = '{"name": "al\\ud800", "role": "editor", "password": "' + PASSWORD + '"}'
        surrogate = client.post("/api/users", headers={**key, "content-type": "application/json"},
                                content=raw)  # fmt: skip
        assert surrogate.status_code == 422 and "name" in surrogate.json()["error"]["message"]
        for body in ({"label": ""}, {"label": "x", "days": 0}, {"label": "x", "days": "soon"},
                     {"label": "x" * 10_000}, {"label": "\x07"}):  # fmt: skip
            answer = client.post("/api/tokens", headers=key, json=body)
            assert 400 <= answer.status_code < 500, (body, answer.text)
        for token_id in ("x", "token:" + "z" * 12, "token:" + "0" * 12):
            assert client.delete(f"/api/tokens/{token_id}", headers=key).status_code in (404, 422)
        assert client.post("/api/users/NOPE/disable", headers=key).status_code == 422
        assert client.post("/api/users/nobody/disable", headers=key).status_code == 404
        for name, password in (("", ""), ("x" * 10_000, "y" * 10_000), ("a\x00b", "\x00")):
            form = client.get("/login")
            token = TOKEN_FORM.search(form.text)
            assert token
            data = {"name": name, "password": password, "csrf_token": token.group(1)}
            answer = client.post("/login", data=data, follow_redirects=False)
            assert answer.status_code == 401, name[:20]
    assert [a.name for a in accounts.list_users(people)] == ["ada", "alice", "carl"]


@pytest.mark.browser
def test_signing_in_and_out_in_a_real_browser(settings: Settings, people: Database) -> None:
    from pathlib import Path

    from live_server import served

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with served(create_app(settings), "uvicorn-auth") as base, sync_api.sync_playwright() as p:
        flags = ["--headless", "--no-sandbox", "--disable-gpu"]
        browser_ = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser_.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/account")
        assert page.url == f"{base}/login?next=%2Faccount"
        page.fill("#login-name", "alice")
        page.fill("#login-password", PASSWORD)
        page.click("form.login-form button[type=submit]")
        page.wait_for_load_state()
        assert page.url == f"{base}/account", page.content()[-1500:]
        assert page.text_content("#account-role") == "editor"
        assert "alice (editor)" in page.text_content("header.site nav")  # type: ignore[operator]
        page.fill("#token-label", "browser")
        page.click("form.token-form button[type=submit]")
        assert page.text_content("#new-token-value").startswith("gg_")  # type: ignore[union-attr]
        page.click("form.logout button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert "Log in" in page.text_content("header.site nav")  # type: ignore[operator]
        browser_.close()
    assert not problems, problems


def test_forged_or_foreign_session_cookies_count_for_nothing() -> None:
    from govgraph.api.sessions import Sessions

    ours, theirs = Sessions("our secret", 1), Sessions("another secret", 1)
    value = ours.issue("alice", 3)
    session = ours.read(value)
    assert session is not None and (session.name, session.epoch) == ("alice", 3)
    assert theirs.read(value) is None
    assert ours.read(value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None
    assert ours.read("") is None and ours.read("x" * 5000) is None
    assert ours.read(theirs.issue("ada", 0)) is None
    ours.check_form_token(session, ours.form_token(session))
    other = ours.read(ours.issue("alice", 3))
    assert other is not None
    with pytest.raises(Exception, match="another session"):
        ours.check_form_token(other, ours.form_token(session))
