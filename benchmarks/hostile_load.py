"""Hostile load on a running govgraph: memory after many distinct requests, latency under attack.

Run by hand against a served instance with the curated data (loopback only):
    govgraph serve --port 8000 &
    python benchmarks/hostile_load.py http://127.0.0.1:8000 [--pid PID]

1. The service's resident memory after 5,000 distinct named-query requests (5,000 cache keys;
   target: under 500 MB).
2. p50/p99 of a plain named query while 20 hostile user queries run without pause (CPU
   burners, huge rows, deep nesting; target p99: under 100 ms), plus the same for a named query
   that misses the cache and so needs Neo4j, which the burners keep busy.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import multiprocessing
import os
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

PLAIN = "/api/queries/parties-to?target=program:caisi-frontier-review"
MISS = "/api/queries/timeline?actor=org:meta&limit={}"  # a new limit each time: a cache miss
# One query a line, comments between (Python here holds no Cypher of its own).
HOSTILE = [
    line
    for line in Path(__file__).with_name("hostile.cypher").read_text().splitlines()
    if line.strip() and not line.startswith("//")
]


def server_pid(port: int) -> int:
    """The process of ours listening on the port, from /proc (Linux; or pass --pid)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:  # another user's process, or gone
            continue
    raise SystemExit(f"no process of ours listens on port {port}; pass --pid")


def rss(pid: int) -> int:
    """Resident memory of a process in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class RssSampler:
    """The peak resident memory of a process, sampled every 100 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> int:
        return rss(self.pid)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.now())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms"


async def distinct_requests(
    client: httpx.AsyncClient, total: int, concurrency: int
) -> dict[int, int]:
    """`total` named-query requests, each with parameters no other one used."""
    codes: collections.Counter[int] = collections.Counter()
    queue = iter(range(total))

    async def worker() -> None:
        for i in queue:
            path = f"/api/queries/timeline?limit={i % 1000 + 1}&offset={i // 1000}"
            codes[(await client.get(path)).status_code] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return dict(codes)


def attack(base: str, hostile: int, seconds: float, codes: dict[int, int]) -> None:
    """`hostile` attackers posting user Cypher without pause (run in a process of its own)."""

    async def run() -> None:
        limits = httpx.Limits(max_connections=hostile)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            end = time.monotonic() + seconds

            async def attacker(n: int) -> None:
                while time.monotonic() < end:
                    query = HOSTILE[n % len(HOSTILE)]
                    resp = await client.post("/api/cypher", json={"query": query, "params": {}})
                    codes[resp.status_code] = codes.get(resp.status_code, 0) + 1
                    if resp.status_code == 503:  # refused: try again nearly at once
                        await asyncio.sleep(0.05)

            await asyncio.gather(*(attacker(n) for n in range(hostile)))

    asyncio.run(run())


async def under_attack(
    client: httpx.AsyncClient, base: str, hostile: int, seconds: float
) -> tuple[list[float], list[float], dict[int, int]]:
    """Latencies of a plain and a cache-missing named query while `hostile` attackers run."""
    manager = multiprocessing.Manager()
    codes = manager.dict()
    attackers = multiprocessing.Process(target=attack, args=(base, hostile, seconds + 2, codes))
    attackers.start()
    await asyncio.sleep(2.0)  # let the attack take hold first
    plain: list[float] = []
    missed: list[float] = []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        for path, out in ((PLAIN, plain), (MISS.format(1000 + i), missed)):
            started = time.perf_counter()
            resp = await client.get(path)
            out.append(time.perf_counter() - started)
            assert resp.status_code == 200, resp.text[:200]
        await asyncio.sleep(0.02)
    attackers.join(timeout=120)
    return plain, missed, dict(codes)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--pid", type=int, help="the server's pid (found from the port if not)")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--hostile", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    url = urlparse(args.base)
    if not (url.hostname or "").startswith("127.") and url.hostname not in {"localhost", "::1"}:
        raise SystemExit("this benchmark only targets loopback addresses")
    pid = args.pid or server_pid(url.port or 80)
    limits = httpx.Limits(max_connections=args.hostile + 16)
    async with httpx.AsyncClient(base_url=args.base, limits=limits, timeout=60) as client:
        assert (await client.get(PLAIN)).status_code == 200, "load the curated data first"
        print(f"server pid {pid}")
        if args.requests:
            sampler = RssSampler(pid)
            before = sampler.now()
            started = time.perf_counter()
            codes = await distinct_requests(client, args.requests, concurrency=8)
            took = time.perf_counter() - started
            sampler.stop()
            print(
                f"{args.requests} distinct requests in {took:.1f} s, answers {codes}\n"
                f"  RSS before {before / 2**20:.0f} MB, after {sampler.now() / 2**20:.0f} MB, "
                f"peak {sampler.peak / 2**20:.0f} MB (target: under 500 MB)"
            )
        plain, missed, attack = await under_attack(client, args.base, args.hostile, args.seconds)
        print(f"{args.hostile} hostile user queries for {args.seconds:.0f} s, answers {attack}")
        print(f"  plain named query     ({len(plain):5} requests): {percentiles(plain)}")
        print(f"  named query, no cache ({len(missed):5} requests): {percentiles(missed)}")
        print("  (target: plain p99 under 100 ms)")
        print(f"  RSS after the attack {rss(pid) / 2**20:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
