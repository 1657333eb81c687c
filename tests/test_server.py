"""The local server's lifecycle and every bad-environment error, against real Neo4j processes."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph.core.errors import (
    AuthFailed,
    ConfigError,
    ConnectionFailed,
    PortBusyError,
    ServerError,
)
from govgraph.core.settings import Settings
from govgraph.graph import install, password, server
from govgraph.graph.db import Database, connection_info

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_URI")), reason="lifecycle tests manage the local server only"
)
GOVGRAPH = str(Path(sys.executable).with_name("govgraph"))


def lc_settings(**overrides: object) -> Settings:
    """Settings for a throwaway instance next to the test one (same cached install)."""
    base: dict[str, object] = {
        "instance": "lifecycle",
        "bolt_port": 0,
        "heap_size": "512m",
        "pagecache_size": "64m",
    }
    return Settings(**{**base, **overrides})  # type: ignore[arg-type]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GOVGRAPH, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


LC_ENV = {
    "GOVGRAPH_INSTANCE": "lifecycle",
    "GOVGRAPH_BOLT_PORT": "0",
    "GOVGRAPH_HEAP": "512m",
    "GOVGRAPH_PAGECACHE": "64m",
}


@pytest.fixture(scope="module")
def lifecycle(settings: Settings) -> Iterator[Settings]:
    """A second real server, started through the CLI and stopped at the end."""
    s = lc_settings()
    server.reset(s)
    yield s
    server.stop(s)


def test_start_twice_gives_one_server(lifecycle: Settings) -> None:
    first = cli("db", "start", env=LC_ENV)
    assert first.returncode == 0, first.stderr
    assert "ready at bolt://127.0.0.1:" in first.stdout
    second = cli("db", "start", env=LC_ENV)
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout
    status = json.loads(cli("db", "status", "--json", env=LC_ENV).stdout)
    assert status["running"] is True
    assert status["version"].startswith("5.26.")
    assert status["uri"].startswith("bolt://127.0.0.1:")
    assert isinstance(status["pid"], int) and Path(f"/proc/{status['pid']}").exists()
    pids = subprocess.run(
        ["pgrep", "-f", "--", own_server_pattern(lifecycle)], capture_output=True, text=True
    ).stdout.split()
    assert pids == [str(status["pid"])]


def own_server_pattern(settings: Settings) -> str:
    """A pgrep -f pattern matching only this checkout's server of the settings' instance."""
    # The conf folder by its absolute path, as the server's whole --config-dir argument: a
    # server of another checkout or instance on this machine never matches.
    conf = str(install.ServerPaths.of(settings).conf)
    assert Path(conf).is_absolute()
    return "--config-dir=" + re.sub(r"([][.*+?{}()|^$\\])", r"\\\1", conf) + "( |$)"


def test_generated_passwords_never_start_with_an_option_character() -> None:
    made = [password.new_password() for _ in range(5000)]
    assert not [p for p in made if p.startswith("-")]
    assert all(password.SAFE.fullmatch(p) for p in made)
    assert len(set(made)) == len(made)


def test_set_initial_password_command_line_names_only_a_file(tmp_path: Path) -> None:
    paths = install.ServerPaths(tmp_path / "install", tmp_path / "instance")
    argfile = tmp_path / "instance" / ".initial-password-x"
    argv = install.admin_argv("java", paths, password.initial_password_args(argfile))
    assert argv[-3:] == ["dbms", "set-initial-password", f"@{argfile}"]


class CommandLines(threading.Thread):
    """Records the command lines of processes whose arguments contain every given word."""

    def __init__(self, *words: str) -> None:
        super().__init__(daemon=True)
        self.words, self.seen, self.done = words, set[str](), threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for proc in Path("/proc").iterdir():
                try:
                    line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except (OSError, UnicodeDecodeError):
                    continue
                if all(w in line for w in self.words):
                    self.seen.add(line)
            self.done.wait(0.02)  # neo4j-admin runs for seconds


def test_fresh_start_sets_a_dash_password_without_showing_it(lifecycle: Settings) -> None:
    server.stop(lifecycle)
    server.reset(lifecycle)
    paths = install.ServerPaths.of(lifecycle)
    paths.instance.mkdir(parents=True, exist_ok=True)
    dashed = "-" + password.new_password()  # the 1-in-64 case that used to break the start
    paths.password_file.write_text(dashed + "\n")
    paths.password_file.chmod(0o600)
    watcher = CommandLines("set-initial-password", str(paths.instance))
    watcher.start()
    try:
        done = cli("db", "start", env=LC_ENV)
    finally:
        watcher.done.set()
        watcher.join()
    assert done.returncode == 0, done.stderr
    assert watcher.seen, "the set-initial-password run was not observed"
    assert not [line for line in watcher.seen if dashed in line]
    assert all(" @" + str(paths.instance) in line for line in watcher.seen)
    assert dashed not in done.stdout + done.stderr
    assert not list(paths.instance.glob(".initial-password-*"))  # the argument file is gone
    assert password.read_password(paths) == dashed
    with Database.connect(lifecycle) as db:
        assert db.rows("RETURN 1 AS one")[0]["one"] == 1


def test_password_file_is_private_and_never_printed(lifecycle: Settings) -> None:
    cli("db", "start", env=LC_ENV)
    paths = install.ServerPaths.of(lifecycle)
    mode = stat.S_IMODE(paths.password_file.stat().st_mode)
    assert mode == 0o600
    secret = password.read_password(paths)
    for args in (("db", "start"), ("db", "status"), ("db", "status", "--json")):
        assert secret not in cli(*args, env=LC_ENV).stdout


def test_env_lines_let_the_plain_driver_connect(lifecycle: Settings) -> None:
    cli("db", "start", env=LC_ENV)
    script = (
        f'eval "$({GOVGRAPH} db env)" && {sys.executable} -c "'
        "import os; from neo4j import GraphDatabase; "
        "d = GraphDatabase.driver(os.environ['NEO4J_URI'], "
        "auth=(os.environ['NEO4J_USER'], os.environ['NEO4J_PASSWORD'])); "
        "print(d.execute_query('RETURN 40 + 2 AS x').records[0]['x'])\""
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env={**env, **LC_ENV}, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"


def test_server_settings_block_file_and_url_imports(lifecycle: Settings) -> None:
    cli("db", "start", env=LC_ENV)
    conf = (install.ServerPaths.of(lifecycle).conf / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "dbms.security.allow_csv_import_from_file_urls=false" in conf
    from neo4j.exceptions import ClientError

    with Database.connect(lifecycle) as db:
        for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.csv"):
            with pytest.raises(ClientError):
                db.rows(f"LOAD CSV FROM '{url}' AS line RETURN line LIMIT 1")


def test_reset_wipes_data_and_keeps_install(lifecycle: Settings) -> None:
    cli("db", "start", env=LC_ENV)
    with Database.connect(lifecycle) as db:
        db.write(lambda tx: tx.run("CREATE (:Marker {v: 1})").consume())
    done = cli("db", "reset", "--yes", env=LC_ENV)
    assert done.returncode == 0, done.stderr
    assert install.is_provisioned(install.ServerPaths.of(lifecycle))
    with Database.connect(lifecycle) as db:
        assert db.rows("MATCH (m:Marker) RETURN count(m) AS n")[0]["n"] == 0


def test_stop_ends_the_process_and_frees_the_port(lifecycle: Settings) -> None:
    cli("db", "start", env=LC_ENV)
    info = server.status(lifecycle)
    assert info.running and info.pid and info.port
    done = cli("db", "stop", env=LC_ENV)
    assert done.returncode == 0, done.stderr
    assert (
        not Path(f"/proc/{info.pid}").exists()
        or "zombie" in Path(f"/proc/{info.pid}/status").read_text().lower()
    )
    assert server.port_is_free(info.port)
    assert cli("db", "status", env=LC_ENV).returncode == 3


def test_no_java(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Java not found") as exc:
        server.start(lc_settings(java=str(tmp_path / "no-java"), instance="nojava"))
    assert "GOVGRAPH_JAVA" in str(exc.value.fix)


def test_java_older_than_17(tmp_path: Path) -> None:
    fake = tmp_path / "java"
    fake.write_text("#!/bin/sh\necho 'openjdk version \"11.0.20\" 2023-07-18' >&2\n")
    fake.chmod(0o755)
    with pytest.raises(ConfigError, match="Java 11 found") as exc:
        server.start(lc_settings(java=str(fake), instance="oldjava"))
    assert "17" in str(exc.value.fix)


def test_no_maven_and_no_cached_install(tmp_path: Path) -> None:
    s = lc_settings(state_dir=tmp_path / "state", mvn=str(tmp_path / "no-mvn"))
    with pytest.raises(ConfigError, match=r"Maven .* not found") as exc:
        server.start(s)
    assert "GOVGRAPH_MVN" in str(exc.value.fix)


def test_port_busy(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(PortBusyError, match=f"Port {port}") as exc:
            server.start(lc_settings(bolt_port=port, instance="busy"))
    assert "GOVGRAPH_BOLT_PORT=0" in str(exc.value.fix)


def test_server_exits_during_start_shows_log_tail(settings: Settings) -> None:
    s = lc_settings(heap_size="1m", instance="crash")
    with pytest.raises(ServerError, match="exited during start") as exc:
        server.start(s)
    assert "heap" in exc.value.message.lower()
    assert server.status(s).running is False


def test_authentication_failed(settings: Settings) -> None:
    uri = connection_info(settings).uri
    bad = Settings(NEO4J_URI=uri, NEO4J_PASSWORD="not-the-password")  # type: ignore[call-arg]
    with pytest.raises(AuthFailed, match="rejected the credentials") as exc:
        Database.connect(bad)
    assert "NEO4J_PASSWORD" in str(exc.value.fix)


def test_server_unreachable(settings: Settings) -> None:
    port = server.free_port()
    bad = Settings(NEO4J_URI=f"bolt://127.0.0.1:{port}", NEO4J_PASSWORD="x")  # type: ignore[call-arg]
    with pytest.raises(ConnectionFailed, match="unreachable"):
        Database.connect(bad)
    done = cli("db", "status", env={"NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": "x"})
    assert done.returncode == 1
    assert "unreachable" in done.stderr and "fix:" in done.stderr


def test_external_uri_without_password() -> None:
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD is not"):
        connection_info(Settings(NEO4J_URI="bolt://127.0.0.1:1"))  # type: ignore[call-arg]


def test_local_server_not_running(tmp_path: Path) -> None:
    with pytest.raises(ConnectionFailed, match="not running") as exc:
        connection_info(lc_settings(state_dir=tmp_path))
    assert "govgraph db start" in str(exc.value.fix)
