"""Load a running govgraph API: p50/p99 latency and requests/s per endpoint at concurrency 16.

Run by hand against a server with the curated data (loopback only):
    govgraph serve &   # or make up
    python benchmarks/api_load.py --base http://127.0.0.1:8000 --requests 2000 [--wrk]

On a 2-core machine this Python client saturates a core before the server does; --wrk also
measures each endpoint with Debian's wrk (a C load generator), after a warm-up run.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import time
from urllib.parse import urlparse

import httpx

ENDPOINTS = {
    "parties-to": "/api/queries/parties-to?target=program:caisi-frontier-review",
    "timeline": "/api/queries/timeline?actor=org:anthropic",
    "paths": "/api/queries/paths?source=org:meta&target=org:openai",
    "entities?q=": "/api/entities?q=AI%20Safety%20Institute",
}


async def hammer(client: httpx.AsyncClient, path: str, total: int, concurrency: int) -> dict:  # type: ignore[type-arg]
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


def wrk(base: str, path: str, concurrency: int, seconds: int) -> dict:
    """p50, p99 and requests/s from one wrk run (after an untimed warm-up run)."""
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", base + path]
    subprocess.run([*cmd[:3], "-d2s", *cmd[4:]], capture_output=True, check=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "p50_ms": ms(" 50"),
        "p99_ms": ms(" 99"),
        "rps": rps,
        "errors": int(errors.group(1)) if errors else 0,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--wrk", action="store_true", help="also measure with wrk")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
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
            report(name, await hammer(client, path, args.requests, args.concurrency))
    if args.wrk:
        if not shutil.which("wrk"):
            raise SystemExit("wrk not found: apt-get install wrk")
        print(f"\nwith wrk, {args.concurrency} connections, {args.seconds} s per endpoint")
        for name, path in ENDPOINTS.items():
            report(name, wrk(args.base, path, args.concurrency, args.seconds))


def report(name: str, r: dict) -> None:  # type: ignore[type-arg]
    print(f"{name:<14}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['rps']:>9.0f}{r['errors']:>8}")


if __name__ == "__main__":
    asyncio.run(main())
