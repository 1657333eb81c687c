"""CSRF tokens for the console's form: itsdangerous-signed, time-limited, tied to a cookie.

GET /cypher gives the browser a random cookie (SameSite=Strict, HttpOnly) and puts a token in
the form that signs that cookie's value with the app's secret and a timestamp. POST /cypher runs
only when the token's signature holds, it is younger than GOVGRAPH_CSRF_SECONDS and it signs the
cookie the same browser sent back. Another site can neither read the token nor send the cookie.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from govgraph.core.errors import GovGraphError

COOKIE = "govgraph_csrf"
SALT = "govgraph.console-form"
COOKIE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
RELOAD = "reload the console (GET /cypher) and press Run again; nothing was run."


class FormRefused(GovGraphError):
    """A console form arrived without a valid, fresh token for this browser."""

    http_status = 403


class CsrfTokens:
    """Issues and checks the console form's tokens with one secret."""

    def __init__(self, secret: str, max_age: int) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.max_age = max_age

    def issue(self, request: Request) -> tuple[str, str | None]:
        """The form token for this browser, and a new cookie value when it has none yet."""
        cookie = request.cookies.get(COOKIE, "")
        new = None
        if not COOKIE_SHAPE.match(cookie):
            cookie = new = secrets.token_urlsafe(32)
        return str(self.serializer.dumps(cookie)), new

    def check(self, request: Request, token: str) -> None:
        """Nothing when the token is valid for this browser's cookie; FormRefused otherwise."""
        cookie = request.cookies.get(COOKIE, "")
        if not token or not COOKIE_SHAPE.match(cookie):
            raise FormRefused("The form has no security token, or the browser sent no cookie.",
                              fix=f"allow cookies for this site, then {RELOAD}")  # fmt: skip
        try:
            signed = self.serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise FormRefused("The form's security token has expired.", fix=RELOAD) from None
        except BadSignature:
            raise FormRefused("The form's security token is not valid.", fix=RELOAD) from None
        if not isinstance(signed, str) or not hmac.compare_digest(signed, cookie):
            raise FormRefused("The form's security token belongs to another browser.", fix=RELOAD)


def set_cookie(response: Response, value: str, secure: bool) -> None:
    """Hand the browser its console cookie: sent back to /cypher only, never to other sites."""
    response.set_cookie(
        COOKIE, value, path="/cypher", httponly=True, samesite="strict", secure=secure
    )
