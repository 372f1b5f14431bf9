"""APScheduler wiring: the persistent job store, jobs synced from config, and the foreground loop.

- Jobs live in a SQLAlchemy job store (``sqlite:///<state>/schedule.sqlite`` by default), so they
  survive restarts. At start, config jobs whose trigger changed are replaced, the others keep their
  next run time (and paused state), and jobs gone from the config are removed.
- Missed runs (the scheduler was down) are coalesced to one per job and spread over
  ``schedule.missed_spread`` seconds, so a restart never fires them in a burst.
- ``max_instances=1``: a run due while the previous one goes on is skipped and recorded as such.
- ``pricewatch jobs pause|resume|remove`` change the store; the running scheduler wakes every
  ``WAKEUP_SECONDS`` to notice.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import Config, ConfigError, ScheduleJobConfig, load_config
from crawler.scheduler.commands import new_run_id
from crawler.scheduler.runner import JobRunner, RunResult
from crawler.scheduler.runs import RunRecorder

logger = logging.getLogger("crawler.scheduler")

JOB_FUNC = "crawler.scheduler.app:run_scheduled"
WAKEUP_SECONDS = 2.0
_current: SchedulerApp | None = None


def run_scheduled(job_id: str, fingerprint: str = "") -> None:
    """What APScheduler calls (by reference, so the job store can persist it)."""
    if _current is None:
        raise RuntimeError("no SchedulerApp is running in this process")
    _current.run_job(job_id)


def jobstore_url(config: Config) -> str:
    return config.schedule.jobstore_url or f"sqlite:///{config.state_dir / 'schedule.sqlite'}"


def trigger_for(job: ScheduleJobConfig, timezone: str) -> IntervalTrigger | CronTrigger:
    if job.interval is not None:
        return IntervalTrigger(seconds=job.interval, jitter=job.jitter or None, timezone=timezone)
    assert job.cron is not None
    try:
        trigger = CronTrigger.from_crontab(job.cron, timezone=timezone)
    except ValueError as exc:
        raise ConfigError(f"schedule job {job.id!r}: bad cron {job.cron!r}: {exc}",
                          "five fields: minute hour day month day-of-week") from exc
    trigger.jitter = job.jitter or None
    return trigger


def fingerprint(job: ScheduleJobConfig, timezone: str) -> str:
    """Changes when the job's timing changes (then its stored trigger is replaced)."""
    text = f"{job.cron}|{job.interval}|{job.jitter}|{job.coalesce}|{timezone}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def open_scheduler(config: Config) -> BackgroundScheduler:
    jobs = len(config.schedule.jobs)
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=jobstore_url(config))},
        executors={"default": ThreadPoolExecutor(max_workers=max(4, jobs + 1))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=config.schedule.timezone,
    )


@contextmanager
def job_store(config: Config) -> Iterator[BackgroundScheduler]:
    """The job store through a paused scheduler (runs nothing): for the ``jobs`` commands."""
    scheduler = open_scheduler(config)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, config)
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)


def sync_jobs(scheduler: BackgroundScheduler, config: Config) -> None:
    """Make the store match the config; keep next run times of jobs whose timing is unchanged."""
    timezone = config.schedule.timezone
    stored = {job.id: job for job in scheduler.get_jobs()}
    for job in config.schedule.jobs:
        mark = fingerprint(job, timezone)
        old = stored.pop(job.id, None)
        if old is not None and old.kwargs.get("fingerprint") == mark:
            continue
        scheduler.add_job(JOB_FUNC, trigger=trigger_for(job, timezone), id=job.id, name=job.id,
                          kwargs={"job_id": job.id, "fingerprint": mark}, replace_existing=True,
                          coalesce=job.coalesce, max_instances=1, misfire_grace_time=None)
        logger.info("job %(job)s: %(what)s", {"job": job.id, "what": "updated" if old else "added"})
    for job_id in stored:
        scheduler.remove_job(job_id)
        logger.info("job %(job)s: removed (no longer in the config)", {"job": job_id})


def spread_missed(scheduler: BackgroundScheduler, spread: float, now: datetime) -> list[str]:
    """Jobs whose time passed while the scheduler was down: one run each, spread out in time."""
    late = sorted((j for j in scheduler.get_jobs() if j.next_run_time and j.next_run_time < now),
                  key=lambda j: j.next_run_time)
    for i, job in enumerate(late):
        when = now + timedelta(seconds=spread * i / len(late))
        job.modify(next_run_time=when)
        logger.info("job %(job)s: missed run(s) while down; one run at %(when)s",
                    {"job": job.id, "when": when.isoformat()})
    return [job.id for job in late]


@cache
def _client_factory(config_path: str | None, home: str) -> Any:
    from crawler.index.client import make_client, resolve_target

    config = load_config(config_path)
    return make_client(config.elasticsearch, resolve_target(config).url)


def recorder_for(config: Config) -> RunRecorder:
    from crawler.index.client import index_names

    path = str(config.config_path) if config.config_path else None
    return RunRecorder(lambda: _client_factory(path, str(config.state_dir)), index_names(config),
                       config.state_dir / "runs" / "unsent.jsonl")


class SchedulerApp:
    """``pricewatch schedule``: one scheduler in the foreground until SIGTERM/SIGINT."""

    def __init__(self, config: Config, recorder: RunRecorder | None = None) -> None:
        self.config = config
        self.stop_requested = threading.Event()
        self.runner = JobRunner(config, recorder or recorder_for(config))

    def run_job(self, job_id: str) -> RunResult:
        return self.runner.run(self.job_config(job_id))

    def job_config(self, job_id: str) -> ScheduleJobConfig:
        jobs = {job.id: job for job in self.config.schedule.jobs}
        if job_id not in jobs:  # added to pricewatch.toml since we started: read it again
            self.config = load_config(self.config.config_path)
            jobs = {job.id: job for job in self.config.schedule.jobs}
        if job_id not in jobs:
            raise ConfigError(f"no schedule job {job_id!r} in the configuration",
                              "see `pricewatch jobs list`")
        return jobs[job_id]

    def serve(self) -> None:
        """Run until asked to stop; then stop running crawls cleanly and record them."""
        global _current
        _current = self
        scheduler = open_scheduler(self.config)
        scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
        scheduler.start(paused=True)
        try:
            sync_jobs(scheduler, self.config)
            spread_missed(scheduler, self.config.schedule.missed_spread,
                          datetime.now(scheduler.timezone))
            scheduler.resume()
            store = _safe_url(jobstore_url(self.config))
            logger.info("scheduler started with %(n)d job(s); job store %(url)s",
                        {"n": len(scheduler.get_jobs()), "url": store})
            while not self.stop_requested.wait(WAKEUP_SECONDS):
                scheduler.wakeup()  # notice pause/resume/remove done by other processes
        finally:
            logger.info("scheduler stopping: running crawls get SIGTERM")
            self.runner.stopping.set()
            scheduler.shutdown(wait=True)
            _current = None
            logger.info("scheduler stopped")

    def install_signal_handlers(self) -> None:
        def request_stop(signum: int, _frame: object) -> None:
            logger.info("received %(sig)s", {"sig": signal.Signals(signum).name})
            self.stop_requested.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

    def _skipped(self, event: JobSubmissionEvent) -> None:
        job = self.job_config(event.job_id)
        # off the scheduler's thread: recording must not delay the next job's start
        threading.Thread(target=self.runner.record_skipped, daemon=True, args=(
            job, new_run_id(job.id), "still running at its next scheduled time")).start()


def setup_logging(config: Config) -> Path:
    """Scheduler and crawl-runner logs to stdout and to the log file."""
    path = config.schedule.log_file or config.state_dir / "logs" / "scheduler.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout),
                                       logging.FileHandler(path, encoding="utf-8")]
    for name in ("crawler", "apscheduler"):
        named = logging.getLogger(name)
        named.setLevel(logging.INFO)
        named.propagate = False
        for handler in handlers:
            handler.setFormatter(formatter)
            named.addHandler(handler)
    return path


def _safe_url(url: str) -> str:
    """A job store URL without its password (SQLAlchemy URLs may carry one)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
