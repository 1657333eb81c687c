"""The authorization matrix: every route of the app by every kind of principal.

MATRIX maps each (method, path template) to the lowest role that may use it (None: anyone,
anonymous readers included). A route the app serves that the table lacks fails the test: add
one line for it. Below the minimum a request must be refused: 401 for anonymous callers and
disabled accounts on the API, a 303 to /login for anonymous page visits (a disabled account's
token there: 401 or that 303), 403 for a signed-in role that is too low. At or above it, it
must not be (it may still be a 404 or 422 for the made-up ids and empty bodies sent here), and
nothing answers 5xx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import SecretStr

from govgraph import PROJECT_ROOT
from govgraph.api.auth import ROLE_REFUSED
from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph import accounts, api_tokens
from govgraph.graph.accounts import RANK
from govgraph.graph.db import Database
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

C, E, A = "contributor", "editor", "admin"
# (method, path template) -> minimum role. One line per route.
MATRIX: dict[tuple[str, str], str | None] = {
    ("GET", "/openapi.json"): None,
    ("GET", "/api/queries/actor-profile"): None,
    ("GET", "/api/queries/agreements-of"): None,
    ("GET", "/api/queries/compare"): None,
    ("GET", "/api/queries/disagreements"): None,
    ("GET", "/api/queries/holdouts-all"): None,
    ("GET", "/api/queries/holdouts"): None,
    ("GET", "/api/queries/incidents"): None,
    ("GET", "/api/queries/instruments"): None,
    ("GET", "/api/queries/lineage"): None,
    ("GET", "/api/queries/parties-to"): None,
    ("GET", "/api/queries/paths"): None,
    ("GET", "/api/queries/sources-for"): None,
    ("GET", "/api/queries/timeline"): None,
    ("GET", "/api/queries"): None,
    ("GET", "/api/queries/{name}"): None,
    ("GET", "/api/entities"): None,
    ("GET", "/api/entities/{entity_id}"): None,
    ("GET", "/api/events"): None,
    ("POST", "/api/cypher"): None,  # read-only Cypher, open to anyone
    ("GET", "/search"): None,
    ("GET", "/"): None,
    ("GET", "/entity/{entity_id}"): None,
    ("GET", "/timeline"): None,
    ("GET", "/queries"): None,
    ("GET", "/queries/{name}"): None,
    ("GET", "/cypher"): None,
    ("POST", "/cypher"): None,  # the console: read-only, its own cookie-bound form token
    ("GET", "/graph"): None,
    ("GET", "/graph/entity/{entity_id}"): None,
    ("GET", "/graph/parties/{target_id}"): None,
    ("GET", "/graph/query/{name}"): None,
    ("GET", "/docs"): None,
    ("GET", "/redoc"): None,
    ("GET", "/healthz"): None,
    ("GET", "/readyz"): None,
    ("GET", "/api/audit"): None,
    ("GET", "/audit"): None,
    ("GET", "/api/export/{format}"): None,
    ("GET", "/event/{event_id}"): None,
    ("GET", "/api/search"): None,
    ("GET", "/api/coverage"): None,
    ("GET", "/coverage"): None,
    ("GET", "/explore"): None,
    ("GET", "/api/graph/neighbours/{record_id}"): None,
    # accounts (part A)
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("POST", "/logout"): None,
    ("GET", "/account"): C,
    ("POST", "/account/tokens"): C,
    ("POST", "/account/tokens/{token_id}/revoke"): C,
    ("GET", "/api/me"): None,
    ("GET", "/api/users"): A,
    ("POST", "/api/users"): A,
    ("POST", "/api/users/{name}/disable"): A,
    ("POST", "/api/users/{name}/enable"): A,
    ("GET", "/api/tokens"): C,
    ("POST", "/api/tokens"): C,
    ("DELETE", "/api/tokens/{token_id}"): C,
    # history and follow (part B)
    ("GET", "/api/history/{record_id}"): None,
    ("GET", "/entity/{entity_id}/history"): None,
    ("GET", "/event/{event_id}/history"): None,
    ("GET", "/api/changes"): None,
    ("GET", "/feeds/changes.atom"): None,
    ("GET", "/feeds/entity/{record_id}.atom"): None,
    ("GET", "/feeds/query/{name}.atom"): None,
    ("GET", "/api/webhooks"): A,
    ("POST", "/api/webhooks"): A,
    ("DELETE", "/api/webhooks/{webhook_id}"): A,
    ("POST", "/api/webhooks/{webhook_id}/enable"): A,
    ("GET", "/api/webhooks/{webhook_id}/deliveries"): A,
    # proposals and review (part C)
    ("GET", "/propose"): C,
    ("POST", "/propose"): C,
    ("GET", "/entity/{record_id}/suggest"): C,
    ("GET", "/event/{record_id}/suggest"): C,
    ("POST", "/api/proposals"): C,
    ("GET", "/api/proposals"): C,
    ("GET", "/api/proposals/{proposal_id}"): C,
    ("POST", "/api/proposals/{proposal_id}/accept"): E,
    ("POST", "/api/proposals/{proposal_id}/reject"): E,
    ("POST", "/api/records/{record_id}/retract"): E,
    ("GET", "/review"): E,
    ("GET", "/review/{proposal_id}"): C,  # contributors: their own proposals only
    ("POST", "/review/{proposal_id}/accept"): E,
    ("POST", "/review/{proposal_id}/reject"): E,
    ("POST", "/review/retract/{record_id}"): E,
}
SKIPPED = ("/static",)
SAFE = ("GET", "HEAD")
PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")
API_KEY = "matrix-bootstrap-key-0123456789abcdef"
PASSWORD = "matrix password long enough"
# Path values: real records for reads; for writes, ids nothing has, so no record changes.
READ_VALUES = {
    "entity_id": "agency:caisi",
    "record_id": "agency:caisi",
    "target_id": "program:caisi-frontier-review",
    "name": "parties-to",
    "format": "graphml",
    "proposal_id": "proposal:matrix-none",
    "webhook_id": "webhook:matrix-none",
}
WRITE_VALUES = {**READ_VALUES, "record_id": "org:matrix-no-such-record"}


@dataclass
class Principal:
    """Who asks: a role (None: anonymous), how, and whether the account is disabled."""

    label: str
    role: str | None
    headers: dict[str, str] = field(default_factory=dict)
    disabled: bool = False
    cookies: dict[str, str] = field(default_factory=dict)


def served_routes() -> list[tuple[str, str]]:
    """Every (method, path) the app serves, /static aside."""
    found = []
    for route in iter_route_contexts(create_app().routes):
        if route.path is None or route.path.startswith(SKIPPED):
            continue
        found.extend((m, route.path) for m in sorted(getattr(route, "methods", None) or ()))
    return [r for r in found if r[0] != "HEAD"]  # HEAD answers as GET (tests/test_head.py)


def test_every_route_is_in_the_matrix() -> None:
    served = served_routes()
    missing = [f"{m} {p}" for m, p in served if (m, p) not in MATRIX]
    assert not missing, "add it to the authorization matrix: " + ", ".join(missing)
    assert len(served) == len(set(served))


@pytest.fixture(scope="module")
def world(db: Database, settings: Settings) -> Iterator[tuple[TestClient, list[Principal]]]:
    """A small seeded graph, one account per role plus a disabled one, and their tokens."""
    from conftest import _state, wipe

    wipe(db)
    _state["curated"] = False
    ingest(db, load_dataset([PROJECT_ROOT / "data" / "caisi-review-2026.yaml"]))
    principals = [Principal("anonymous", None)]
    for name, role in (("dora", C), ("carl", C), ("edna", E), ("ada", A), ("victim", C)):
        accounts.add_user(db, name, role, PASSWORD)
        plain, _ = api_tokens.issue_token(db, name, label="matrix", days=1)
        if name != "victim":
            auth = {"Authorization": f"Bearer {plain}"}
            principals.append(Principal(name, role, auth, disabled=name == "dora"))
    accounts.disable_user(db, "dora")
    principals.append(Principal("api-key", A, {"Authorization": f"Bearer {API_KEY}"}))
    app = create_app(settings.model_copy(update={"api_key": SecretStr(API_KEY)}))
    with TestClient(app) as client:
        principals.append(signed_in(client, "edna"))
        yield client, principals
    wipe(db)


def signed_in(client: TestClient, name: str) -> Principal:
    """An editor signed in through the web form; unsafe requests send its CSRF header."""
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    data = {"name": name, "password": PASSWORD, "csrf_token": token.group(1)}
    signed = client.post("/login", data=data, follow_redirects=False)
    assert signed.status_code == 303
    csrf = client.get("/api/me").json()["csrf_token"]
    cookie = {"govgraph_session": client.cookies["govgraph_session"]}
    return Principal(f"{name} (web session)", E, {"X-CSRF-Token": csrf}, cookies=cookie)


def fill(method: str, path: str, extra: dict[str, str]) -> str:
    values = {**(READ_VALUES if method in SAFE else WRITE_VALUES), **extra}
    if path.startswith("/api/users/"):
        values["name"] = "victim"
    return PARAM.sub(lambda m: values.get(m.group(1), "x"), path)


def refused(status: int, headers: dict[str, str], body: str) -> bool:
    """True when the answer is an authorization refusal (not a 404, 422 or bad form token)."""
    if status == 401:
        return True
    if status == 303 and headers.get("location", "").startswith("/login"):
        return True
    return status == 403 and ROLE_REFUSED in body


def test_the_matrix_holds_for_every_principal(
    world: tuple[TestClient, list[Principal]], db: Database
) -> None:
    client, principals = world
    extra = {
        "event_id": event_id(client),
        "token_id": api_tokens.list_tokens(db, "victim")[0].id,
    }
    served = set(served_routes())
    problems: list[str] = []
    # Logging out ends the web session's account sessions: ask that last.
    for method, template in sorted(MATRIX, key=lambda r: (r[1] == "/logout", r[1], r[0])):
        if (method, template) not in served:
            continue  # a row for a route not served yet
        path = fill(method, template, extra)
        minimum = MATRIX[(method, template)]
        for who in principals:
            client.cookies.clear()
            client.cookies.update(who.cookies)
            answer = client.request(method, path, headers=who.headers, follow_redirects=False)
            problems.extend(judge(method, path, who, minimum, answer))
    assert not problems, "\n".join(problems)


def judge(method: str, path: str, who: Principal, minimum: str | None, answer: object) -> list[str]:
    """What is wrong with one answer, if anything."""
    status = answer.status_code  # type: ignore[attr-defined]
    headers = dict(answer.headers)  # type: ignore[attr-defined]
    body = answer.text  # type: ignore[attr-defined]
    where = f"{method} {path} as {who.label}: {status}"
    if status >= 500:
        return [f"{where} (a server error)"]
    allowed = minimum is None or (
        who.role is not None and not who.disabled and RANK[who.role] >= RANK[minimum]
    )
    if allowed:
        return (
            [f"{where} refused, but {minimum or 'anyone'} may"]
            if refused(status, headers, body)
            else []
        )
    page = not path.startswith("/api/")
    to_login = status == 303 and headers.get("location", "").startswith("/login")
    if who.role is None:
        ok = to_login if page else status == 401
    elif who.disabled:  # its token no longer counts: as anonymous, or 401 for the bad token
        ok = status == 401 or (page and to_login)
    else:
        ok = status == 403
    return [] if ok else [f"{where}, expected a refusal (needs {minimum})"]


def event_id(client: TestClient) -> str:
    events = client.get("/api/events", params={"limit": 1}).json()["data"]
    assert events, "the seeded file holds events"
    return str(events[0]["event_id"])
