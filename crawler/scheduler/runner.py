"""Run one job: each target in its own process (the Twisted reactor cannot restart), with a
timeout, a per-job lock so a job never overlaps itself (even across processes: the scheduler and
``pricewatch jobs run``), and a record in the ``runs`` index at start and end.

Stopping: the crawl's process group gets SIGTERM (Scrapy closes the spider cleanly, writes its
stats), then SIGKILL after ``schedule.stop_grace`` seconds.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from crawler.config import Config, ScheduleJobConfig
from crawler.scheduler.commands import RUN_ID_ENV, STATS_FILE_ENV, Step, new_run_id, steps
from crawler.scheduler.runs import RunRecorder, now, read_stats, run_doc

logger = logging.getLogger(__name__)

#: How bad an outcome is: a run's status is the worst of its steps.
SEVERITY = {"ok": 0, "failed": 1, "timed_out": 2, "stopped": 3}


@dataclass
class RunResult:
    run_id: str
    job: str
    status: str
    errors: list[str] = field(default_factory=list)
    exit_codes: list[int | None] = field(default_factory=list)


class JobLock:
    """An exclusive ``flock`` on ``<state>/locks/<job>.lock``, released when the process dies."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class JobRunner:
    def __init__(self, config: Config, recorder: RunRecorder,
                 stopping: threading.Event | None = None) -> None:
        self.config = config
        self.recorder = recorder
        self.stopping = stopping or threading.Event()
        self.state_dir = config.state_dir

    def run(self, job: ScheduleJobConfig) -> RunResult:
        """Run ``job`` now, or record it as skipped when its previous run still goes on."""
        run_id = new_run_id(job.id)
        lock = JobLock(self.state_dir / "locks" / f"{job.id}.lock")
        if not lock.acquire():
            return self.record_skipped(job, run_id, "the previous run of this job is still going")
        try:
            return self._run_locked(job, run_id)
        finally:
            lock.release()

    def record_skipped(self, job: ScheduleJobConfig, run_id: str, why: str) -> RunResult:
        logger.warning("job %(job)s: run skipped: %(why)s", {"job": job.id, "why": why})
        at = now()
        self.recorder.write(run_doc(run_id=run_id, job=job.id, spiders=job.spiders,
                                    status="skipped", started_at=at, ended_at=at, errors=[why]))
        return RunResult(run_id, job.id, "skipped", [why])

    def _run_locked(self, job: ScheduleJobConfig, run_id: str) -> RunResult:
        started = now()
        plan = steps(job, run_id, self.state_dir)
        self.recorder.write(run_doc(run_id=run_id, job=job.id, spiders=job.spiders,
                                    status="running", started_at=started))
        logger.info("job %(job)s: run %(run)s started", {"job": job.id, "run": run_id})
        result = RunResult(run_id, job.id, "ok")
        deadline = time.monotonic() + job.timeout
        for step in plan:
            if self.stopping.is_set():
                self._worsen(result, "stopped", "scheduler stopping: not started")
                break
            status, code = self._run_step(step, run_id, deadline)
            result.exit_codes.append(code)
            if status != "ok":
                self._worsen(result, status, _describe(step, status, code, job.timeout))
            if status in ("timed_out", "stopped"):
                break
        stats = [s for s in (read_stats(step.stats_file) for step in plan) if s is not None]
        self.recorder.write(run_doc(
            run_id=run_id, job=job.id, spiders=job.spiders, status=result.status,
            started_at=started, ended_at=now(), errors=result.errors, stats=stats,
            exit_codes=result.exit_codes, logs=[str(s.log_file) for s in plan]))
        logger.info("job %(job)s: run %(run)s %(status)s",
                    {"job": job.id, "run": run_id, "status": result.status})
        return result

    def _run_step(self, step: Step, run_id: str, deadline: float) -> tuple[str, int | None]:
        step.log_file.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, RUN_ID_ENV: run_id, STATS_FILE_ENV: str(step.stats_file)}
        with step.log_file.open("ab") as log:
            try:
                proc = subprocess.Popen(step.argv, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env,
                                        start_new_session=True)  # its own group: stop them all
            except OSError as exc:
                log.write(f"cannot start {step.argv[0]}: {exc}\n".encode())
                return "failed", None
            return self._wait(proc, deadline)

    def _wait(self, proc: subprocess.Popen[bytes], deadline: float) -> tuple[str, int | None]:
        while True:
            try:
                code = proc.wait(timeout=0.2)
                return ("ok" if code == 0 else "failed"), code
            except subprocess.TimeoutExpired:
                pass
            if self.stopping.is_set():
                return "stopped", self._terminate(proc)
            if time.monotonic() >= deadline:
                return "timed_out", self._terminate(proc)

    def _terminate(self, proc: subprocess.Popen[bytes]) -> int | None:
        """SIGTERM to the crawl's group (a clean Scrapy shutdown), SIGKILL after the grace."""
        _signal_group(proc, signal.SIGTERM)
        try:
            return proc.wait(timeout=self.config.schedule.stop_grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            return proc.wait()

    @staticmethod
    def _worsen(result: RunResult, status: str, error: str) -> None:
        result.errors.append(error)
        if SEVERITY[status] > SEVERITY[result.status]:
            result.status = status


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _describe(step: Step, status: str, code: int | None, timeout: float) -> str:
    if status == "timed_out":
        return f"{step.target}: timed out after {timeout:g} s (log {step.log_file})"
    if status == "stopped":
        return f"{step.target}: stopped by the scheduler (SIGTERM) (log {step.log_file})"
    return f"{step.target}: exit code {code} (log {step.log_file})"
