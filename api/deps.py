"""Dependencies shared by the routers."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from govgraph.api.cache import RevisionCache
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

_lock = threading.Lock()


async def get_settings(request: Request) -> Settings:
    """The app's settings object."""
    return request.app.state.settings


def get_db(request: Request) -> Database:
    """One driver per app, opened on first use (so the app starts even if Neo4j is late)."""
    return db_for(request.app)


def db_for(app: FastAPI) -> Database:
    """The app's driver, opened on first use."""
    state = app.state
    if getattr(state, "db", None) is None:
        with _lock:
            if getattr(state, "db", None) is None:
                state.db = Database.connect(state.settings)
    return state.db


async def get_cache(request: Request) -> RevisionCache:
    """The app's answer cache."""
    return request.app.state.cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[RevisionCache, Depends(get_cache)]
DbDep = Annotated[Database, Depends(get_db)]
