"""`pricewatch jobs | runs` through click's CliRunner, with a config file in a tmp folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from crawler.cli import cli
from crawler.cli.context import console
from crawler.esnode.service import Connection
from crawler.index.names import IndexNames

pytestmark = pytest.mark.es

FAKE = str(Path(__file__).resolve().parents[1] / "support" / "fake_crawl.py")


@pytest.fixture
def runner(tmp_path: Path, es_names: IndexNames, es_connection: Connection,
           monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    command = json.dumps(["{python}", FAKE, "--marks", str(tmp_path / "m"), "--target", "{spider}"])
    (tmp_path / "pricewatch.toml").write_text(f"""
home = "{tmp_path}"
[elasticsearch]
index_prefix = "{es_names.prefix}"
[[schedule.jobs]]
id = "jd-hourly"
spiders = ["jd"]
cron = "7 * * * *"
command = {command}
[[schedule.jobs]]
id = "fast"
spiders = ["fake"]
interval = 30
command = {command}
""")
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(tmp_path / "pricewatch.toml"))
    monkeypatch.setenv("ES_URL", es_connection.target.url)
    monkeypatch.delenv("PRICEWATCH_HOME", raising=False)
    monkeypatch.setattr(console, "_width", 250)  # rich would wrap tables at 80 columns
    return CliRunner()


def test_jobs_list_pause_resume_remove(runner: CliRunner) -> None:
    listed = runner.invoke(cli, ["jobs", "list"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    assert "jd-hourly" in listed.output and "minute='7'" in listed.output
    assert "interval[0:00:30]" in listed.output
    assert runner.invoke(cli, ["jobs", "pause", "fast"]).exit_code == 0
    assert "paused" in runner.invoke(cli, ["jobs", "list"], terminal_width=200).output
    assert runner.invoke(cli, ["jobs", "resume", "fast"]).exit_code == 0
    assert "paused" not in runner.invoke(cli, ["jobs", "list"], terminal_width=200).output
    missing = runner.invoke(cli, ["jobs", "pause", "nope"])
    assert missing.exit_code != 0 and "no job 'nope'" in str(missing.exception)


def test_jobs_run_then_runs_lists_it(runner: CliRunner, es: Elasticsearch,
                                     es_names: IndexNames) -> None:
    ran = runner.invoke(cli, ["jobs", "run", "fast"])
    assert ran.exit_code == 0 and ": ok" in ran.output, ran.output
    es.indices.refresh(index=es_names.alias("runs"))
    shown = runner.invoke(cli, ["runs", "--last", "5"], terminal_width=250)
    assert shown.exit_code == 0, shown.output
    assert "fast" in shown.output and " ok " in shown.output
