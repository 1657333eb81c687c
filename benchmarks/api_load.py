"""Load a running govgraph API: p50/p99 latency and requests/s per endpoint at concurrency 16.

Run by hand against a server with the curated data (loopback only):
    govgraph serve &   # or make up
    python benchmarks/api_load.py --base http://127.0.0.1:8000 --requests 2000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from urllib.parse import urlparse

import httpx

ENDPOINTS = {
    "parties-to": "/api/queries/parties-to?target=program:caisi-frontier-review",
    "timeline": "/api/queries/timeline?actor=org:anthropic",
    "paths": "/api/queries/paths?source=org:meta&target=org:openai",
    "entities?q=": "/api/entities?q=AI%20Safety%20Institute",
}


async def hammer(client: httpx.AsyncClient, path: str, total: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def worker() -> None:
        nonlocal errors
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            resp = await client.get(path)
            latencies.append(time.perf_counter() - t0)
            errors += resp.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "rps": total / wall,
        "errors": errors,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    host = urlparse(args.base).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise SystemExit("this benchmark only targets loopback addresses")
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=args.base, limits=limits, timeout=30) as client:
        for path in ENDPOINTS.values():  # warm up driver pools and query plans
            for _ in range(20):
                await client.get(path)
        print(f"{'endpoint':<14}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}")
        for name, path in ENDPOINTS.items():
            r = await hammer(client, path, args.requests, args.concurrency)
            print(
                f"{name:<14}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['rps']:>9.0f}{r['errors']:>8}"
            )


if __name__ == "__main__":
    asyncio.run(main())
