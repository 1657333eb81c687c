"""Live fetching from public sources: a polite HTTP client, and a pager that keeps every page."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType

import httpx

from govgraph import __version__
from govgraph.core.errors import FetchFailed, ValidationFailed
from govgraph.core.settings import Settings
from govgraph.ingest.cursor import Cursor, CursorStore, now

log = logging.getLogger(__name__)

MAX_WAIT = 60.0  # longest pause between two attempts, whatever Retry-After asks
MAX_PAGES = 1000
PAGE_NAME = "page-{:04d}.json"
ENTITY_ID = re.compile(r"^[QP][1-9][0-9]*$")  # a Wikidata item or property id
Progress = Callable[[int, int | None], None]


def user_agent(contact: str | None = None) -> str:
    """The User-Agent every request carries: the project, its version and how to reach its user."""
    about = "govgraph knowledge graph" + (f"; {contact}" if contact else "")
    return f"govgraph/{__version__} ({about})"


def is_json(body: bytes) -> bool:
    """True when BODY is a whole JSON document (a truncated page is not)."""
    try:
        json.loads(body)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return False
    return True


def retry_after(response: httpx.Response) -> float | None:
    """The seconds a Retry-After header asks for (a number or an HTTP date), None if absent."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """GETs with timeouts, retries (backoff and jitter), a per-host rate limit and a named agent."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 5,
        interval: float = 1.0,
        contact: str | None = None,
        backoff: float = 1.0,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.retries = retries
        self.interval = interval
        self.backoff = backoff
        self.max_wait = max_wait
        self.user_agent = user_agent(contact)
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            headers={
                "User-Agent": self.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
            },
        )
        self._last: dict[str, float] = {}  # host -> when its last request started
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Fetcher:
        """A fetcher with the GOVGRAPH_FETCH_* settings and the contact in its User-Agent."""
        return cls(
            timeout=settings.fetch_timeout,
            retries=settings.fetch_retries,
            interval=settings.fetch_interval,
            contact=settings.contact,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host's interval since its last request has passed."""
        parsed = httpx.URL(url)
        host = f"{parsed.host}:{parsed.port or ''}"
        with self._lock:
            last = self._last.get(host)
            if last is not None:
                gap = last + self.interval - time.monotonic()
                if gap > 0:
                    time.sleep(gap)
            self._last[host] = time.monotonic()

    def _pause(self, attempt: int, asked: float | None) -> float:
        """Seconds to wait before attempt+1: Retry-After when given, else backoff with jitter."""
        if asked is not None:
            return min(asked, self.max_wait)
        ceiling = min(self.backoff * 2**attempt, self.max_wait)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def get(self, url: str, *, want_json: bool = False) -> httpx.Response:
        """The answer to GET URL, redirects followed; FetchFailed once the retries are spent.

        429, 5xx, connection errors, timeouts and (with want_json) a body that is not whole
        JSON are retried; any other 4xx fails at once.
        """
        problem, status = "", None
        for attempt in range(self.retries + 1):
            self._wait_turn(url)
            asked: float | None = None
            try:
                response = self.client.get(url)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects) as exc:
                raise FetchFailed(
                    f"GET {url}: {exc}.", url=url, fix="give a working http:// or https:// URL."
                ) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                problem, status = f"{type(exc).__name__}: {exc}", None
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    problem, asked = (
                        f"HTTP {status} {response.reason_phrase}",
                        retry_after(response),
                    )
                elif status >= 400:
                    raise FetchFailed(
                        f"GET {url} answered HTTP {status} {response.reason_phrase}.",
                        url=url,
                        status=status,
                        fix="check the URL setting and the query: a client error is not retried.",
                    )
                elif want_json and not is_json(response.content):
                    problem = f"HTTP {status} with a body that is not whole JSON (truncated?)"
                else:
                    return response
            if attempt == self.retries:
                break
            pause = self._pause(attempt, asked)
            log.info("GET %s: %s; retry %d in %.1f s", url, problem, attempt + 1, pause)
            time.sleep(pause)
        raise FetchFailed(
            f"GET {url} failed after {self.retries + 1} attempt(s): {problem}.",
            url=url,
            status=status,
            fix="retry later, or raise GOVGRAPH_FETCH_RETRIES / GOVGRAPH_FETCH_TIMEOUT.",
        )


def keep(path: Path, body: bytes) -> None:
    """Write BODY to PATH whole or not at all (a crash leaves no half page behind)."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(body)
    os.replace(partial, path)


def _kept_pages(cache_dir: Path, count: int) -> list[tuple[str, bytes]] | None:
    """The first COUNT pages kept in CACHE_DIR, or None when one is missing or broken."""
    pages = []
    for n in range(1, count + 1):
        path = cache_dir / PAGE_NAME.format(n)
        body = path.read_bytes() if path.is_file() else b""
        if not is_json(body):
            return None
        pages.append((str(path), body))
    return pages


def _start(
    cursor: CursorStore | None, source: str, first_url: str, cache_dir: Path
) -> tuple[list[tuple[str, bytes]], str | None, Cursor]:
    """The pages to reuse, the next URL to get and the cursor: resumed when it can be."""
    previous = cursor.get(source) if cursor else None
    if previous and not previous.finished and previous.first_url == first_url:
        pages = _kept_pages(cache_dir, previous.pages)
        if pages is not None:
            log.info("%s: resuming after %d kept page(s)", source, len(pages))
            return pages, previous.next_url, previous
        log.warning("%s: kept pages in %s are missing: starting afresh", source, cache_dir)
    for old in cache_dir.glob("page-*.json"):
        old.unlink()
    started = now()
    fresh = Cursor(source, first_url, 0, started, started, False, first_url=first_url)
    if cursor:
        cursor.save(fresh)
    return [], first_url, fresh


def _page_results(body: bytes, url: str) -> dict[str, object]:
    page = json.loads(body)
    if not isinstance(page, dict) or not isinstance(page.get("results", []), list):
        raise FetchFailed(
            f"GET {url} answered JSON that is not a page of results.",
            url=url,
            fix="check the URL setting: it must name the API whose pages carry 'results'.",
        )
    return page


def fetch_pages(
    fetcher: Fetcher,
    first_url: str,
    *,
    source: str,
    cache_dir: Path,
    cursor: CursorStore | None = None,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
) -> list[tuple[str, bytes]]:
    """Every page from FIRST_URL on, following next_page_url, as (kept file, body).

    Each page is kept in CACHE_DIR as it arrives and the cursor records where the run stands;
    an unfinished cursor for the same first URL resumes where it stopped, reusing kept pages.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    pages, url, state = _start(cursor, source, first_url, cache_dir)
    if progress and pages:
        progress(len(pages), None)
    seen: set[str] = set()
    while url:
        if len(pages) >= max_pages or url in seen:
            why = f"more than {max_pages} pages" if url not in seen else "a page links to itself"
            raise FetchFailed(
                f"{source}: stopped at {url}: {why}. {len(pages)} page(s) kept in {cache_dir}.",
                url=url,
                fix="narrow the query (--since, search terms) or check the source's paging.",
            )
        seen.add(url)
        try:
            body = fetcher.get(url, want_json=True).content
        except FetchFailed as exc:
            raise FetchFailed(
                f"{exc.message} {len(pages)} page(s) kept in {cache_dir}; the import cursor for "
                f"'{source}' resumes at {url}.",
                url=exc.url,
                status=exc.status,
                fix=f"{exc.fix} Then run the same import again: it starts at page "
                f"{len(pages) + 1} and does not fetch the kept pages again.",
            ) from exc
        page = _page_results(body, url)
        path = cache_dir / PAGE_NAME.format(len(pages) + 1)
        keep(path, body)
        pages.append((str(path), body))
        next_url = page.get("next_page_url")
        url = next_url if isinstance(next_url, str) and next_url else None
        state = Cursor(source, url, len(pages), state.started, now(), False, first_url=first_url)
        if cursor:
            cursor.save(state)
        if progress:
            total = page.get("total_pages")
            progress(len(pages), total if isinstance(total, int) else None)
    if cursor:
        cursor.finish(source)
    return pages


def fetch_entities(
    fetcher: Fetcher, base_url: str, qids: Iterable[str], cache_dir: Path
) -> list[tuple[str, bytes]]:
    """(kept file, bytes) of each QID's Special:EntityData JSON, redirects followed."""
    wanted = list(dict.fromkeys(qids))
    bad = [q for q in wanted if not ENTITY_ID.match(q)]
    if bad:
        raise ValidationFailed(
            [f"'{q}' is not a Wikidata id. Fix: write it as Q followed by digits." for q in bad],
            what="Wikidata ids",
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    docs: list[tuple[str, bytes]] = []
    for qid in wanted:
        url = f"{base_url.rstrip('/')}/wiki/Special:EntityData/{qid}.json"
        try:
            body = fetcher.get(url, want_json=True).content
        except FetchFailed as exc:
            raise FetchFailed(
                f"{exc.message} {len(docs)} of {len(wanted)} entities kept in {cache_dir}.",
                url=exc.url,
                status=exc.status,
                fix=f"{exc.fix} The kept files can be imported as a folder meanwhile.",
            ) from exc
        path = cache_dir / f"{qid}.json"
        keep(path, body)
        docs.append((str(path), body))
    return docs
