"""Accounts at the edge: sign-in pages, the account page, /api/me, users and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from govgraph.api import auth
from govgraph.api.csrf import FormRefused
from govgraph.api.deps import AdminDep, ContributorDep, DbDep, SettingsDep, UserDep, db_for
from govgraph.api.models import ErrorPublic
from govgraph.api.openapi_queries import error_responses
from govgraph.api.throttle import LoginThrottle
from govgraph.api.web import PageRoute, render
from govgraph.core.errors import BadParameter, GovGraphError, TooManyAttempts, Unauthorized
from govgraph.graph import accounts, api_tokens
from govgraph.graph.accounts import Account, User
from govgraph.graph.api_tokens import TokenInfo

pages = APIRouter(route_class=PageRoute, include_in_schema=False)
api = APIRouter(prefix="/api", tags=["accounts"])
NO_STORE = {"Cache-Control": "no-store"}
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorPublic, "description": "No valid credentials (a token or a session)."},
    403: {"model": ErrorPublic, "description": "The role is too low, or a CSRF token is bad."},
    409: {"model": ErrorPublic, "description": "An account with that name exists already."},
}
LOGIN_REFUSED = "The sign-in form's security token is missing, expired or from another browser."


class KeyHoldsNoTokens(GovGraphError):
    """The GOVGRAPH_API_KEY bootstrap admin has no account, so it cannot hold API tokens."""

    http_status = 409


class UserPublic(BaseModel):
    """An account as shown to its owner and to administrators."""

    name: str
    role: str
    active: bool
    created: datetime | None = None


class UsersPublic(BaseModel):
    """Every account."""

    data: list[UserPublic]
    count: int


class MePublic(BaseModel):
    """Who is asking: the user (null for anonymous) and, for a web session, its CSRF token."""

    user: UserPublic | None
    csrf_token: str | None = None


class NewUser(BaseModel):
    """An account to create (admin)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="2-32 characters: a-z, 0-9, '.', '_' or '-', from a letter.")
    role: str = Field(description="contributor, editor or admin.")
    password: str = Field(
        description="At least 12 characters.", json_schema_extra={"writeOnly": True}
    )


class NewToken(BaseModel):
    """An API token to create for yourself."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(description="What the token is for (1-100 characters).")
    days: int | None = Field(default=None, description="Lifetime; GOVGRAPH_TOKEN_DAYS if unset.")


class TokenPublic(BaseModel):
    """An API token's public fields: never the token or its digest."""

    id: str
    user: str
    label: str
    created: datetime
    expires: datetime
    revoked: bool
    expired: bool


class TokensPublic(BaseModel):
    """Your API tokens, newest first."""

    data: list[TokenPublic]
    count: int


class TokenIssued(TokenPublic):
    """A new API token: `token` is shown this once and stored only as a digest."""

    token: str


def user_public(value: Account | User) -> UserPublic:
    """The public form of an account or principal."""
    created = value.created if isinstance(value, Account) else None
    return UserPublic(name=value.name, role=value.role, active=value.active, created=created)


def token_public(info: TokenInfo) -> dict[str, Any]:
    """The public fields of a token."""
    return {"id": info.id, "user": info.user, "label": info.label, "created": info.created,
            "expires": info.expires, "revoked": info.revoked, "expired": info.expired}  # fmt: skip


# ---------------------------------------------------------------------------------------- API


@api.get("/me", response_model=MePublic)
def me(request: Request, user: UserDep) -> MePublic:
    """Who you are signed in as (null when anonymous)."""
    token = getattr(request.state, "csrf_token", None)
    return MePublic(user=user_public(user) if user else None, csrf_token=token)


@api.get("/users", response_model=UsersPublic)
def users_list(db: DbDep, admin: AdminDep) -> UsersPublic:
    """Every account (admin)."""
    data = [user_public(a) for a in accounts.list_users(db)]
    return UsersPublic(data=data, count=len(data))


@api.post("/users", response_model=UserPublic, status_code=201)
def users_add(body: NewUser, db: DbDep, admin: AdminDep) -> UserPublic:
    """Create an account (admin)."""
    return user_public(accounts.add_user(db, body.name, body.role, body.password))


@api.post("/users/{name}/disable", response_model=UserPublic)
def users_disable(name: str, db: DbDep, admin: AdminDep) -> UserPublic:
    """Disable an account: its sessions end and its tokens stop working at once (admin)."""
    return user_public(accounts.disable_user(db, name))


@api.post("/users/{name}/enable", response_model=UserPublic)
def users_enable(name: str, db: DbDep, admin: AdminDep) -> UserPublic:
    """Enable a disabled account again (admin)."""
    return user_public(accounts.enable_user(db, name))


@api.get("/tokens", response_model=TokensPublic)
def tokens_list(db: DbDep, user: ContributorDep) -> TokensPublic:
    """Your API tokens (never the tokens themselves)."""
    data = [TokenPublic(**token_public(t)) for t in api_tokens.list_tokens(db, user.name)]
    return TokensPublic(data=data, count=len(data))


@api.post("/tokens", response_model=TokenIssued, status_code=201)
def tokens_add(
    body: NewToken, db: DbDep, settings: SettingsDep, user: ContributorDep, response: Response
) -> TokenIssued:
    """Create an API token for yourself; the answer holds it this once."""
    if user is auth.API_KEY_USER:
        raise KeyHoldsNoTokens(
            "The GOVGRAPH_API_KEY bootstrap key is not an account and cannot hold API tokens.",
            fix="create a real admin with `govgraph users add NAME --role admin`, then issue "
            "tokens for it (`govgraph users token NAME`, or POST /api/tokens signed in as it).",
        )
    days = settings.token_days if body.days is None else api_tokens.check_days(body.days)
    plain, info = api_tokens.issue_token(db, user.name, label=body.label, days=days)
    response.headers.update(NO_STORE)
    return TokenIssued(token=plain, **token_public(info))


@api.delete("/tokens/{token_id}", response_model=TokenPublic)
def tokens_revoke(token_id: str, db: DbDep, user: ContributorDep) -> TokenPublic:
    """Revoke one of your tokens (an admin: anyone's)."""
    return TokenPublic(**token_public(api_tokens.revoke_token(db, token_id, by=user)))


# -------------------------------------------------------------------------------------- pages


def login_page(
    request: Request, next_path: str, status: int = 200, message: str | None = None,
    fix: str | None = None, headers: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """The sign-in form (with its cookie-bound token), maybe with what went wrong."""
    scratch = Response()
    token = auth.form_token(request, scratch)  # sets the form's cookie when the browser lacks it
    response = render(request, "login.html", status, next_path=next_path, message=message,
                      fix=fix, csrf_token=token)  # fmt: skip
    for cookie in scratch.headers.getlist("set-cookie"):
        response.headers.append("set-cookie", cookie)
    for key, value in {**NO_STORE, **(headers or {})}.items():
        response.headers[key] = value
    return response


@pages.get("/login", response_class=HTMLResponse)
def login_get(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return login_page(request, auth.safe_next(next))


@pages.post("/login", response_class=HTMLResponse)
async def login_post(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Sign in: a session cookie and a 303 to `next` (a path on this site), or the form again."""
    target = auth.safe_next(next)
    try:
        request.app.state.csrf.check(request, csrf_token)
    except FormRefused:
        raise FormRefused(LOGIN_REFUSED, fix="reload /login and sign in again.") from None
    throttle: LoginThrottle = request.app.state.login_throttle
    key = throttle.key(request.client.host if request.client else None, name)
    try:
        throttle.check(key)
        user = await run_in_threadpool(accounts.verify_login, db_for(request.app), name, password)
    except TooManyAttempts as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return await run_in_threadpool(login_page, request, target, 429, exc.message, exc.fix,
                                       headers)  # fmt: skip
    except Unauthorized as exc:
        throttle.failed(key)
        return await run_in_threadpool(login_page, request, target, 401, exc.message, exc.fix)
    throttle.succeeded(key)
    epoch = await run_in_threadpool(accounts.session_epoch, db_for(request.app), user.name)
    response = RedirectResponse(target, status_code=303, headers=NO_STORE)
    auth.set_session_cookie(request, response, request.app.state.sessions.issue(user.name, epoch))
    return response


@pages.post("/logout")
def logout(request: Request, db: DbDep, user: UserDep) -> Response:
    """Sign out: every session of the account ends; back to the home page."""
    if user is not None and getattr(request.state, "session", None) is not None:
        accounts.end_sessions(db, user.name)
    response = RedirectResponse("/", status_code=303)
    auth.clear_session_cookie(request, response)
    return response


def account_page(
    request: Request, db: DbDep, user: User, new_token: tuple[str, TokenInfo] | None = None
) -> Response:
    """Your role and tokens; a token just made is shown once."""
    tokens = api_tokens.list_tokens(db, user.name)
    response = render(request, "account.html", user=user, tokens=tokens, new_token=new_token,
                      csrf_token=getattr(request.state, "csrf_token", None) or "")  # fmt: skip
    response.headers.update(NO_STORE)
    return response


@pages.get("/account", response_class=HTMLResponse)
def account_get(request: Request, db: DbDep, user: ContributorDep) -> Response:
    """Your account: role, API tokens (create, revoke)."""
    return account_page(request, db, user)


@pages.post("/account/tokens", response_class=HTMLResponse)
def account_token_add(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    user: ContributorDep,
    label: str = Form(""),
    days: str = Form(""),
) -> Response:
    """Create an API token from the account page; it is shown on the page this once."""
    try:
        lifetime = int(days) if days.strip() else settings.token_days
    except ValueError:
        raise BadParameter("days", "must be a whole number of days from 1 to 3650") from None
    issued = api_tokens.issue_token(db, user.name, label=label, days=lifetime)
    return account_page(request, db, user, new_token=issued)


@pages.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(token_id: str, db: DbDep, user: ContributorDep) -> Response:
    """Revoke one of your tokens from the account page."""
    api_tokens.revoke_token(db, token_id, by=user)
    return RedirectResponse("/account", status_code=303)


def install(app: FastAPI) -> None:
    """Accounts in an app: sessions and the login throttle, then the pages and the API."""
    auth.install(app)
    app.include_router(pages)
    app.include_router(api, responses={**error_responses(api), **AUTH_RESPONSES})
