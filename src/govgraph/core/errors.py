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
    """A write was attempted without a valid API key."""

    http_status = 401
