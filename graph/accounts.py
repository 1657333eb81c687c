"""Newsroom accounts stored in the graph: users, roles, argon2id passwords and web sessions.

API tokens live in govgraph.graph.api_tokens; both share the checks and the `User` here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, GovGraphError, NotFound, Unauthorized
from govgraph.graph.db import Database

ROLES = ("contributor", "editor", "admin")
RANK = {role: rank for rank, role in enumerate(ROLES, start=1)}
NAME_RULE = re.compile(r"[a-z][a-z0-9._-]{1,31}")
NAME_HELP = "2-32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter"
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 takes any length; a cap keeps one request from costing much
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SURROGATE = re.compile("[\ud800-\udfff]")
LOGIN_FAILED = "Wrong account name or password, or the account is disabled."
LOGIN_FIX = "check both and try again; an administrator can reset a password or enable you."
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class UserExists(GovGraphError):
    """An account with that name exists already."""

    http_status = 409


@dataclass(frozen=True)
class User:
    """A signed-in principal: its name, role and whether the account is enabled."""

    name: str
    role: str
    active: bool

    def can(self, role: str) -> bool:
        """True when this user's role is `role` or a higher one."""
        return self.active and RANK.get(self.role, 0) >= RANK[role]


@dataclass(frozen=True)
class Account:
    """A user as listed for administrators (no password hash)."""

    name: str
    role: str
    active: bool
    created: datetime | None

    @property
    def user(self) -> User:
        """The account as a principal."""
        return User(self.name, self.role, self.active)


def user_id(name: str) -> str:
    """The User node's id for an account name."""
    return f"user:{name}"


def shown(value: str, limit: int = 40) -> str:
    """A user-typed value, cut short and with control characters escaped, for messages."""
    cut = value[:limit] + ("…" if len(value) > limit else "")
    return SURROGATE.sub("?", repr(cut))


def check_name(name: object, field: str = "name") -> str:
    """The account name when it follows the rule; BadParameter naming the field otherwise."""
    if not isinstance(name, str) or not NAME_RULE.fullmatch(name):
        got = shown(name) if isinstance(name, str) else type(name).__name__
        raise BadParameter(field, f"{got} is not an account name; use {NAME_HELP}")
    return name


def check_role(role: object) -> str:
    """The role when it is one of ROLES; BadParameter otherwise."""
    if role not in ROLES:
        got = shown(role) if isinstance(role, str) else type(role).__name__
        raise BadParameter("role", f"{got} is not a role; use one of {', '.join(ROLES)}")
    return str(role)


def check_password(password: object) -> str:
    """The password when it is long enough and plain text; BadParameter (never echoing it)."""
    if not isinstance(password, str):
        raise BadParameter("password", "must be text")
    if len(password) < MIN_PASSWORD:
        raise BadParameter("password", f"is shorter than {MIN_PASSWORD} characters; use more")
    if len(password) > MAX_PASSWORD:
        raise BadParameter("password", f"is longer than {MAX_PASSWORD} characters; use fewer")
    if CONTROL.search(password) or SURROGATE.search(password):
        raise BadParameter("password", "holds control or invalid characters; type plain text")
    return password


def hash_password(password: str) -> str:
    """An argon2id hash of a checked password."""
    return _hasher.hash(check_password(password))


@cache
def _decoy_hash() -> str:
    """A hash to verify against when the name is unknown, so that costs as much as a miss."""
    return _hasher.hash("decoy password, never a real one")


def _account(row: dict[str, Any]) -> Account:
    created: Any = row.get("created")
    if hasattr(created, "to_native"):
        created = created.to_native()
    return Account(row["name"], row["role"], bool(row["active"]), created)


def _row(db: Database, name: str) -> dict[str, Any] | None:
    rows = db.rows(text("account-get"), {"id": user_id(name)})
    return rows[0] if rows else None


def add_user(db: Database, name: str, role: str, password: str) -> Account:
    """Create an enabled account; UserExists when the name is taken."""
    check_name(name)
    check_role(role)
    digest = hash_password(password)
    params = {"id": user_id(name), "name": name, "role": role, "hash": digest}
    created = db.write(lambda tx: tx.run(text("account-create"), **params).single()["created"])
    if not created:
        raise UserExists(
            f"An account named '{name}' exists already.",
            fix="choose another name, or change that account (users enable/disable/passwd).",
        )
    return get_account(db, name)


def get_account(db: Database, name: str) -> Account:
    """One account; NotFound naming it when there is none."""
    row = _row(db, check_name(name))
    if row is None:
        raise NotFound(f"No account named '{name}'.", fix="list them with `govgraph users list`.")
    return _account(row)


def list_users(db: Database) -> list[Account]:
    """Every account, by name."""
    return [_account(r) for r in db.rows(text("account-list"))]


def set_active(db: Database, name: str, active: bool) -> Account:
    """Enable or disable an account; either way its live web sessions end at once."""
    check_name(name)

    def work(tx: Any) -> dict[str, Any] | None:
        record = tx.run(text("account-set-active"), id=user_id(name), active=active).single()
        return record.data() if record else None

    row = db.write(work)
    if row is None:
        raise NotFound(f"No account named '{name}'.", fix="list them with `govgraph users list`.")
    return _account(row)


def disable_user(db: Database, name: str) -> Account:
    """Disable an account: its sessions end and its tokens stop working at once."""
    return set_active(db, name, False)


def enable_user(db: Database, name: str) -> Account:
    """Enable a disabled account again (it signs in afresh)."""
    return set_active(db, name, True)


def set_password(db: Database, name: str, password: str) -> None:
    """Store a new password for an account and end its live sessions."""
    check_name(name)
    _store_hash(db, name, hash_password(password), bump=1)


def _store_hash(db: Database, name: str, digest: str, *, bump: int) -> None:
    params = {"id": user_id(name), "hash": digest, "bump": bump}
    found = db.write(lambda tx: tx.run(text("account-set-password"), **params).single())
    if found is None:
        raise NotFound(f"No account named '{name}'.", fix="list them with `govgraph users list`.")


def verify_login(db: Database, name: str, password: str) -> User:
    """The user when name and password match an enabled account; one generic Unauthorized
    otherwise, after about the same work whether the name exists or not."""
    row = _row(db, name) if isinstance(name, str) and NAME_RULE.fullmatch(name) else None
    stored = str(row["hash"]) if row and row.get("hash") else _decoy_hash()
    try:
        ok = _hasher.verify(stored, password) and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
        ok = False
    if not ok or row is None or not row["active"]:
        raise Unauthorized(LOGIN_FAILED, fix=LOGIN_FIX)
    if _hasher.check_needs_rehash(stored):  # parameters got stronger since it was stored
        _store_hash(db, name, _hasher.hash(password), bump=0)
    return User(row["name"], row["role"], True)


def session_user(db: Database, name: str, epoch: int) -> User | None:
    """The enabled user a web session names, if its epoch is still current; else None."""
    if not NAME_RULE.fullmatch(name):
        return None
    row = _row(db, name)
    if row is None or not row["active"] or row.get("epoch") != epoch:
        return None
    return User(row["name"], row["role"], True)


def session_epoch(db: Database, name: str) -> int:
    """The account's current session epoch (a login's cookie carries it)."""
    row = _row(db, check_name(name))
    return int(row["epoch"]) if row and row.get("epoch") is not None else 0


def end_sessions(db: Database, name: str) -> None:
    """End every live web session of an account (logging out ends them all)."""
    check_name(name)
    db.write(lambda tx: tx.run(text("account-end-sessions"), id=user_id(name)).consume())
