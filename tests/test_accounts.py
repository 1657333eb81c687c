"""Accounts in the graph: argon2id passwords, login checks, sessions, API tokens, the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from govgraph.cli import app as cli_app
from govgraph.core.errors import BadParameter, NotFound, Unauthorized
from govgraph.graph import accounts, api_tokens
from govgraph.graph.accounts import LOGIN_FAILED, User, UserExists
from govgraph.graph.db import Database

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(clean_db: Database) -> Iterator[Database]:
    """An empty graph with an editor (alice), a contributor (carl) and an admin (ada)."""
    accounts.add_user(clean_db, "alice", "editor", PASSWORD)
    accounts.add_user(clean_db, "carl", "contributor", PASSWORD + " carl")
    accounts.add_user(clean_db, "ada", "admin", PASSWORD + " ada")
    yield clean_db


def every_value(db: Database) -> list[str]:
    """Every property value of every node and relationship, as text."""
    rows = db.rows(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p"
    )
    return [str(v) for row in rows for v in row["p"].values()]


def test_passwords_are_argon2id_and_appear_nowhere_in_the_graph(people: Database) -> None:
    rows = people.rows("MATCH (u:User) RETURN u.name AS name, u.password_hash AS h")
    assert {r["name"] for r in rows} == {"alice", "carl", "ada"}
    assert all(r["h"].startswith("$argon2id$") for r in rows)
    values = every_value(people)
    assert not [v for v in values if PASSWORD in v], "a password is stored in clear"


def test_roles_rank_and_a_disabled_user_can_nothing() -> None:
    editor = User("alice", "editor", True)
    assert editor.can("contributor") and editor.can("editor") and not editor.can("admin")
    assert User("ada", "admin", True).can("editor")
    assert not User("dora", "editor", False).can("contributor")


def test_login_checks_name_and_password_with_one_generic_message(people: Database) -> None:
    assert accounts.verify_login(people, "alice", PASSWORD) == User("alice", "editor", True)
    messages = set()
    for name, password in [("alice", "wrong password!!"), ("nobody", PASSWORD), ("", ""),
                           ("x" * 10_000, PASSWORD), ("alice", "\ud800" * 20)]:  # fmt: skip
        with pytest.raises(Unauthorized) as caught:
            accounts.verify_login(people, name, password)
        messages.add(caught.value.message)
        assert PASSWORD not in str(caught.value)
    assert messages == {LOGIN_FAILED}


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(people: Database) -> None:
    epoch = accounts.session_epoch(people, "carl")
    assert accounts.session_user(people, "carl", epoch) == User("carl", "contributor", True)
    accounts.disable_user(people, "carl")
    assert accounts.session_user(people, "carl", epoch) is None
    with pytest.raises(Unauthorized, match="disabled"):
        accounts.verify_login(people, "carl", PASSWORD + " carl")
    accounts.enable_user(people, "carl")
    assert accounts.verify_login(people, "carl", PASSWORD + " carl").active
    assert accounts.session_user(people, "carl", epoch) is None, "an old session stays ended"


def test_a_new_password_works_and_ends_sessions(people: Database) -> None:
    epoch = accounts.session_epoch(people, "alice")
    accounts.set_password(people, "alice", "a brand new passphrase")
    assert accounts.session_user(people, "alice", epoch) is None
    assert accounts.verify_login(people, "alice", "a brand new passphrase").name == "alice"
    with pytest.raises(Unauthorized):
        accounts.verify_login(people, "alice", PASSWORD)


def test_a_weak_old_hash_is_upgraded_at_login(people: Database) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    people.write(lambda tx: tx.run("MATCH (u:User {name: 'alice'}) SET u.password_hash = $h",
                                   h=weak).consume())  # fmt: skip
    epoch = accounts.session_epoch(people, "alice")
    accounts.verify_login(people, "alice", PASSWORD)
    stored = people.rows("MATCH (u:User {name: 'alice'}) RETURN u.password_hash AS h")[0]["h"]
    assert stored != weak and stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)
    assert accounts.session_epoch(people, "alice") == epoch, "a rehash ends no session"


@pytest.mark.parametrize(
    ("name", "role", "password", "field"),
    [
        ("", "editor", PASSWORD, "name"),
        ("Alice", "editor", PASSWORD, "name"),
        ("a" * 10_000, "editor", PASSWORD, "name"),
        ("al\nice", "editor", PASSWORD, "name"),
        ("al\ud800", "editor", PASSWORD, "name"),
        ("zed", "owner", PASSWORD, "role"),
        ("zed", "editor", "tiny-pw", "password"),
        ("zed", "editor", "p" * 2000, "password"),
        ("zed", "editor", "with a tab\tinside it", "password"),
        ("zed", "editor", "surrogate \ud800 in it", "password"),
    ],
)
def test_bad_accounts_are_refused_naming_the_field(
    people: Database, name: str, role: str, password: str, field: str
) -> None:
    with pytest.raises(BadParameter) as caught:
        accounts.add_user(people, name, role, password)
    assert caught.value.param == field
    assert password not in caught.value.message or field != "password"
    assert len(caught.value.message) < 300
    assert {a.name for a in accounts.list_users(people)} == {"ada", "alice", "carl"}


def test_a_taken_name_is_a_conflict(people: Database) -> None:
    with pytest.raises(UserExists) as caught:
        accounts.add_user(people, "alice", "admin", "another long password")
    assert caught.value.http_status == 409
    assert accounts.get_account(people, "alice").role == "editor"
    with pytest.raises(NotFound):
        accounts.disable_user(people, "nobody")


def test_tokens_are_random_stored_as_digests_and_expire(people: Database) -> None:
    plain, info = api_tokens.issue_token(people, "carl", label="newsletter", days=30)
    assert plain.startswith("gg_") and len(plain) == 46 and info.id.startswith("token:")
    assert api_tokens.user_for_token(people, plain) == User("carl", "contributor", True)
    assert not [v for v in every_value(people) if plain in v], "a token is stored in clear"
    assert api_tokens.digest(plain) in every_value(people)
    assert api_tokens.user_for_token(people, plain[:-1] + "x") is None
    assert api_tokens.user_for_token(people, "") is None
    expire = "MATCH (t:ApiToken {id: $id}) SET t.expires = datetime() - duration('PT1S')"
    people.write(lambda tx: tx.run(expire, id=info.id).consume())
    assert api_tokens.user_for_token(people, plain) is None
    assert api_tokens.list_tokens(people, "carl")[0].expired


def test_revoked_tokens_and_disabled_accounts_stop_at_once(people: Database) -> None:
    plain, info = api_tokens.issue_token(people, "carl", label="bot", days=5)
    other, _ = api_tokens.issue_token(people, "carl", label="other", days=5)
    with pytest.raises(NotFound):  # alice is an editor, not carl: she learns nothing
        api_tokens.revoke_token(people, info.id, by=User("alice", "editor", True))
    assert api_tokens.user_for_token(people, plain) is not None
    revoked = api_tokens.revoke_token(people, info.id, by=User("carl", "contributor", True))
    assert revoked.revoked and api_tokens.user_for_token(people, plain) is None
    assert api_tokens.revoke_token(people, info.id, by=User("ada", "admin", True)).revoked
    accounts.disable_user(people, "carl")
    assert api_tokens.user_for_token(people, other) is None
    with pytest.raises(BadParameter):
        api_tokens.issue_token(people, "carl", label="", days=5)
    with pytest.raises(BadParameter):
        api_tokens.issue_token(people, "carl", label="x", days=0)
    with pytest.raises(NotFound):
        api_tokens.issue_token(people, "nobody", label="x", days=1)


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli_app, list(args), input=stdin)


def test_the_cli_adds_lists_disables_and_issues_tokens(clean_db: Database) -> None:
    added = run("users", "add", "edna", "--role", "editor", "--password-stdin",
                stdin="a long enough secret\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "a long enough secret" not in added.output
    listed = run("users", "list")
    assert "edna" in listed.output and "editor" in listed.output
    token = run("users", "token", "edna", "--label", "ci", "--days", "2")
    assert token.exit_code == 0, token.output
    plain = next(w for w in token.output.split() if w.startswith("gg_"))
    assert api_tokens.user_for_token(clean_db, plain) == User("edna", "editor", True)
    token_id = api_tokens.list_tokens(clean_db, "edna")[0].id
    assert run("users", "revoke", token_id).exit_code == 0
    assert api_tokens.user_for_token(clean_db, plain) is None
    assert run("users", "disable", "edna").exit_code == 0
    assert not accounts.get_account(clean_db, "edna").active
    assert run("users", "enable", "edna").exit_code == 0
    assert (
        run("users", "passwd", "edna", "--password-stdin", stdin="another long secret\n").exit_code
        == 0
    )
    assert accounts.verify_login(clean_db, "edna", "another long secret").name == "edna"
    refused = run("users", "add", "x", "--role", "editor", "--password-stdin", stdin="p\n")
    assert refused.exit_code == 1 and "name" in refused.output
    short = run("users", "add", "xena", "--role", "editor", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "password" in short.output and "12" in short.output
