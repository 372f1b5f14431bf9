"""The job runner and scheduler with real processes, a real job store and the real runs index.

The crawl is ``tests/support/fake_crawl.py`` (the runner only needs a command), so these tests
check overlap, timeout, SIGTERM and restart behaviour without depending on the spiders.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.config import Config
from crawler.esnode.service import Connection
from crawler.index.names import IndexNames
from crawler.scheduler.app import SchedulerApp
from crawler.scheduler.runner import JobRunner
from crawler.scheduler.runs import RunRecorder, last_runs

pytestmark = [pytest.mark.es, pytest.mark.slow]

FAKE = str(Path(__file__).resolve().parents[1] / "support" / "fake_crawl.py")


def fake_job(marks: Path, job_id: str = "j1", seconds: float = 0.0,
             **timing: Any) -> dict[str, Any]:
    return {"id": job_id, "spiders": [job_id], "interval": 1, "timeout": 60,
            "command": ["{python}", FAKE, "--marks", str(marks), "--seconds", str(seconds),
                        "--target", "{spider}"], **timing}


def config_for(tmp_path: Path, names: IndexNames, jobs: list[dict[str, Any]],
               **schedule: Any) -> Config:
    return Config.model_validate({"home": str(tmp_path), "elasticsearch": {
        "index_prefix": names.prefix}, "schedule": {"jobs": jobs, "stop_grace": 5, **schedule}})


def recorder(es: Elasticsearch, names: IndexNames, tmp_path: Path) -> RunRecorder:
    return RunRecorder(lambda: es, names, tmp_path / "unsent.jsonl")


def marks(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def runs(es: Elasticsearch, names: IndexNames) -> list[dict[str, Any]]:
    es.indices.refresh(index=names.alias("runs"))
    return last_runs(es, names, size=100)


def test_a_run_is_recorded_with_counts_by_source(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path) -> None:
    config = config_for(tmp_path, es_names, [fake_job(tmp_path / "m")])
    result = JobRunner(config, recorder(es, es_names, tmp_path)).run(config.schedule.jobs[0])
    [run] = runs(es, es_names)
    assert (result.status, run["status"], run["job"]) == ("ok", "ok", "j1")
    assert run["counts"] == {"api": 2, "page": 1, "rendered": 0, "blocked": 1, "rejected": 1,
                             "items": 3}
    assert (run["fallbacks"], run["ended_at"] >= run["started_at"]) == (1, True)


def test_a_run_over_its_timeout_is_stopped_and_recorded(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path) -> None:
    config = config_for(tmp_path, es_names, [fake_job(tmp_path / "m", seconds=30, timeout=1)])
    started = time.monotonic()
    result = JobRunner(config, recorder(es, es_names, tmp_path)).run(config.schedule.jobs[0])
    assert result.status == "timed_out" and time.monotonic() - started < 6
    assert [m["event"] for m in marks(tmp_path / "m")] == ["start", "sigterm", "end"]
    [run] = runs(es, es_names)
    assert run["status"] == "timed_out" and "timed out after 1 s" in run["errors"][0]


def test_a_job_slower_than_its_interval_never_overlaps_itself(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path) -> None:
    config = config_for(tmp_path, es_names, [fake_job(tmp_path / "m", seconds=2.5)])
    app = SchedulerApp(config, recorder(es, es_names, tmp_path))
    thread = threading.Thread(target=app.serve)
    thread.start()
    time.sleep(7)
    app.stop_requested.set()
    thread.join(30)
    spans = _spans(marks(tmp_path / "m"))
    assert len(spans) >= 2
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end, f"runs overlap: {spans}"
    statuses = [r["status"] for r in runs(es, es_names)]
    assert "skipped" in statuses and "ok" in statuses


def test_a_manual_run_while_the_job_runs_is_skipped(
        es: Elasticsearch, es_names: IndexNames, tmp_path: Path) -> None:
    config = config_for(tmp_path, es_names, [fake_job(tmp_path / "m", seconds=2)])
    runner = JobRunner(config, recorder(es, es_names, tmp_path))
    first = threading.Thread(target=runner.run, args=(config.schedule.jobs[0],))
    first.start()
    time.sleep(0.7)
    second = JobRunner(config, recorder(es, es_names, tmp_path)).run(config.schedule.jobs[0])
    first.join()
    assert second.status == "skipped"
    assert sorted(r["status"] for r in runs(es, es_names)) == ["ok", "skipped"]


def _spans(events: list[dict[str, Any]]) -> list[tuple[float, float]]:
    starts = {m["run_id"]: m["t"] for m in events if m["event"] == "start"}
    ends = {m["run_id"]: m["t"] for m in events if m["event"] == "end"}
    return sorted((starts[r], ends[r]) for r in starts if r in ends)


# --- the real `pricewatch schedule` process -------------------------------------------------------

def write_config(tmp_path: Path, names: IndexNames, jobs: list[dict[str, Any]],
                 **schedule: Any) -> Path:
    lines = [f'home = "{tmp_path}"', "[elasticsearch]", f'index_prefix = "{names.prefix}"',
             "[schedule]", *(f"{k} = {json.dumps(v)}" for k, v in schedule.items())]
    for job in jobs:
        lines.append("[[schedule.jobs]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in job.items()]
    path = tmp_path / "pricewatch.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def start_scheduler(config_file: Path, es_connection: Connection) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PRICEWATCH_CONFIG": str(config_file),
           "ES_URL": es_connection.target.url}
    env.pop("PRICEWATCH_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", "schedule"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_sigterm_stops_the_running_crawl_cleanly_and_records_it(
        es: Elasticsearch, es_names: IndexNames, es_connection: Connection,
        tmp_path: Path) -> None:
    config_file = write_config(tmp_path, es_names, [fake_job(tmp_path / "m", seconds=60)],
                               stop_grace=10)
    scheduler = start_scheduler(config_file, es_connection)
    assert wait_for(lambda: marks(tmp_path / "m"), 30), "the job never started"
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(30) == 0
    assert [m["event"] for m in marks(tmp_path / "m")] == ["start", "sigterm", "end"]
    [run] = [r for r in runs(es, es_names) if r["status"] != "skipped"]
    assert run["status"] == "stopped" and run["counts"]["items"] == 3


def test_a_restarted_scheduler_keeps_its_jobs_and_runs_missed_ones_once_spread_out(
        es: Elasticsearch, es_names: IndexNames, es_connection: Connection,
        tmp_path: Path) -> None:
    jobs = [fake_job(tmp_path / "m", "a", interval=2), fake_job(tmp_path / "m", "b", interval=2)]
    config_file = write_config(tmp_path, es_names, jobs, missed_spread=3)
    first = start_scheduler(config_file, es_connection)
    assert wait_for(lambda: {m["target"] for m in marks(tmp_path / "m")} == {"a", "b"}, 30)
    first.kill()  # no clean shutdown: a crash
    first.wait()
    time.sleep(9)  # about four missed runs per job
    restarted_at = time.time()
    second = start_scheduler(config_file, es_connection)
    try:
        assert wait_for(lambda: len(_after(marks(tmp_path / "m"), restarted_at)) >= 2, 30)
        time.sleep(1.0)
        catch_up = _after(marks(tmp_path / "m"), restarted_at)
        first_two = sorted(catch_up, key=lambda m: m["t"])[:2]
        assert {m["target"] for m in first_two} == {"a", "b"}  # one run each, not a burst of 4
        assert abs(first_two[1]["t"] - first_two[0]["t"]) >= 1.0, "missed runs not spread"
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)


def _after(events: list[dict[str, Any]], at: float) -> list[dict[str, Any]]:
    return [m for m in events if m["event"] == "start" and m["t"] >= at]
