"""Error paths a user meets before any index exists: each says what went wrong and what to do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.esnode import distribution
from crawler.esnode.errors import NodeError
from crawler.esnode.node import EmbeddedNode

PRICEWATCH = [sys.executable, "-m", "crawler.cli"]


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ES_")}
    env["PRICEWATCH_HOME"] = str(tmp_path / "state")
    env["COLUMNS"] = "200"
    return env


def test_taken_port_is_named_with_the_fix(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = subprocess.run([*PRICEWATCH, "es", "start", "--port", str(port)],
                                env=clean_env(tmp_path), capture_output=True, text=True,
                                timeout=120)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_es_url(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = clean_env(tmp_path) | {"ES_URL": f"http://127.0.0.1:{port}"}
    result = subprocess.run([*PRICEWATCH, "es", "status"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert f"ES_URL=http://127.0.0.1:{port} is unreachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_external_cluster_is_never_started_or_stopped(tmp_path: Path, es_connection) -> None:
    env = clean_env(tmp_path) | {"ES_URL": es_connection.target.url,
                                 "PRICEWATCH_INDEX_PREFIX": "pwtest-external"}
    try:
        start = subprocess.run([*PRICEWATCH, "es", "start"], env=env, capture_output=True,
                               text=True, timeout=120)
        assert start.returncode == 0, start.stderr
        assert "nothing is started" in start.stdout
        assert not (tmp_path / "state" / "es" / "node.json").exists()
        stop = subprocess.run([*PRICEWATCH, "es", "stop"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert "not ours to stop" in stop.stdout
    finally:
        from crawler.index.names import IndexNames
        from tests.support.es import drop_prefix

        drop_prefix(es_connection.client, IndexNames("pwtest-external"))


def test_no_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ES_JAVA_HOME", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    with pytest.raises(NodeError) as caught:
        distribution.require_java()
    assert "no Java found" in caught.value.message
    assert "JDK 17" in caught.value.hint


def test_maven_that_cannot_resolve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # An empty local repository and offline mode: exactly what a machine without Central sees.
    monkeypatch.setenv("MAVEN_REPO_LOCAL", str(tmp_path / "m2"))
    with pytest.raises(NodeError) as caught:
        distribution.build_with_maven(offline=True)
    assert "Maven could not resolve" in caught.value.message
    assert "Maven Central" in caught.value.hint


def test_stop_when_nothing_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRICEWATCH_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ES_URL", raising=False)
    assert EmbeddedNode(load_config()).stop() is None
