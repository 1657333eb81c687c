"""Where the CLI writes: one console for results, one for errors, and the error reporter."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from govgraph.core.errors import GovGraphError

F = TypeVar("F", bound=Callable[..., Any])

out = Console(emoji=False, soft_wrap=True)
err = Console(stderr=True, emoji=False, soft_wrap=True)


def reports_errors(fn: F) -> F:
    """Print govgraph errors as one clear message and exit non-zero."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GovGraphError as exc:
            err.print("[bold red]error:[/]", Text(exc.message))
            if exc.fix:
                err.print("[bold]fix:[/]", Text(exc.fix))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]
