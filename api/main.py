"""The FastAPI app: routers, error shape, CORS, security headers and the console's tokens."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from neo4j.exceptions import Neo4jError

from govgraph import __version__
from govgraph.api import errors
from govgraph.api.bodylimit import BodyLimit
from govgraph.api.cache import RevisionCache
from govgraph.api.csrf import CsrfTokens
from govgraph.api.delivery import Worker
from govgraph.api.deps import db_for
from govgraph.api.head import HeadAsGet
from govgraph.api.openapi_queries import error_responses, operation_id
from govgraph.api.openapi_queries import router as typed_queries
from govgraph.api.recorded import AsRecorded
from govgraph.api.routers import account as account_router
from govgraph.api.routers import audit as audit_router
from govgraph.api.routers import console, cypher, docs, entities, events, graphs, health, pages
from govgraph.api.routers import coverage as coverage_router
from govgraph.api.routers import event_pages as event_router
from govgraph.api.routers import explore as explore_router
from govgraph.api.routers import exports as exports_router
from govgraph.api.routers import feeds as feeds_router
from govgraph.api.routers import history as history_router
from govgraph.api.routers import proposals as proposals_router
from govgraph.api.routers import queries as queries_router
from govgraph.api.routers import review as review_router
from govgraph.api.routers import search as search_router
from govgraph.api.routers import webhooks as webhooks_router
from govgraph.api.security import HardenedApp
from govgraph.api.web import static_files
from govgraph.core.errors import GovGraphError
from govgraph.core.settings import Settings, get_settings

log = logging.getLogger("govgraph.api")


async def keep_revision_fresh(app: FastAPI) -> None:
    """Re-read the graph revision in the background, so requests never wait for that check."""
    cache: RevisionCache = app.state.cache
    while cache.enabled:
        try:
            await run_in_threadpool(lambda: cache.refresh(db_for(app)))
        except GovGraphError as exc:  # the database is away: requests will say so themselves
            log.warning("revision check failed: %s", exc.message)
        except Neo4jError as exc:  # e.g. a wrong NEO4J_DATABASE; keep the task alive
            log.warning("revision check failed: %s", exc)
        await asyncio.sleep(cache.check_seconds / 2)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app around one settings object."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(keep_revision_fresh(app))
        worker = Worker(app)  # webhook deliveries, resumed from the graph after a restart
        worker.start()
        yield
        await worker.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if getattr(app.state, "db", None) is not None:
            app.state.db.close()
            app.state.db = None

    # HardenedApp: security headers and the Host allowlist around every response; the docs
    # pages are our own (docs router), with their assets served from /static.
    app = HardenedApp(title="govgraph", version=__version__, lifespan=lifespan,
                      docs_url=None, redoc_url=None, generate_unique_id_function=operation_id,
                      description="Who agreed to what, when, and according to whom: a sourced "
                      "knowledge graph of AI-governance actors and events.")  # fmt: skip
    app.state.settings = settings or get_settings()
    secret = app.state.settings.secret_key
    # Without GOVGRAPH_SECRET_KEY the console's tokens are signed with a key made per process.
    app.state.csrf = CsrfTokens(
        secret.get_secret_value() if secret else secrets.token_urlsafe(32),
        app.state.settings.csrf_seconds,
    )
    app.state.db = None
    app.state.cache = RevisionCache.of(app.state.settings)
    if app.state.settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=app.state.settings.cors_origins,
                           allow_methods=["GET", "POST"], allow_headers=["*"])  # fmt: skip
    app.add_middleware(HeadAsGet)  # HEAD wherever GET is
    app.add_middleware(AsRecorded)  # ?as_recorded= reads the graph as it was recorded then
    app.add_middleware(BodyLimit, max_bytes=app.state.settings.max_body_bytes)
    errors.install(app)
    # Each named query's own typed operation, before the generic /api/queries/{name}.
    named = typed_queries()
    app.include_router(named, responses=error_responses(named))
    for module in (queries_router, entities, events, cypher, pages, console, graphs, docs, health):
        app.include_router(module.router, responses=error_responses(module.router))
    app.include_router(audit_router.router, responses=error_responses(audit_router.router))
    app.include_router(exports_router.router, responses=error_responses(exports_router.router))
    app.include_router(event_router.router)
    for api_router in (search_router.router, coverage_router.router):
        app.include_router(api_router, responses=error_responses(api_router))
    app.include_router(coverage_router.page_router)
    app.include_router(explore_router.pages)
    for follow in (history_router.router, feeds_router.router, webhooks_router.router):
        app.include_router(follow, responses=error_responses(follow))
    app.include_router(history_router.pages)
    app.include_router(explore_router.api, responses=error_responses(explore_router.api))
    app.include_router(proposals_router.router, responses=error_responses(proposals_router.router))
    app.include_router(review_router.router)  # proposal forms, the review queue and decisions
    account_router.install(app)  # sign-in pages, /api/me, users, tokens, sessions
    app.mount("/static", static_files(), name="static")
    return app


app = create_app()
