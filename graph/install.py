"""The local Neo4j install: where it lives, the Java it needs, fetching it from Maven Central."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from govgraph.core.errors import ConfigError, ServerError
from govgraph.core.settings import Settings

POM = Path(__file__).with_name("server-pom.xml")
NEO4J_VERSION = re.search(r"<neo4j.version>([^<]+)<", POM.read_text()).group(1)  # type: ignore[union-attr]
MIN_JAVA = 17
ADMIN_TOOL = "org.neo4j.cli.AdminTool"


@dataclass(frozen=True)
class ServerPaths:
    """Where one install and one instance of the local server live."""

    install: Path
    instance: Path

    @classmethod
    def of(cls, settings: Settings) -> ServerPaths:
        """The paths of the configured instance, absolute."""
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


def admin_argv(java: str, paths: ServerPaths, args: list[str]) -> list[str]:
    """The command line of `neo4j-admin ARGS` run from the cached jars."""
    return [java, "-cp", f"{paths.lib}/*", ADMIN_TOOL, *args]


def run_admin(
    java: str,
    paths: ServerPaths,
    args: list[str],
    *,
    stdin: Path | None = None,
    timeout: float = 3600,
) -> subprocess.CompletedProcess[str]:
    """Run `neo4j-admin ARGS` on the instance's home and conf, STDIN from a file if given."""
    env = {**os.environ, "NEO4J_HOME": str(paths.instance), "NEO4J_CONF": str(paths.conf)}
    argv = admin_argv(java, paths, args)
    if stdin is None:
        return subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL
        )
    with open(stdin, "rb") as fh:
        return subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=timeout, stdin=fh
        )


def admin_output(result: subprocess.CompletedProcess[str], lines: int = 12) -> str:
    """The last lines neo4j-admin wrote, for an error message."""
    text = (result.stderr + "\n" + result.stdout).strip()
    return "\n".join(text.splitlines()[-lines:])
