"""Start, stop and describe the embedded Elasticsearch node kept under the state folder.

Layout under ``<state>/es/``: ``node.json`` (pid, ports, URL, log path), ``config/`` (ES_PATH_CONF),
``data/``, ``logs/`` (the node's own log is ``logs/pricewatch.log``; the launcher's output is
``logs/startup.log``). The node listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from crawler.config import Config
from crawler.esnode.distribution import ensure_node_home, require_java
from crawler.esnode.errors import NodeError

CLUSTER_NAME = "pricewatch"
DEFAULT_HTTP_PORT = 9200
DEFAULT_TRANSPORT_PORT = 9300
PORT_SEARCH_SPAN = 100
STOP_TIMEOUT = 60.0


@dataclass
class NodeState:
    """What ``node.json`` records about a node this state folder started."""

    pid: int
    port: int
    transport_port: int
    url: str
    log_path: str
    es_home: str
    heap: str
    started_at: str


@dataclass
class StartResult:
    state: NodeState
    reused: bool
    seconds: float


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def first_free_port(start: int, span: int = PORT_SEARCH_SPAN) -> int:
    for port in range(start, start + span):
        if port_is_free(port):
            return port
    raise NodeError(f"no free port in {start}–{start + span - 1} on 127.0.0.1",
                    "free one, or set [elasticsearch] port / PRICEWATCH_ES_PORT")


def process_on_port(port: int) -> str:
    """A short description of whatever listens on ``port`` (best effort; may need root)."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
                if conn.pid:
                    proc = psutil.Process(conn.pid)
                    return f"pid {conn.pid} ({proc.name()})"
                return "another process"
    except (psutil.Error, OSError):
        pass
    return "another process"


def http_json(url: str, timeout: float = 5.0,
              headers: dict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """GET ``url`` → (JSON body, headers). Raises URLError/HTTPError/ValueError."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"{}"), dict(response.headers)


class EmbeddedNode:
    """One Elasticsearch node per state folder."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.es_config = config.elasticsearch
        self.dir = config.state_dir / "es"
        self.state_file = self.dir / "node.json"
        self.pid_file = self.dir / "node.pid"
        self.conf_dir = self.dir / "config"
        self.data_dir = self.dir / "data"
        self.logs_dir = self.dir / "logs"

    # -- state -------------------------------------------------------------------------------------
    def read_state(self) -> NodeState | None:
        try:
            return NodeState(**json.loads(self.state_file.read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def running(self) -> NodeState | None:
        """The recorded node if its process is alive and answers as Elasticsearch."""
        state = self.read_state()
        if state is None or not _alive(state.pid):
            return None
        try:
            _, headers = http_json(state.url + "/", timeout=3, headers=self._auth())
        except (urllib.error.URLError, OSError, ValueError):
            return None
        if headers.get("X-elastic-product", headers.get("X-Elastic-Product")) != "Elasticsearch":
            return None
        return state

    # -- start -------------------------------------------------------------------------------------
    def start(self, progress: Callable[[str], None] = lambda _msg: None) -> StartResult:
        began = time.monotonic()
        existing = self.running()
        if existing is not None:
            return StartResult(existing, reused=True, seconds=time.monotonic() - began)
        self._forget_dead_node()
        java_home = require_java()
        progress("resolving the Elasticsearch distribution (Maven, cached in ~/.m2)")
        es_home = ensure_node_home()
        port = self._choose_http_port()
        transport_port = first_free_port(DEFAULT_TRANSPORT_PORT)
        self._prepare_dirs(es_home)
        progress(f"starting Elasticsearch on 127.0.0.1:{port} (heap {self.es_config.heap})")
        self._launch(es_home, java_home, port, transport_port)
        pid = self._read_pid()
        state = NodeState(
            pid=pid, port=port, transport_port=transport_port, url=f"http://127.0.0.1:{port}",
            log_path=str(self.logs_dir / f"{CLUSTER_NAME}.log"), es_home=str(es_home),
            heap=self.es_config.heap, started_at=datetime.now(UTC).isoformat(),
        )
        self.state_file.write_text(json.dumps(asdict(state), indent=2))
        progress("waiting for cluster health yellow/green")
        self._wait_for_health(state, deadline=began + self.es_config.start_timeout)
        return StartResult(state, reused=False, seconds=time.monotonic() - began)

    def _choose_http_port(self) -> int:
        wanted = self.es_config.port
        if wanted is None:
            return first_free_port(DEFAULT_HTTP_PORT)
        if not port_is_free(wanted):
            raise NodeError(
                f"port {wanted} on 127.0.0.1 is taken by {process_on_port(wanted)}",
                "stop that process, or choose another port with --port / PRICEWATCH_ES_PORT "
                "(leave it unset to take the first free port from 9200)",
            )
        return wanted

    def _prepare_dirs(self, es_home: Path) -> None:
        for path in (self.data_dir, self.logs_dir):
            path.mkdir(parents=True, exist_ok=True)
        if not (self.conf_dir / "jvm.options").exists():
            if self.conf_dir.exists():
                shutil.rmtree(self.conf_dir)
            shutil.copytree(es_home / "config", self.conf_dir)
        heap = self.es_config.heap
        options = self.conf_dir / "jvm.options.d"
        options.mkdir(exist_ok=True)
        (options / "pricewatch-heap.options").write_text(f"-Xms{heap}\n-Xmx{heap}\n")

    def _launch(self, es_home: Path, java_home: Path, port: int, transport_port: int) -> None:
        settings = {
            "cluster.name": CLUSTER_NAME,
            "node.name": "pricewatch-node",
            "http.host": "127.0.0.1",
            "http.port": port,
            "transport.host": "127.0.0.1",
            "transport.port": transport_port,
            "discovery.type": "single-node",
            "path.data": self.data_dir,
            "path.logs": self.logs_dir,
            # Local, loopback-only node: no TLS or users (an external cluster keeps its own).
            "xpack.security.enabled": "false",
            # Lets tests drop their own indices by pattern; external clusters are never asked to.
            "action.destructive_requires_name": "false",
            **self.es_config.node_settings,
        }
        cmd = [str(es_home / "bin" / "elasticsearch"), "-d", "-p", str(self.pid_file)]
        for key, value in settings.items():
            cmd += ["-E", f"{key}={value}"]
        env = {**os.environ, "ES_JAVA_HOME": str(java_home), "ES_PATH_CONF": str(self.conf_dir)}
        env.pop("ES_JAVA_OPTS", None)  # the heap comes from jvm.options.d, nothing else
        cmd = _without_root(cmd)
        self.pid_file.unlink(missing_ok=True)
        startup_log = self.logs_dir / "startup.log"
        with startup_log.open("w") as out:
            try:
                result = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL,
                                        timeout=self.es_config.start_timeout)
            except subprocess.TimeoutExpired as exc:
                raise NodeError(
                    f"Elasticsearch did not finish starting within "
                    f"{self.es_config.start_timeout:.0f} s",
                    f"raise [elasticsearch] start_timeout; last log lines:\n{self._log_tail()}",
                ) from exc
        if result.returncode != 0:
            raise NodeError(
                f"Elasticsearch exited during start (exit code {result.returncode})",
                f"see {startup_log} and {self.logs_dir / (CLUSTER_NAME + '.log')}; "
                f"last lines:\n{self._log_tail()}",
            )

    def _read_pid(self) -> int:
        for _ in range(50):
            if self.pid_file.exists() and self.pid_file.read_text().strip().isdigit():
                return int(self.pid_file.read_text().strip())
            time.sleep(0.1)
        raise NodeError("Elasticsearch started but wrote no pid file",
                        f"see {self.logs_dir / 'startup.log'}")

    def _wait_for_health(self, state: NodeState, deadline: float) -> None:
        while time.monotonic() < deadline:
            if not _alive(state.pid):
                raise NodeError("Elasticsearch exited during start",
                                f"last log lines:\n{self._log_tail()}")
            try:
                health, _ = http_json(
                    state.url + "/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10,
                    headers=self._auth())
                if health.get("status") in ("yellow", "green"):
                    return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.5)
        raise NodeError(
            f"Elasticsearch did not reach yellow/green health within "
            f"{self.es_config.start_timeout:.0f} s",
            f"raise [elasticsearch] start_timeout; last log lines:\n{self._log_tail()}",
        )

    def _auth(self) -> dict[str, str]:
        """Basic auth for a node started with security on (ES_USERNAME / ES_PASSWORD)."""
        if not self.es_config.username:
            return {}
        password = self.es_config.password.get_secret_value() if self.es_config.password else ""
        token = base64.b64encode(f"{self.es_config.username}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def _log_tail(self, lines: int = 25) -> str:
        chunks: list[str] = []
        for path in (self.logs_dir / "startup.log", self.logs_dir / f"{CLUSTER_NAME}.log"):
            if path.exists():
                text = path.read_text(errors="replace").strip().splitlines()
                chunks += [f"[{path.name}] {line}" for line in text[-lines:]]
        return "\n".join(chunks[-lines:]) or "(no log output)"

    def _forget_dead_node(self) -> None:
        state = self.read_state()
        if state is not None and not _alive(state.pid):
            self.state_file.unlink(missing_ok=True)

    # -- stop --------------------------------------------------------------------------------------
    def stop(self, timeout: float = STOP_TIMEOUT) -> NodeState | None:
        """SIGTERM the node and wait for it to exit; None when no node was running."""
        state = self.read_state()
        if state is None or not _alive(state.pid):
            self.state_file.unlink(missing_ok=True)
            return None
        proc = psutil.Process(state.pid)
        children = proc.children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        _, alive = psutil.wait_procs([proc, *children], timeout=timeout)
        if alive:
            for leftover in alive:
                leftover.kill()
            psutil.wait_procs(alive, timeout=10)
            raise NodeError(f"Elasticsearch (pid {state.pid}) did not stop within {timeout:.0f} s "
                            "and was killed", f"see {state.log_path}")
        self.state_file.unlink(missing_ok=True)
        self.pid_file.unlink(missing_ok=True)
        return state


def _alive(pid: int) -> bool:
    try:
        proc = psutil.Process(pid)
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _without_root(cmd: list[str]) -> list[str]:
    """Elasticsearch refuses to run as root. As root, run it in a user namespace where it is not.

    The namespace maps an unprivileged uid onto our own, so the node owns the files it writes
    exactly as we do, and stop/status keep working from outside.
    """
    if os.geteuid() != 0:
        return cmd
    unshare = shutil.which("unshare")
    if unshare is None:
        raise NodeError("Elasticsearch cannot run as root and `unshare` (util-linux) is missing",
                        "install util-linux, or run pricewatch as an unprivileged user")
    return [unshare, "--user", "--map-user=1000", "--map-group=1000", *cmd]
