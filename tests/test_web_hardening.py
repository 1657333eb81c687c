"""The web surface under attack: headers, Host, the console's CSRF token, CSV formulas, 500s.

HTTP-level checks against the real server; the same pages in Chromium, with the CSP enforced,
are in test_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import app_client
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from ingest_helpers import cli, ingest_folder
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pydantic import SecretStr
from test_export import FORMULA_VALUES, formula_folder

from govgraph.api import csrf
from govgraph.api.main import create_app
from govgraph.api.security import relative
from govgraph.core.csvtext import neutralise, restore, to_csv
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

REVIEW = "program:caisi-frontier-review"
FORGED = "evil.example"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
# A query that returns rows, and one that fails only when it runs (EXPLAIN accepts it).
ROWS_QUERY = "MATCH (a:Actor) RETURN a.name AS name LIMIT 3"
FAILS_WHEN_RUN = "UNWIND [1, 0] AS x RETURN 10 / x AS y"
SECRET = "test-secret-for-console-tokens"
PAGES = [
    "/",
    f"/entity/{REVIEW}",
    "/timeline",
    "/queries",
    f"/queries/parties-to?target={REVIEW}",
    "/cypher",
    "/graph",
    f"/graph/parties/{REVIEW}",
    "/docs",
    "/redoc",
]


def assert_secured(response: object) -> None:
    """The security headers every response carries."""
    headers = response.headers  # type: ignore[attr-defined]
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "default-src 'none'" in policy and "'unsafe-eval'" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the console form has no CSRF token"
    return match.group(1)


@pytest.fixture(scope="module")
def keyed(settings: Settings) -> Iterator[TestClient]:
    """The app with a known token secret, so a test can sign an expired token itself."""
    with app_client(settings, secret_key=SecretStr(SECRET)) as c:
        yield c


@pytest.fixture(scope="module")
def any_host(settings: Settings) -> Iterator[TestClient]:
    """The app with the Host allowlist switched off (GOVGRAPH_ALLOWED_HOSTS='*')."""
    with app_client(settings, allowed_hosts=["*"]) as c:
        yield c


# ---------------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/api/queries", 200),
        ("/openapi.json", 200),
        ("/static/govgraph.css", 200),
        ("/static/vis-network.min.js", 200),
        ("/static/swagger-ui-bundle.js", 200),
        ("/api/nothing-here", 404),
        ("/entity/org:no-such-actor", 404),
        ("/api/events?limit=0", 422),
        ("/timeline?from=2026-13-01", 422),
    ],
)
def test_security_headers_on_every_kind_of_response(
    client: TestClient, curated: Database, url: str, status: int
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert_secured(response)


def test_even_an_unexpected_500_carries_the_headers(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert_secured(response)


def test_each_response_has_its_own_nonce_and_pages_need_no_inline_code(
    client: TestClient, curated: Database
) -> None:
    nonces = set()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.text
        policy = response.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy)
        if url == "/redoc":  # ReDoc injects its styles before it can take a nonce: see csp()
            assert "style-src 'self' 'unsafe-inline'" in policy and not nonce
        else:
            assert nonce and "'unsafe-inline'" not in policy, url
            nonces.add(nonce.group(1))
        for tag in re.findall(r"<[a-z][^>]*>", html, re.I):
            assert not re.search(r"\s(style|on[a-z]+)\s*=", tag, re.I), (url, tag)
        for tag in re.findall(r"<script\b[^>]*>", html, re.I):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
        for tag in re.findall(r"<style\b[^>]*>", html, re.I):
            assert nonce and f'nonce="{nonce.group(1)}"' in tag, (url, tag)
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html, re.I):
            assert not re.search(r"""(?:src|href)="(?:[a-z]+:)?//""", tag, re.I), (url, tag)
    assert len(nonces) == len(PAGES) - 1


def test_api_docs_use_only_local_assets(client: TestClient) -> None:
    for url in ("/docs", "/redoc"):
        html = client.get(url).text
        assets = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
        assert assets and all(a.startswith(("/static/", "/openapi.json", "/docs")) for a in assets)
        for asset in assets:
            if asset.startswith("/static/"):
                assert client.get(asset).status_code == 200, asset
    assert client.get("/static/redoc.standalone.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "govgraph"


# ------------------------------------------------------------------------------------- Host


@pytest.mark.parametrize("url", ["/queries/", "/", "/cypher", "/docs", "/api/queries", "/x"])
def test_a_forged_host_is_refused_and_never_echoed(client: TestClient, url: str) -> None:
    for host in (FORGED, f"{FORGED}:8000", f"{FORGED}@127.0.0.1", f"127.0.0.1.{FORGED}"):
        response = client.get(url, headers={"host": host}, follow_redirects=False)
        assert response.status_code == 400, host
        assert response.json()["error"]["code"] == "bad_host"
        assert FORGED not in response.text
        assert all(FORGED not in v for v in response.headers.values())
        assert_secured(response)


def test_known_host_names_are_served(settings: Settings) -> None:
    with app_client(settings, allowed_hosts=["govgraph.example"]) as c:
        for host in ("127.0.0.1:8000", "localhost", "[::1]:8000", "govgraph.example"):
            assert c.get("/api/queries", headers={"host": host}).status_code == 200, host
        assert c.get("/api/queries", headers={"host": FORGED}).status_code == 400


def test_redirects_are_relative_whatever_the_host(any_host: TestClient, curated: Database) -> None:
    response = any_host.get("/queries/", headers={"host": FORGED}, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/queries"
    page = any_host.get(f"/cypher?query={ROWS_QUERY}", headers={"host": FORGED})
    assert page.status_code == 200 and FORGED not in page.text
    assert "http://testserver/api/cypher" in page.text  # the socket's address, not the Host


def test_relative_never_yields_a_network_path() -> None:
    assert relative("http://a.example//evil.example/x?y=1", "a.example") == "/evil.example/x?y=1"
    assert relative("http://a.example/", "a.example") == "/"
    assert relative("https://other.example/p", "a.example") == "https://other.example/p"


# ---------------------------------------------------------------------------------- console


def test_console_get_shows_the_query_without_running_it(
    client: TestClient, curated: Database
) -> None:
    for query in (ROWS_QUERY, FAILS_WHEN_RUN):
        response = client.get("/cypher", params={"query": query, "params": "{}"})
        assert response.status_code == 200
        html = response.text
        assert 'id="cypher-pending"' in html
        assert 'id="cypher-result"' not in html and 'id="cypher-error"' not in html
        assert "by zero" not in html
        assert f">{query.replace('>', '&gt;')}</textarea>" in html
        assert 'method="post"' in html and token_of(html)


class PastSigner(TimestampSigner):
    """Signs as if three hours ago, to make a token that has expired."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 3 * 3600


def test_console_post_needs_a_token_from_this_browser(keyed: TestClient, curated: Database) -> None:
    keyed.cookies.clear()
    first = keyed.get("/cypher")
    set_cookie = first.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    assert "path=/cypher" in set_cookie
    cookie = keyed.cookies.get(csrf.COOKIE)
    assert cookie
    refused = {
        "no token": "",
        "bad token": "not-a-token",
        "wrong secret": URLSafeTimedSerializer("other", salt=csrf.SALT).dumps(cookie),
        "other browser": URLSafeTimedSerializer(SECRET, salt=csrf.SALT).dumps("A" * 43),
        "expired": URLSafeTimedSerializer(SECRET, salt=csrf.SALT, signer=PastSigner).dumps(cookie),
    }
    for case, bad in refused.items():
        for query in (ROWS_QUERY, FAILS_WHEN_RUN):
            response = keyed.post("/cypher", data={"query": query, "csrf_token": bad})
            assert response.status_code == 403, case
            html = response.text
            assert 'id="cypher-error"' in html and "nothing was run" in html, case
            assert 'id="cypher-result"' not in html and "by zero" not in html, case
            assert ("expired" in html) == (case == "expired"), case
    token = token_of(first.text)
    good = keyed.post("/cypher", data={"query": ROWS_QUERY, "csrf_token": token})
    assert good.status_code == 200 and 'id="cypher-result"' in good.text
    ran = keyed.post("/cypher", data={"query": FAILS_WHEN_RUN, "csrf_token": token})
    assert ran.status_code == 400 and "by zero" in ran.text  # with a good token it does run
    keyed.cookies.clear()  # a token without the cookie it signs is refused too
    no_cookie = keyed.post("/cypher", data={"query": ROWS_QUERY, "csrf_token": token})
    assert no_cookie.status_code == 403 and 'id="cypher-result"' not in no_cookie.text
    again = keyed.post(
        "/cypher", data={"query": ROWS_QUERY, "csrf_token": token_of(no_cookie.text)}
    )
    assert again.status_code == 200  # the refusal's form is ready to send again


def test_api_cypher_refuses_a_cross_site_form_body(client: TestClient, curated: Database) -> None:
    # A plain HTML form on another site can only send form or text bodies, never JSON.
    for kind in ("text/plain", "application/x-www-form-urlencoded"):
        body = json.dumps({"query": ROWS_QUERY, "params": {}})
        response = client.post("/api/cypher", content=body, headers={"content-type": kind})
        assert response.status_code == 422, kind


def console_post(client: TestClient, query: str, params: str = "") -> object:
    token = token_of(client.get("/cypher").text)
    return client.post("/cypher", data={"query": query, "params": params, "csrf_token": token})


def test_console_shows_a_node_without_an_id(client: TestClient, curated: Database) -> None:
    response = console_post(client, "MATCH (m:GovGraphMeta) RETURN m")
    assert response.status_code == 200, response.text[-500:]  # type: ignore[attr-defined]
    assert 'id="cypher-result"' in response.text  # type: ignore[attr-defined]


def test_console_survives_maps_that_only_look_like_records(
    client: TestClient, curated: Database
) -> None:
    query = (
        "RETURN {publisher: 1, id: 1, url: 5, published: 3} AS s, {id: 5, name: [1], date: 7} AS m,"
        " {id: 7, labels: 5, properties: 3} AS n, {type: 1, `start`: 2, `end`: 3, properties: 4}"
        " AS r, {type: 'X', `start`: 'org:meta', `end`: 'org:openai', properties: {date: 5,"
        " sources: [1, 'src:x']}} AS r2"
    )
    response = console_post(client, query)
    assert response.status_code == 200, response.text[-500:]  # type: ignore[attr-defined]
    assert 'id="cypher-result"' in response.text  # type: ignore[attr-defined]


def test_console_params_nested_250_deep_never_500(client: TestClient, curated: Database) -> None:
    deep: object = 1
    for _ in range(250):
        deep = [deep]
    response = console_post(client, "RETURN $a AS a", json.dumps({"a": deep}))
    status = response.status_code  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    # Refused (a 422 naming the parameter, or a 400 for too deep an answer) or shown: a page.
    assert status in (200, 400, 422), html[-500:]
    assert ('id="cypher-result"' if status == 200 else 'id="cypher-error"') in html
    if status == 422:
        assert '<code class="param">' in html
    way_deeper = console_post(client, "RETURN $a AS a", '{"a": ' + "[" * 100_000 + "]" * 100_000)
    assert way_deeper.status_code == 422  # type: ignore[attr-defined]
    assert '<code class="param">params</code>' in way_deeper.text  # type: ignore[attr-defined]


def test_console_lone_surrogates_never_500(client: TestClient, curated: Database) -> None:
    for params in ('{"\\ud800": 1}', '{"a": "\\udc00"}'):
        response = console_post(client, "RETURN $a AS a", params)
        assert response.status_code in (200, 422), response.text[-500:]  # type: ignore[attr-defined]
        assert response.content.decode("utf-8")  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------------- CSV


@given(st.text())
def test_neutralise_is_undone_exactly_by_restore(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(DANGEROUS)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=already", "''=already"),
        ("'plain", "'plain"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_the_owasp_rule(value: str, written: str) -> None:
    assert neutralise(value) == written
    assert restore(written) == value


def test_to_csv_defuses_text_not_numbers_and_quotes_text() -> None:
    text = to_csv([{"=col": "=1+1", "n": -3, "f": -2.5, "l": ["=x"], "none": None}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'=col", "n", "f", "l", "none"], ["'=1+1", "-3", "-2.5", '["=x"]', ""]]
    assert text.splitlines()[1].startswith('"\'=1+1",-3,-2.5,')


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.fixture
def formula_graph(clean_db: Database, tmp_path: Path) -> Database:
    """The seed data with formula-like text in names, summaries and titles."""
    ingest_folder(clean_db, formula_folder(tmp_path / "data"))
    return clean_db


def test_api_and_cli_csv_defuse_formulas(
    formula_graph: Database, settings: Settings, tmp_path: Path
) -> None:
    with app_client(settings) as c:
        profile = c.get("/api/queries/actor-profile", params={"id": "org:meta", "format": "csv"})
        events = c.get("/api/events", params={"actor": "org:meta", "format": "csv"})
    assert profile.status_code == events.status_code == 200
    run = cli("query", "actor-profile", "-p", "id=org:meta", "--format", "csv")
    assert run.returncode == 0, run.stderr
    for text in (profile.text, events.text, run.stdout):
        found = cells(text)
        assert not [c for c in found if c.startswith(DANGEROUS)], text[:500]
    assert "'" + FORMULA_VALUES["name"] in cells(profile.text)
    assert "'" + FORMULA_VALUES["name"] in cells(run.stdout)
    assert "'" + FORMULA_VALUES["event_summary"] in cells(events.text)
