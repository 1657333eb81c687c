"""Who is asking: bearer tokens, the API key, web sessions (govgraph.api.sessions) and roles.

An unsafe request authenticated by the session cookie must carry a form token signed over the
session's nonce (`csrf_token` field or `X-CSRF-Token` header); a request with
`Authorization: Bearer ...` needs none, since no other site can make a browser send it.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBearer
from neo4j.exceptions import DriverError, Neo4jError
from starlette.types import ASGIApp, Receive, Scope, Send

from govgraph.api.sessions import (
    SESSION_COOKIE,
    Session,
    Sessions,
    clear_session_cookie,
    cookie_secure,
    safe_next,
    set_session_cookie,
)
from govgraph.api.throttle import LoginThrottle
from govgraph.core.errors import Forbidden, GovGraphError, Unauthorized
from govgraph.core.settings import Settings
from govgraph.graph.accounts import ROLES, User, check_role, session_user
from govgraph.graph.api_tokens import user_for_token
from govgraph.graph.db import Database

LOGIN_CSRF_PATH = "/login"  # the sign-in form's own cookie-bound token (csrf.CsrfTokens)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_KEY_USER = User("api-key", "admin", True)
ROLE_REFUSED = "Your role does not allow this"
NO_CREDENTIALS = "This needs a signed-in account with the {role} role or higher."
BAD_TOKEN = "The API token is not valid: unknown, expired or revoked, or its account is disabled."
SESSION_ENDED = "Your session has ended (it expired, you logged out or the account changed)."
SIGN_IN_FIX = (
    "sign in at /login, or send 'Authorization: Bearer <token>' with a token from /account "
    "or `govgraph users token`."
)
BEARER = HTTPBearer(auto_error=False, description="An API token (`gg_...`) or GOVGRAPH_API_KEY.")


class LoginRedirect(Exception):
    """A page that needs a role was asked for anonymously: send the browser to /login."""

    def __init__(self, request: Request) -> None:
        super().__init__("sign in first")
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        safe = request.method in SAFE_METHODS and safe_next(target) == target
        self.location = "/login?" + urlencode({"next": target}) if safe else "/login"


def form_token(request: Request, response: Response | None = None) -> str:
    """The CSRF token a form on this page must post back as `csrf_token`.

    Signed in: bound to the session. Anonymous (the sign-in form): the console's cookie-bound
    token, whose cookie (for /login) is set on `response` when the browser has none yet.
    """
    session: Session | None = getattr(request.state, "session", None)
    if session is not None:
        return str(request.app.state.sessions.form_token(session))
    token, new_cookie = request.app.state.csrf.issue(request)
    if new_cookie and response is not None:
        secure = cookie_secure(request, request.app.state.settings)
        response.set_cookie("govgraph_csrf", new_cookie, path=LOGIN_CSRF_PATH, httponly=True,
                            samesite="strict", secure=secure)  # fmt: skip
    return str(token)


def _db(app: FastAPI) -> Database:
    from govgraph.api.deps import db_for  # deps imports this module for its dependencies

    return db_for(app)


def _remember(state: Any, user: User | None, session: Session | None, sessions: Sessions) -> None:
    state.user = user
    state.session = session if user else None
    state.csrf_token = sessions.form_token(session) if user and session else None


class SessionLayer:
    """ASGI middleware: when a session cookie comes, look up its user once, so every page
    (the navigation bar included) knows who is signed in. A database hiccup leaves the
    lookup to the route's own dependency, which answers 503 if it still fails."""

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            value = Request(scope).cookies.get(SESSION_COOKIE)
            if value:
                await self._resolve(scope, value)
        await self.app(scope, receive, send)

    async def _resolve(self, scope: Scope, value: str) -> None:
        state = scope.setdefault("state", {})
        sessions: Sessions = self.owner.state.sessions
        session = sessions.read(value)
        state["session_cookie"] = True
        if session is None:
            return
        try:
            user = await run_in_threadpool(
                session_user, _db(self.owner), session.name, session.epoch
            )
        except (GovGraphError, Neo4jError, DriverError):
            state["session_pending"] = session
            return
        state["user"] = user
        state["session"] = session if user else None
        state["csrf_token"] = sessions.form_token(session) if user else None


def bearer_user(app: FastAPI, header: str) -> User | None:
    """The user an Authorization header names (the API key is the built-in admin)."""
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > 512:
        return None
    settings: Settings = app.state.settings
    key = settings.api_key.get_secret_value() if settings.api_key else ""
    if key and hmac.compare_digest(value.encode("utf-8", "replace"), key.encode("utf-8")):
        return API_KEY_USER
    return user_for_token(_db(app), value)


async def _posted_form_token(request: Request) -> str | None:
    """The CSRF token of an unsafe request: the header, else the form field."""
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            value = (await request.form()).get("csrf_token")
        except Exception:  # a malformed body: then it carries no usable token either
            return None
        return value if isinstance(value, str) else None
    return None


async def current_user(request: Request) -> User | None:
    """The signed-in user or token holder, or None (anonymous, or credentials that fail)."""
    state = request.state
    if getattr(state, "auth_done", False):
        return getattr(state, "principal", None)
    header = request.headers.get("authorization")
    user: User | None
    if header is not None:
        user = await run_in_threadpool(bearer_user, request.app, header)
        state.auth_problem = None if user else BAD_TOKEN
    else:
        user = getattr(state, "user", None)
        pending: Session | None = getattr(state, "session_pending", None)
        if user is None and pending is not None:  # the middleware could not ask: ask now
            user = await run_in_threadpool(
                session_user, _db(request.app), pending.name, pending.epoch
            )
            _remember(state, user, pending, request.app.state.sessions)
        if user is None and getattr(state, "session_cookie", False):
            state.auth_problem = SESSION_ENDED
        session: Session | None = getattr(state, "session", None)
        if user is not None and session is not None and request.method not in SAFE_METHODS:
            request.app.state.sessions.check_form_token(session, await _posted_form_token(request))
    state.auth_done = True
    state.principal = user
    return user


def is_page(request: Request) -> bool:
    """True for the HTML pages (everything outside /api/ and the OpenAPI document)."""
    path = request.url.path
    return not path.startswith("/api/") and path != "/openapi.json"


def require_role(role: str) -> Callable[..., Awaitable[User]]:
    """A dependency admitting users with `role` or higher: 401 (or, for an anonymous page
    visit, a 303 to /login) without credentials, 403 when the role is too low."""
    check_role(role)

    async def dependency(
        request: Request, _bearer: Any = Depends(BEARER)
    ) -> User:  # _bearer: only so /openapi.json declares the bearer scheme
        user = await current_user(request)
        if user is None:
            if is_page(request) and "authorization" not in request.headers:
                raise LoginRedirect(request)
            problem = getattr(request.state, "auth_problem", None)
            raise Unauthorized(problem or NO_CREDENTIALS.format(role=role), fix=SIGN_IN_FIX)
        if not user.can(role):
            raise Forbidden(
                f"{ROLE_REFUSED}: it needs the {role} role; '{user.name}' is a {user.role}.",
                fix="ask an administrator for that role, or sign in with another account.",
            )
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


def install(app: FastAPI) -> None:
    """Give the app its sessions, login throttle, session middleware and login redirects."""
    settings: Settings = app.state.settings
    secret: str | bytes
    if settings.secret_key:
        secret = settings.secret_key.get_secret_value()
    else:  # the per-process key the console's tokens use: sessions end when it restarts
        secret = app.state.csrf.serializer.secret_keys[-1]
    app.state.sessions = Sessions(secret, settings.session_hours)
    app.state.login_throttle = LoginThrottle(settings.login_attempts, settings.login_window)
    app.add_middleware(SessionLayer, owner=app)

    async def to_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRedirect)
        return RedirectResponse(exc.location, status_code=303)

    app.add_exception_handler(LoginRedirect, to_login)


__all__ = [
    "ROLES",
    "ROLE_REFUSED",
    "clear_session_cookie",
    "current_user",
    "form_token",
    "install",
    "require_role",
    "safe_next",
    "set_session_cookie",
]
