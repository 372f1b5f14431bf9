"""Credentials against a real node with security on: right ones work, wrong ones are named.

The node is the embedded distribution started with ``xpack.security.enabled`` and one user in its
file realm, so the 401 comes from Elasticsearch itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.esnode.distribution import ensure_node_home, require_java
from crawler.esnode.node import EmbeddedNode

pytestmark = [pytest.mark.es, pytest.mark.slow]

PRICEWATCH = [sys.executable, "-m", "crawler.cli"]
USER, PASSWORD = "pricewatch_test", "correct-horse-battery"


@pytest.fixture(scope="module")
def secured_node(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("secured")
    (home / "pricewatch.toml").write_text(
        '[elasticsearch]\nheap = "512m"\nindex_prefix = "secured"\n'
        '[elasticsearch.node_settings]\n"xpack.security.enabled" = "true"\n'
        '"xpack.security.http.ssl.enabled" = "false"\n'
        '"xpack.security.transport.ssl.enabled" = "false"\n')
    env_before = dict(os.environ)
    os.environ.update(PRICEWATCH_CONFIG=str(home / "pricewatch.toml"),
                      PRICEWATCH_HOME=str(home / "state"), ES_USERNAME=USER, ES_PASSWORD=PASSWORD)
    os.environ.pop("ES_URL", None)
    try:
        config = load_config()
        es_home = ensure_node_home()
        conf = home / "state" / "es" / "config"
        shutil.copytree(es_home / "config", conf)
        subprocess.run([str(es_home / "bin" / "elasticsearch-users"), "useradd", USER, "-p",
                        PASSWORD, "-r", "superuser"], check=True, capture_output=True,
                       env={**os.environ, "ES_PATH_CONF": str(conf),
                            "ES_JAVA_HOME": str(require_java())})
        node = EmbeddedNode(config)
        state = node.start().state
        yield state.url
        node.stop()
    finally:
        os.environ.clear()
        os.environ.update(env_before)


def cli_env(url: str, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ES_", "PRICEWATCH_"))}
    return env | {"ES_URL": url, "ES_USERNAME": USER, "ES_PASSWORD": password,
                  "PRICEWATCH_INDEX_PREFIX": "secured", "COLUMNS": "200"}


def test_right_credentials_reach_the_cluster(secured_node: str, tmp_path: Path) -> None:
    result = subprocess.run([*PRICEWATCH, "es", "start"], cwd=tmp_path,
                            env=cli_env(secured_node, PASSWORD), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "is reachable" in result.stdout


def test_wrong_password_is_reported_as_unauthorized(secured_node: str, tmp_path: Path) -> None:
    result = subprocess.run([*PRICEWATCH, "es", "status"], cwd=tmp_path,
                            env=cli_env(secured_node, "wrong-password"), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert "refused the credentials (401 unauthorized)" in result.stderr
    assert "ES_USERNAME and ES_PASSWORD" in result.stderr
    assert "wrong-password" not in result.stderr + result.stdout  # a secret is never echoed
