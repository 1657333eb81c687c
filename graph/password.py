"""The local server's generated password: made, kept in a 0600 file, set without a command line."""

from __future__ import annotations

import os
import re
import secrets
import string
import tempfile
from pathlib import Path

from govgraph.core.errors import ServerError
from govgraph.graph.install import ServerPaths, admin_output, run_admin

# What a password may hold: URL-safe base64, so picocli's argument file takes it verbatim.
SAFE = re.compile(r"[A-Za-z0-9_-]{8,200}")


def new_password() -> str:
    """A random password whose first character is a letter, never an option's '-'."""
    return secrets.choice(string.ascii_letters) + secrets.token_urlsafe(24)


def read_password(paths: ServerPaths) -> str:
    """The generated password of the local server (never printed by govgraph itself)."""
    try:
        return paths.password_file.read_text().strip()
    except OSError as exc:
        raise ServerError(
            f"No password file at {paths.password_file}.",
            fix="run `govgraph db start` (it creates one), or `govgraph db reset`.",
        ) from exc


def _write_private(path: Path, content: str) -> None:
    """Write CONTENT to a file only the owner can read (0600 from creation on)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)
    os.chmod(path, 0o600)


def _kept_or_new(paths: ServerPaths) -> str:
    """The password already in the instance's file when it is usable, else a new one saved there."""
    if paths.password_file.exists():
        kept = read_password(paths)
        if SAFE.fullmatch(kept):
            return kept
    password = new_password()
    _write_private(paths.password_file, password + "\n")
    return password


def initial_password_args(argfile: Path) -> list[str]:
    """neo4j-admin's arguments: the password comes from picocli's @file, not the command line."""
    return ["dbms", "set-initial-password", f"@{argfile}"]


def ensure_password(paths: ServerPaths, java: str) -> None:
    """Set the initial password before the very first start (no-op once it is set)."""
    if (paths.data / "dbms" / "auth.ini").exists() and paths.password_file.exists():
        return
    paths.instance.mkdir(parents=True, exist_ok=True)
    password = _kept_or_new(paths)
    # picocli expands "@file" into the file's arguments; "--" ends the options, so a password
    # that starts with '-' is still the positional <password>. mkstemp makes the file 0600.
    fd, name = tempfile.mkstemp(prefix=".initial-password-", dir=paths.instance)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(f"--\n{password}\n")
        result = run_admin(java, paths, initial_password_args(Path(name)), timeout=300)
    finally:
        Path(name).unlink(missing_ok=True)
    if result.returncode != 0:
        paths.password_file.unlink(missing_ok=True)
        raise ServerError(
            "Could not set the initial Neo4j password: " + admin_output(result),
            fix="run `govgraph db reset` and start again.",
        )
