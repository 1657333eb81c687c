"""`govgraph users`: newsroom accounts and their API tokens (passwords never as arguments)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.text import Text

from govgraph.cli.output import err, out, reports_errors
from govgraph.core.errors import BadParameter
from govgraph.core.settings import get_settings

T = TypeVar("T")


def _with_db(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    from govgraph.graph.db import Database

    with Database.connect(get_settings()) as db:
        return fn(db, *args, **kwargs)


def _password(stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt."""
    if stdin:
        line = sys.stdin.readline()
        if not line:
            raise BadParameter("password", "standard input was empty; pipe one line into it")
        return line.rstrip("\r\n")
    return str(typer.prompt("Password (12+ characters)", hide_input=True,
                            confirmation_prompt=True))  # fmt: skip


@reports_errors
def add_cmd(
    name: str = typer.Argument(..., help="Account name: a-z, 0-9, '.', '_' or '-'."),
    role: str = typer.Option(..., "--role", help="contributor, editor or admin."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create an account; the password comes from a hidden prompt or standard input."""
    from govgraph.graph.accounts import add_user, check_name, check_role

    check_name(name)
    check_role(role)
    account = _with_db(add_user, name, role, _password(password_stdin))
    out.print(Text(f"added {account.name} ({account.role})"))


@reports_errors
def list_cmd() -> None:
    """List the accounts: name, role, enabled or not."""
    from govgraph.graph.accounts import list_users

    for a in _with_db(list_users):
        created = a.created.strftime("%Y-%m-%d") if a.created else ""
        state = "enabled" if a.active else "disabled"
        out.print(Text(f"{a.name}\t{a.role}\t{state}\t{created}"))


@reports_errors
def disable_cmd(name: str = typer.Argument(..., help="The account to disable.")) -> None:
    """Disable an account: its sessions end and its tokens stop working at once."""
    from govgraph.graph.accounts import disable_user

    out.print(Text(f"disabled {_with_db(disable_user, name).name}"))


@reports_errors
def enable_cmd(name: str = typer.Argument(..., help="The account to enable.")) -> None:
    """Enable a disabled account again."""
    from govgraph.graph.accounts import enable_user

    out.print(Text(f"enabled {_with_db(enable_user, name).name}"))


@reports_errors
def passwd_cmd(
    name: str = typer.Argument(..., help="The account whose password to set."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Set an account's password; its live sessions end."""
    from govgraph.graph.accounts import check_name, set_password

    check_name(name)
    _with_db(set_password, name, _password(password_stdin))
    out.print(Text(f"password set for {name}"))


@reports_errors
def token_cmd(
    name: str = typer.Argument(..., help="The account the token acts as."),
    label: str = typer.Option(..., "--label", help="What the token is for."),
    days: int = typer.Option(None, "--days", help="Lifetime in days (GOVGRAPH_TOKEN_DAYS)."),
) -> None:
    """Create an API token and print it once (only its digest is stored)."""
    from govgraph.graph.api_tokens import issue_token

    lifetime = days if days is not None else get_settings().token_days
    plain, info = _with_db(issue_token, name, label=label, days=lifetime)
    err.print(Text(f"{info.id} for {info.user}, expires {info.expires:%Y-%m-%d}; shown once:"))
    print(plain)


@reports_errors
def revoke_cmd(token_id: str = typer.Argument(..., help="The token's id (token:...).")) -> None:
    """Revoke an API token for good."""
    from govgraph.graph.api_tokens import revoke_token

    info = _with_db(revoke_token, token_id)
    out.print(Text(f"revoked {info.id} ({info.user}, {info.label})"))
