"""API tokens for integrations: random, shown once, stored as a SHA-256 digest, revocable.

A token is 256 random bits, so a fast digest suffices to store it (passwords, which people
choose, get argon2id instead); the digest is indexed, so a lookup is one read.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, NotFound
from govgraph.graph.accounts import CONTROL, SURROGATE, User, check_name, user_id
from govgraph.graph.db import Database

PREFIX = "gg_"
TOKEN_SHAPE = re.compile(r"gg_[A-Za-z0-9_-]{43}")
TOKEN_ID = re.compile(r"token:[0-9a-f]{12}")
MAX_LABEL = 100
MAX_DAYS = 3650


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token: never the token or its digest."""

    id: str
    user: str
    label: str
    created: datetime
    expires: datetime
    revoked: bool

    @property
    def expired(self) -> bool:
        """True once the expiry has passed."""
        return self.expires <= datetime.now(UTC)


def digest(plain: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _info(row: dict[str, Any]) -> TokenInfo:
    return TokenInfo(
        id=row["id"],
        user=row["user"],
        label=row["label"],
        created=_native(row["created"]),
        expires=_native(row["expires"]),
        revoked=bool(row["revoked"]),
    )


def check_label(label: object) -> str:
    """A token's label: 1-100 characters of plain text; BadParameter otherwise."""
    if not isinstance(label, str) or not label.strip():
        raise BadParameter("label", "is empty; say what the token is for, such as 'newsletter'")
    if len(label) > MAX_LABEL:
        raise BadParameter("label", f"is longer than {MAX_LABEL} characters; shorten it")
    if CONTROL.search(label) or SURROGATE.search(label):
        raise BadParameter("label", "holds control or invalid characters; type plain text")
    return label.strip()


def check_days(days: object) -> int:
    """A token's lifetime in days: 1 to 3650."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise BadParameter("days", f"must be a whole number of days from 1 to {MAX_DAYS}")
    return days


def issue_token(db: Database, name: str, *, label: str, days: int) -> tuple[str, TokenInfo]:
    """A new token for an account: (the plain token, shown once; what is stored about it)."""
    check_name(name)
    params = {
        "user_id": user_id(name),
        "id": f"token:{secrets.token_hex(6)}",
        "label": check_label(label),
        "expires": datetime.now(UTC) + timedelta(days=check_days(days)),
    }
    plain = PREFIX + secrets.token_urlsafe(32)
    params["digest"] = digest(plain)

    def work(tx: Any) -> dict[str, Any] | None:
        record = tx.run(text("account-token-create"), **params).single()
        return record.data() if record else None

    row = db.write(work)
    if row is None:
        raise NotFound(f"No account named '{name}'.", fix="list them with `govgraph users list`.")
    return plain, _info(row)


def user_for_token(db: Database, plain: str) -> User | None:
    """The enabled user a live token belongs to; None when unknown, expired, revoked or the
    account is disabled."""
    if not TOKEN_SHAPE.fullmatch(plain):
        return None
    rows = db.rows(text("account-token-lookup"), {"digest": digest(plain)})
    if not rows:
        return None
    row = rows[0]
    if row["revoked"] or not row["active"] or _native(row["expires"]) <= datetime.now(UTC):
        return None
    return User(row["name"], row["role"], True)


def list_tokens(db: Database, name: str) -> list[TokenInfo]:
    """An account's tokens, newest first (revoked and expired ones too, marked)."""
    return [_info(r) for r in db.rows(text("account-token-list"), {"name": check_name(name)})]


def get_token(db: Database, token_id: str) -> TokenInfo:
    """One token's public fields; NotFound when there is none."""
    if not TOKEN_ID.fullmatch(token_id):
        raise BadParameter("token_id", "is not a token id such as token:0123456789ab")
    rows = db.rows(text("account-token-get"), {"id": token_id})
    if not rows:
        raise NotFound(f"No token '{token_id}'.", fix="list your tokens at /account.")
    return _info(rows[0])


def revoke_token(db: Database, token_id: str, *, by: User | None = None) -> TokenInfo:
    """Revoke a token for good; `by` (when given) must own it or be an admin, else NotFound
    (so nobody learns which ids other users' tokens have). Revoking twice is harmless."""
    info = get_token(db, token_id)
    if by is not None and info.user != by.name and not by.can("admin"):
        raise NotFound(f"No token '{token_id}' of yours.", fix="list your tokens at /account.")

    def work(tx: Any) -> dict[str, Any]:
        return dict(tx.run(text("account-token-revoke"), id=token_id).single().data())

    return _info(db.write(work))
