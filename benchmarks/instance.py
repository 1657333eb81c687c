"""A benchmark's own Neo4j: never the main one; started when needed, stopped if we started it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from govgraph.core.settings import Settings, get_settings
from govgraph.graph import server


@contextmanager
def own_instance(allow_wipe: bool, suggest: str) -> Iterator[Settings | None]:
    """The settings of a bench instance that is running; None (after saying why) when refused."""
    settings = get_settings()
    if (settings.external or settings.instance == "main") and not allow_wipe:
        print(
            f"refusing to write to {'NEO4J_URI' if settings.external else 'the main instance'}; "
            f"set GOVGRAPH_INSTANCE={suggest} (or another), or pass --allow-wipe",
            file=sys.stderr,
        )
        yield None
        return
    started = False
    if not settings.external:
        info = server.start(settings)
        started = not info.already_running
        print(
            f"Neo4j {info.version} instance '{settings.instance}' at {info.uri} "
            f"({'started here' if started else 'already running'}; heap {settings.heap_size}, "
            f"page cache {settings.pagecache_size})"
        )
    try:
        yield settings
    finally:
        if started:
            server.stop(settings)
            print(f"stopped instance '{settings.instance}'")
