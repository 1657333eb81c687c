"""Dependencies shared by the routers: settings, the answer cache, the database and its bulkhead."""

from __future__ import annotations

import threading
from typing import Annotated, cast

from fastapi import Depends, FastAPI, Request

from govgraph.api.auth import current_user, require_role
from govgraph.api.cache import RevisionCache
from govgraph.api.recorded import ViewHolder
from govgraph.core.errors import GovGraphError
from govgraph.core.settings import Settings
from govgraph.graph.accounts import User
from govgraph.graph.bulkhead import Bulkhead
from govgraph.graph.db import Database, connection_info, unavailable

_lock = threading.RLock()


async def get_settings(request: Request) -> Settings:
    """The app's settings object."""
    return request.app.state.settings


def get_db(request: Request) -> Database:
    """One driver per app, opened on first use (so the app starts even if Neo4j is late);
    with `?as_recorded=`, the request's view of the graph as it was recorded then."""
    db = db_for(request.app)
    holder: ViewHolder | None = getattr(request.state, "recorded", None)
    if holder is None:
        return db
    settings: Settings = request.app.state.settings
    # The view reads like a Database (rows, read); writes through it are refused.
    return cast(Database, holder.reader(db, settings.as_recorded_max_changes))


def bulkhead_for(app: FastAPI) -> Bulkhead:
    """The app's one bulkhead for user Cypher, shared by POST /api/cypher and the console."""
    state = app.state
    if getattr(state, "bulkhead", None) is None:
        with _lock:
            if getattr(state, "bulkhead", None) is None:
                settings: Settings = state.settings
                state.bulkhead = Bulkhead(settings.cypher_concurrency, settings.cypher_max_bytes)
    return state.bulkhead


def db_for(app: FastAPI) -> Database:
    """The app's driver, opened on first use and re-aimed when the local server has moved."""
    state = app.state
    db: Database | None = getattr(state, "db", None)
    if db is not None and db.failed_at is None:
        return db
    with _lock:
        db = getattr(state, "db", None)
        if db is None:
            state.db = Database.connect(state.settings, public=True, bulkhead=bulkhead_for(app))
        elif db.failed_at is not None:
            state.db = _recheck(db, state.settings)
    return state.db


def _recheck(db: Database, settings: Settings) -> Database:
    """After a connection failure: a restarted local server may listen on a new port or
    password, so look again; the driver itself reconnects when nothing moved."""
    try:
        info = connection_info(settings)
    except GovGraphError as exc:  # e.g. the local server is not running: say so at once
        raise unavailable(str(exc)) from None
    db.failed_at = None
    if info == db.info:
        return db
    fresh = Database(info, public=True, bolt_timeout=settings.bolt_timeout, bulkhead=db.bulkhead)
    db.close()
    return fresh


async def get_cache(request: Request) -> RevisionCache:
    """The app's answer cache."""
    return request.app.state.cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[RevisionCache, Depends(get_cache)]
DbDep = Annotated[Database, Depends(get_db)]

# Who is asking (govgraph.api.auth): None for anonymous readers; the role aliases answer 401
# without valid credentials (a page visit: 303 to /login) and 403 when the role is too low.
UserDep = Annotated[User | None, Depends(current_user)]
ContributorDep = Annotated[User, Depends(require_role("contributor"))]
EditorDep = Annotated[User, Depends(require_role("editor"))]
AdminDep = Annotated[User, Depends(require_role("admin"))]
