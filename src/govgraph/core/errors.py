"""The one error hierarchy; edges (CLI, HTTP) turn these into messages and status codes."""

from __future__ import annotations


class GovGraphError(Exception):
    """Root of every error govgraph raises on purpose."""

    http_status = 500

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} Fix: {self.fix}" if self.fix else self.message


class ConfigError(GovGraphError):
    """The environment or settings cannot work (no Java, no Maven, bad value)."""


class ServerError(GovGraphError):
    """The local Neo4j server could not be provisioned, started or stopped."""


class PortBusyError(ServerError):
    """The requested Bolt port is taken by another process."""


class ConnectionFailed(GovGraphError):
    """The Neo4j server cannot be reached or refused the credentials."""

    http_status = 503


class AuthFailed(ConnectionFailed):
    """The Neo4j server rejected the user name or password."""


class ValidationFailed(GovGraphError):
    """Input did not validate; carries every problem found."""

    http_status = 422

    def __init__(self, problems: list[str], *, what: str = "input") -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in {what}:\n" + "\n".join(f"  - {p}" for p in problems)
        )


class NotFound(GovGraphError):
    """A named thing (query, entity, event) does not exist."""

    http_status = 404


class Ambiguous(GovGraphError):
    """A name or alias fits several records; `candidates` lists them (id, kind, name)."""

    http_status = 422

    def __init__(
        self, message: str, *, candidates: list[dict[str, str]], fix: str | None = None
    ) -> None:
        super().__init__(message, fix=fix)
        self.candidates = candidates


class BadParameter(GovGraphError):
    """A request parameter is missing, malformed or out of range."""

    http_status = 422

    def __init__(self, name: str, message: str) -> None:
        self.param = name
        super().__init__(f"parameter '{name}': {message}")


class QueryRejected(GovGraphError):
    """A user Cypher query is not a pure read or uses something not allowed."""

    http_status = 400


class QueryTimeout(GovGraphError):
    """A query ran past its time limit and was cut off."""

    http_status = 408


class Unavailable(GovGraphError):
    """A transient database failure; the client may retry."""

    http_status = 503


class Unauthorized(GovGraphError):
    """A request needs a signed-in user or a valid API token and came without one."""

    http_status = 401


class Forbidden(GovGraphError):
    """A signed-in user whose role does not allow this action."""

    http_status = 403


class TooManyAttempts(GovGraphError):
    """Too many failed logins from one client for one account; wait before trying again."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int, fix: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.retry_after = retry_after


class Conflict(GovGraphError):
    """A change was made against a revision of a record that is no longer the current one."""

    http_status = 409

    def __init__(
        self, message: str, *, record_id: str, current_revision: int, fix: str | None = None
    ) -> None:
        super().__init__(message, fix=fix)
        self.record_id = record_id
        self.current_revision = current_revision


class BackupFailed(ServerError):
    """A backup or restore of the local server was refused or could not be made."""


class Overloaded(Unavailable):
    """Every slot for user Cypher is taken; the client should retry shortly."""


class DatabaseUnavailable(Unavailable):
    """Neo4j is down, restarting or unreachable, said without internal addresses."""

    MESSAGE = "Neo4j is busy/unavailable, retry shortly."

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.MESSAGE, fix="retry in a few seconds.")
        self.detail = detail  # for the server's log, never for an HTTP client


class ResultTooLarge(QueryRejected):
    """One row of a user query's answer is bigger than the whole response budget."""


class ResultTooDeep(QueryRejected):
    """A value of an answer nests lists and maps deeper than govgraph converts."""


class FetchFailed(GovGraphError):
    """A public source did not answer usably after every retry; what was fetched is kept."""

    http_status = 502

    def __init__(
        self, message: str, *, url: str, status: int | None = None, fix: str | None = None
    ) -> None:
        super().__init__(message, fix=fix)
        self.url = url
        self.status = status
