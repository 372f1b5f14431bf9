"""`pricewatch es start | status | stop` on a node of its own, run as a user would run them.

The node here lives in a temporary state folder and takes the first free port after 9200 (the
session's node usually holds 9200), so this also covers "port 9200, or the first free one".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest

pytestmark = [pytest.mark.es, pytest.mark.slow]

PRICEWATCH = [sys.executable, "-m", "crawler.cli"]


def run_cli(*args: str, env: dict[str, str],
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PRICEWATCH, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def private_home(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ES_")}
    env["PRICEWATCH_HOME"] = str(tmp_path / "state")
    env["PRICEWATCH_INDEX_PREFIX"] = "lifecycle"
    env["PRICEWATCH_ES_HEAP"] = "512m"
    env["COLUMNS"] = "200"
    return env


def java_processes_using(path: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "java" in (proc.info["name"] or "") and str(path) in cmdline:
            found.append(proc)
    return found


def test_start_status_reuse_stop(private_home: dict[str, str]) -> None:
    state = Path(private_home["PRICEWATCH_HOME"])

    started = run_cli("es", "start", env=private_home)
    assert started.returncode == 0, started.stderr
    assert "started at http://127.0.0.1:" in started.stdout
    node = json.loads((state / "es" / "node.json").read_text())

    with urllib.request.urlopen(node["url"], timeout=10) as response:
        body = json.loads(response.read())
        assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    assert body["version"]["number"].startswith("8.")

    again = run_cli("es", "start", env=private_home)
    assert again.returncode == 0, again.stderr
    assert "already running" in again.stdout and str(node["pid"]) in again.stdout

    status = run_cli("es", "status", env=private_home)
    assert status.returncode == 0, status.stderr
    assert node["url"] in status.stdout
    assert "8.19" in status.stdout
    for alias in ("lifecycle-listings", "lifecycle-prices", "lifecycle-alerts", "lifecycle-runs",
                  "lifecycle-rejects", "lifecycle-watches"):
        assert alias in status.stdout

    stopped = run_cli("es", "stop", env=private_home)
    assert stopped.returncode == 0, stopped.stderr
    assert f"pid {node['pid']}" in stopped.stdout
    assert not psutil.pid_exists(node["pid"])
    assert java_processes_using(state) == []

    not_running = run_cli("es", "status", env=private_home)
    assert not_running.returncode == 1
    assert "not running" in not_running.stderr and "pricewatch es start" in not_running.stderr


def test_node_that_dies_during_start_shows_its_log(private_home: dict[str, str]) -> None:
    # A heap no machine here can reserve: the JVM exits at once, as a broken node would.
    private_home["PRICEWATCH_ES_HEAP"] = "99999g"
    result = run_cli("es", "start", env=private_home)
    assert result.returncode == 1
    assert "exited during start" in result.stderr
    assert "last lines" in result.stderr  # the log tail is shown, not just "failed"
    state = Path(private_home["PRICEWATCH_HOME"])
    assert java_processes_using(state) == []
