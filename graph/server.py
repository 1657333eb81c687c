"""Start, stop and inspect the local Neo4j Community server govgraph runs itself."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from govgraph.core.errors import ConfigError, PortBusyError, ServerError
from govgraph.core.settings import Settings
from govgraph.graph.install import (
    NEO4J_VERSION,
    ServerPaths,
    java_major,
    provision,
)
from govgraph.graph.password import ensure_password, read_password

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"

JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


@dataclass
class ServerInfo:
    """What `db status` reports about the local server."""

    running: bool
    uri: str | None
    pid: int | None
    version: str
    port: int | None
    already_running: bool = False
    seconds: float | None = None

    def to_dict(self) -> dict[str, object]:
        """The fields as a plain dict."""
        return asdict(self)


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def choose_port(settings: Settings) -> int:
    """The configured Bolt port, a free one for 0, or PortBusyError."""
    if settings.bolt_port == 0:
        return free_port()
    if not port_is_free(settings.bolt_port):
        raise PortBusyError(
            f"Port {settings.bolt_port} on 127.0.0.1 is already in use by another process.",
            fix="stop that process, set GOVGRAPH_BOLT_PORT to another port, "
            "or GOVGRAPH_BOLT_PORT=0 for any free port.",
        )
    return settings.bolt_port


def render_conf(settings: Settings, paths: ServerPaths, port: int) -> str:
    """The neo4j.conf for one instance: loopback only, imports off, limits on."""
    lines = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "server.memory.heap.initial_size": settings.heap_size,
        "server.memory.heap.max_size": settings.heap_size,
        "server.memory.pagecache.size": settings.pagecache_size,
        "server.directories.data": str(paths.data),
        "server.directories.logs": str(paths.logs),
        "server.directories.plugins": str(paths.instance / "plugins"),
        "server.directories.import": str(paths.instance / "import"),
        "server.directories.run": str(paths.instance / "run"),
        "server.directories.lib": str(paths.lib),
        "dbms.security.auth_enabled": "true",
        "dbms.security.allow_csv_import_from_file_urls": "false",
        "internal.dbms.cypher_ip_blocklist": "0.0.0.0/0,::/0",
        "dbms.security.procedures.unrestricted": "",
        "dbms.usage_report.enabled": "false",
        "db.transaction.timeout": settings.tx_timeout,
        "db.memory.transaction.max": settings.tx_memory_max,
        "db.logs.query.enabled": "OFF",
        # Keep-alive probes let the driver drop, in about 10 s rather than 120 s, a connection
        # whose server thread never answers (a reply that overflowed the server's stack).
        "server.bolt.connection_keep_alive": "5s",
        "server.bolt.connection_keep_alive_probes": "2",
        "server.bolt.connection_keep_alive_streaming_scheduling_interval": "5s",
    }
    return "".join(f"{k}={v}\n" for k, v in lines.items())


def _read_state(paths: ServerPaths) -> dict[str, object] | None:
    """The contents of server.json, or None when missing or unreadable."""
    try:
        data = json.loads(paths.state_file.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _pid_alive(pid: int, paths: ServerPaths) -> bool:
    """True when pid is a live Neo4j started for this instance."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return ENTRY_POINT in cmdline and str(paths.instance) in cmdline


def running_pid(settings: Settings) -> tuple[int, int] | None:
    """(pid, port) of this instance's live server, if any."""
    paths = ServerPaths.of(settings)
    state = _read_state(paths)
    if not state:
        return None
    pid, port = state.get("pid"), state.get("port")
    if isinstance(pid, int) and isinstance(port, int) and _pid_alive(pid, paths):
        return pid, port
    return None


def log_tail(paths: ServerPaths, lines: int = 20) -> str:
    """The last lines of the server's own log and console output."""
    out: list[str] = []
    for path in (paths.logs / "neo4j.log", paths.console_log):
        if path.exists():
            out.extend(path.read_text(errors="replace").splitlines()[-lines:])
    return "\n".join(out[-lines:])


def _bolt_ready(port: int, password: str) -> bool:
    """True once the server accepts a Bolt login; ServerError if it rejects the password."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            pass
    except OSError:
        return False
    try:
        with GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("neo4j", password)) as drv:
            drv.verify_connectivity()
    except ServiceUnavailable:
        return False
    except AuthError as exc:
        raise ServerError(
            "The local server rejected govgraph's generated password.",
            fix="run `govgraph db reset` to recreate its data and password.",
        ) from exc
    return True


def _refuse_external(settings: Settings) -> None:
    """Raise ConfigError when NEO4J_URI names a server govgraph must not start."""
    if settings.external:
        raise ConfigError(
            f"NEO4J_URI is set ({settings.neo4j_uri}); govgraph uses that server and starts none.",
            fix="unset NEO4J_URI to run the local server.",
        )


def _already_running(settings: Settings) -> ServerInfo | None:
    """The ServerInfo of this instance's live server, or None when none runs."""
    live = running_pid(settings)
    if not live:
        return None
    pid, port = live
    return ServerInfo(True, f"bolt://127.0.0.1:{port}", pid, NEO4J_VERSION, port, True)


def _checked_java(settings: Settings) -> str:
    """The Java executable to run, after checking that it is new enough."""
    java = shutil.which(settings.java) or settings.java
    java_major(settings.java)
    return java


def _make_dirs(paths: ServerPaths) -> None:
    """Create the instance's conf, data, logs, plugins, import and run folders."""
    for sub in (
        paths.conf,
        paths.data,
        paths.logs,
        paths.instance / "plugins",
        paths.instance / "import",
        paths.instance / "run",
    ):
        sub.mkdir(parents=True, exist_ok=True)


def _write_conf(settings: Settings, paths: ServerPaths, port: int) -> None:
    """Write the instance's neo4j.conf for the chosen port."""
    (paths.conf / "neo4j.conf").write_text(render_conf(settings, paths, port))


def _launch(settings: Settings, paths: ServerPaths, java: str) -> subprocess.Popen[bytes]:
    """Start the server JVM in its own session, its output appended to console.log."""
    cmd = [
        java,
        f"-Xms{settings.heap_size}",
        f"-Xmx{settings.heap_size}",
        *JVM_FLAGS,
        "-cp",
        f"{paths.lib}/*",
        ENTRY_POINT,
        f"--home-dir={paths.instance}",
        f"--config-dir={paths.conf}",
    ]
    with open(paths.console_log, "ab") as console:
        return subprocess.Popen(
            cmd,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=paths.instance,
        )


def _record_pid(paths: ServerPaths, pid: int, port: int) -> None:
    """Write server.json, so later commands find the running server."""
    state = {"pid": pid, "port": port, "version": NEO4J_VERSION, "started_at": time.time()}
    paths.state_file.write_text(json.dumps(state))


def _wait_for_bolt(
    settings: Settings, paths: ServerPaths, proc: subprocess.Popen[bytes], port: int, started: float
) -> float:
    """Wait until Bolt answers; return the seconds since STARTED, or stop it and raise."""
    password = read_password(paths)
    deadline = started + settings.start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            paths.state_file.unlink(missing_ok=True)
            raise ServerError(
                f"Neo4j exited during start (exit code {proc.returncode}). "
                f"Last lines of its log:\n{log_tail(paths)}",
                fix=f"read {paths.logs}/neo4j.log; check GOVGRAPH_* settings, then start again.",
            )
        if _bolt_ready(port, password):
            return time.monotonic() - started
        time.sleep(0.25)
    _terminate(proc.pid, paths)
    raise ServerError(
        f"Neo4j did not answer on Bolt within {settings.start_timeout:.0f} s. "
        f"Last lines of its log:\n{log_tail(paths)}",
        fix="raise GOVGRAPH_START_TIMEOUT or read the log named above.",
    )


def start(settings: Settings) -> ServerInfo:
    """Start the local server in the background and wait until Bolt answers."""
    _refuse_external(settings)
    paths = ServerPaths.of(settings)
    running = _already_running(settings)
    if running:
        return running
    java = _checked_java(settings)
    provision(settings)
    port = choose_port(settings)
    _make_dirs(paths)
    _write_conf(settings, paths, port)
    ensure_password(paths, java)
    started = time.monotonic()
    proc = _launch(settings, paths, java)
    _record_pid(paths, proc.pid, port)
    seconds = _wait_for_bolt(settings, paths, proc, port, started)
    return ServerInfo(
        True, f"bolt://127.0.0.1:{port}", proc.pid, NEO4J_VERSION, port, seconds=seconds
    )


def _terminate(pid: int, paths: ServerPaths, timeout: float = 60.0) -> None:
    """SIGTERM the server's process group, SIGKILL after TIMEOUT; forget its state file."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid, paths):
            break
        _reap(pid)
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)
    paths.state_file.unlink(missing_ok=True)


def _reap(pid: int) -> None:
    """Collect the exit status when this process started the server (no zombie)."""
    with contextlib.suppress(ChildProcessError):  # not our child: nothing to collect
        os.waitpid(pid, os.WNOHANG)


def prepare_offline(settings: Settings) -> tuple[str, ServerPaths]:
    """(java, paths) for neo4j-admin on this instance: provisioned, folders and conf in place."""
    _refuse_external(settings)
    java = _checked_java(settings)
    provision(settings)
    paths = ServerPaths.of(settings)
    _make_dirs(paths)
    if not (paths.conf / "neo4j.conf").exists():
        _write_conf(settings, paths, settings.bolt_port)  # start() rewrites it with its port
    return java, paths


@contextlib.contextmanager
def stopped(settings: Settings) -> Iterator[bool]:
    """Stop the local server for the block, if it runs, then start it again on the same port."""
    live = running_pid(settings)
    if live:
        stop(settings)
    try:
        yield live is not None
    finally:
        if live:
            try:
                start(settings.model_copy(update={"bolt_port": live[1]}))
            except PortBusyError:  # someone took the port meanwhile: any free or the set one
                start(settings)


def stop(settings: Settings) -> int | None:
    """Shut the local server down cleanly; return the pid that was stopped, if any."""
    live = running_pid(settings)
    if not live:
        ServerPaths.of(settings).state_file.unlink(missing_ok=True)
        return None
    pid, port = live
    paths = ServerPaths.of(settings)
    _terminate(pid, paths)
    deadline = time.monotonic() + 10
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    return pid


def status(settings: Settings) -> ServerInfo:
    """Whether the local server runs, and where."""
    live = running_pid(settings)
    if not live:
        return ServerInfo(False, None, None, NEO4J_VERSION, None)
    pid, port = live
    return ServerInfo(True, f"bolt://127.0.0.1:{port}", pid, NEO4J_VERSION, port)


def reset(settings: Settings) -> bool:
    """Delete the instance's data and password, keep the install; restart if it ran."""
    if settings.external:
        raise ConfigError(
            "`db reset` only manages the local server; NEO4J_URI is set.",
            fix="unset NEO4J_URI, or clear your own server with its own tools.",
        )
    was_running = running_pid(settings) is not None
    stop(settings)
    paths = ServerPaths.of(settings)
    shutil.rmtree(paths.data, ignore_errors=True)
    paths.password_file.unlink(missing_ok=True)
    if was_running:
        start(settings)
    return was_running


def resident_bytes(pid: int) -> int:
    """The server's resident set size, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
