"""Web sessions: the signed session cookie, the form tokens bound to it, safe redirects.

A session cookie is signed with itsdangerous over {name, session epoch, nonce}; the account's
epoch changes when it is disabled, its password changes or it logs out, which ends every such
cookie at once. Forms of a session post a token signed over its nonce.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from govgraph.api.csrf import FormRefused
from govgraph.core.settings import Settings

SESSION_COOKIE = "govgraph_session"
FORM_FIX = "reload the page and submit the form again; nothing was done."
MAX_NEXT = 2000
UNSAFE_NEXT = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True)
class Session:
    """What a session cookie holds."""

    name: str
    epoch: int
    nonce: str


class Sessions:
    """Signs and reads session cookies and the form tokens bound to them, with one secret."""

    def __init__(self, secret: str | bytes, hours: float) -> None:
        self.cookies = URLSafeTimedSerializer(secret, salt="govgraph.session")
        self.forms = URLSafeTimedSerializer(secret, salt="govgraph.session-form")
        self.max_age = int(hours * 3600)

    def issue(self, name: str, epoch: int) -> str:
        """A new session cookie's value (a fresh nonce each sign-in)."""
        return str(self.cookies.dumps({"u": name, "e": epoch, "n": secrets.token_urlsafe(16)}))

    def read(self, value: str) -> Session | None:
        """The session a cookie holds, or None when it is forged, malformed or too old."""
        if not value or len(value) > 4096:
            return None
        try:
            data = self.cookies.loads(value, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(data, dict):
            return None
        name, epoch, nonce = data.get("u"), data.get("e"), data.get("n")
        if not isinstance(name, str) or not isinstance(epoch, int) or not isinstance(nonce, str):
            return None
        return Session(name, epoch, nonce)

    def form_token(self, session: Session) -> str:
        """The CSRF token for forms of this session."""
        return str(self.forms.dumps(session.nonce))

    def check_form_token(self, session: Session, token: str | None) -> None:
        """Nothing when the token belongs to this session; FormRefused otherwise."""
        if not token:
            raise FormRefused("The request has no CSRF token (csrf_token or X-CSRF-Token).",
                              fix=FORM_FIX)  # fmt: skip
        try:
            nonce = self.forms.loads(token[:512], max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            raise FormRefused("The request's CSRF token is not valid.", fix=FORM_FIX) from None
        if not isinstance(nonce, str) or not hmac.compare_digest(nonce, session.nonce):
            raise FormRefused("The request's CSRF token belongs to another session.", fix=FORM_FIX)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site, else '/' (never //host or a URL)."""
    if not value or len(value) > MAX_NEXT or not value.startswith("/"):
        return "/"
    if value.startswith("//") or UNSAFE_NEXT.search(value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Secure cookies over HTTPS, or always when GOVGRAPH_COOKIE_SECURE says so."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    """Hand the browser its session: HttpOnly, SameSite=Lax, Secure over HTTPS, whole site."""
    sessions: Sessions = request.app.state.sessions
    response.set_cookie(SESSION_COOKIE, value, max_age=sessions.max_age, path="/",
                        httponly=True, samesite="lax",
                        secure=cookie_secure(request, request.app.state.settings))  # fmt: skip


def clear_session_cookie(request: Request, response: Response) -> None:
    """Tell the browser to forget its session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=cookie_secure(request, request.app.state.settings))  # fmt: skip
