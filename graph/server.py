"""Provision, start, stop and inspect the local Neo4j Community server govgraph runs itself."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from govgraph.core.errors import ConfigError, PortBusyError, ServerError
from govgraph.core.settings import Settings

POM = Path(__file__).with_name("server-pom.xml")
NEO4J_VERSION = re.search(r"<neo4j.version>([^<]+)<", POM.read_text()).group(1)  # type: ignore[union-attr]
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
MIN_JAVA = 17

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


@dataclass(frozen=True)
class ServerPaths:
    """Where one install and one instance of the local server live."""

    install: Path
    instance: Path

    @classmethod
    def of(cls, settings: Settings) -> ServerPaths:
        state = settings.state_dir.resolve()
        return cls(state / f"neo4j-{NEO4J_VERSION}", state / "instances" / settings.instance)

    @property
    def lib(self) -> Path:
        return self.install / "lib"

    @property
    def conf(self) -> Path:
        return self.instance / "conf"

    @property
    def data(self) -> Path:
        return self.instance / "data"

    @property
    def logs(self) -> Path:
        return self.instance / "logs"

    @property
    def password_file(self) -> Path:
        return self.instance / "password"

    @property
    def state_file(self) -> Path:
        return self.instance / "server.json"

    @property
    def console_log(self) -> Path:
        return self.logs / "console.log"


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
        return asdict(self)


def java_major(java: str) -> int:
    """The major version of the given Java, or a ConfigError naming the fix."""
    exe = shutil.which(java)
    if exe is None:
        raise ConfigError(
            f"Java not found (looked for '{java}').",
            fix=f"install Java {MIN_JAVA} (apt-get install openjdk-17-jre-headless) "
            "or set GOVGRAPH_JAVA to its path.",
        )
    out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise ConfigError(
            f"Could not read the version of Java at {exe}.", fix="check GOVGRAPH_JAVA."
        )
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise ConfigError(
            f"Java {major} found at {exe}; Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or newer.",
            fix=f"install Java {MIN_JAVA} or set GOVGRAPH_JAVA to a Java {MIN_JAVA}+ binary.",
        )
    return major


def is_provisioned(paths: ServerPaths) -> bool:
    """True when the server's jars are already in the cache folder."""
    return (paths.lib / f"neo4j-server-{NEO4J_VERSION}.jar").is_file()


def provision(settings: Settings) -> float:
    """Fetch Neo4j's jars from Maven Central once; return the seconds it took (0 if cached)."""
    paths = ServerPaths.of(settings)
    if is_provisioned(paths):
        return 0.0
    mvn = shutil.which(settings.mvn)
    if mvn is None:
        raise ConfigError(
            f"Maven ('{settings.mvn}') not found and Neo4j {NEO4J_VERSION} "
            f"is not cached in {paths.lib}.",
            fix="install Maven (apt-get install maven) or set GOVGRAPH_MVN to its path.",
        )
    started = time.monotonic()
    paths.install.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=paths.install))
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
        "-DincludeScope=runtime",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise ServerError(
            f"Maven could not fetch Neo4j {NEO4J_VERSION}:\n{tail}",
            fix="check that Maven Central is reachable, then run `govgraph db start` again.",
        )
    if paths.lib.exists():
        shutil.rmtree(paths.lib)
    staging.rename(paths.lib)  # atomic: a half-copied lib never looks provisioned
    return time.monotonic() - started


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
    }
    return "".join(f"{k}={v}\n" for k, v in lines.items())


def _read_state(paths: ServerPaths) -> dict[str, object] | None:
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


def read_password(paths: ServerPaths) -> str:
    """The generated password of the local server (never printed by govgraph itself)."""
    try:
        return paths.password_file.read_text().strip()
    except OSError as exc:
        raise ServerError(
            f"No password file at {paths.password_file}.",
            fix="run `govgraph db start` (it creates one), or `govgraph db reset`.",
        ) from exc


def _ensure_password(settings: Settings, paths: ServerPaths, java: str) -> None:
    """Generate and set the initial password before the very first start."""
    if (paths.data / "dbms" / "auth.ini").exists() and paths.password_file.exists():
        return
    password = secrets.token_urlsafe(24)
    paths.instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    os.chmod(paths.password_file, 0o600)
    env = {**os.environ, "NEO4J_HOME": str(paths.instance), "NEO4J_CONF": str(paths.conf)}
    result = subprocess.run(
        [java, "-cp", f"{paths.lib}/*", ADMIN_TOOL, "dbms", "set-initial-password", password],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if result.returncode != 0:
        paths.password_file.unlink(missing_ok=True)
        raise ServerError(
            "Could not set the initial Neo4j password: "
            + (result.stderr or result.stdout).strip()[-800:],
            fix="run `govgraph db reset` and start again.",
        )


def log_tail(paths: ServerPaths, lines: int = 20) -> str:
    """The last lines of the server's own log and console output."""
    out: list[str] = []
    for path in (paths.logs / "neo4j.log", paths.console_log):
        if path.exists():
            out.extend(path.read_text(errors="replace").splitlines()[-lines:])
    return "\n".join(out[-lines:])


def _bolt_ready(port: int, password: str) -> bool:
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


def start(settings: Settings) -> ServerInfo:
    """Start the local server in the background and wait until Bolt answers."""
    if settings.external:
        raise ConfigError(
            f"NEO4J_URI is set ({settings.neo4j_uri}); govgraph uses that server and starts none.",
            fix="unset NEO4J_URI to run the local server.",
        )
    paths = ServerPaths.of(settings)
    live = running_pid(settings)
    if live:
        pid, port = live
        return ServerInfo(True, f"bolt://127.0.0.1:{port}", pid, NEO4J_VERSION, port, True)
    java = shutil.which(settings.java) or settings.java
    java_major(settings.java)
    provision(settings)
    port = choose_port(settings)
    for sub in (
        paths.conf,
        paths.data,
        paths.logs,
        paths.instance / "plugins",
        paths.instance / "import",
        paths.instance / "run",
    ):
        sub.mkdir(parents=True, exist_ok=True)
    (paths.conf / "neo4j.conf").write_text(render_conf(settings, paths, port))
    _ensure_password(settings, paths, java)

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
    started = time.monotonic()
    with open(paths.console_log, "ab") as console:
        proc = subprocess.Popen(
            cmd,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=paths.instance,
        )
    state = {"pid": proc.pid, "port": port, "version": NEO4J_VERSION, "started_at": time.time()}
    paths.state_file.write_text(json.dumps(state))
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
            seconds = time.monotonic() - started
            return ServerInfo(
                True, f"bolt://127.0.0.1:{port}", proc.pid, NEO4J_VERSION, port, seconds=seconds
            )
        time.sleep(0.25)
    _terminate(proc.pid, paths)
    raise ServerError(
        f"Neo4j did not answer on Bolt within {settings.start_timeout:.0f} s. "
        f"Last lines of its log:\n{log_tail(paths)}",
        fix="raise GOVGRAPH_START_TIMEOUT or read the log named above.",
    )


def _terminate(pid: int, paths: ServerPaths, timeout: float = 60.0) -> None:
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
