"""The command a job runs for each of its targets: built from config, so nothing here needs the
spiders to exist (tests run a tiny spider or script of their own through ``command``)."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.config import ConfigError, ScheduleJobConfig

RUN_ID_ENV = "PRICEWATCH_RUN_ID"
STATS_FILE_ENV = "PRICEWATCH_RUN_STATS_FILE"


@dataclass(frozen=True)
class Step:
    """One process of a run: which target, the command, where its stats and log go."""

    target: str
    argv: list[str]
    stats_file: Path
    log_file: Path


def new_run_id(job_id: str, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{job_id}-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def targets(job: ScheduleJobConfig) -> list[str]:
    """Spiders in order, or the watchlist as the single target."""
    return list(job.spiders) if job.spiders else [f"watchlist:{job.watchlist}"]


def steps(job: ScheduleJobConfig, run_id: str, state_dir: Path) -> list[Step]:
    result = []
    for target in targets(job):
        name = target.replace(":", "-")
        stats_file = state_dir / "runs" / f"{run_id}.{name}.json"
        log_file = state_dir / "logs" / "runs" / f"{run_id}.{name}.log"
        result.append(Step(target, argv(job, target, run_id, stats_file), stats_file, log_file))
    return result


def argv(job: ScheduleJobConfig, target: str, run_id: str, stats_file: Path) -> list[str]:
    values = {"python": sys.executable, "spider": target, "run_id": run_id,
              "stats_file": str(stats_file), "watchlist": job.watchlist or ""}
    if job.command:
        try:
            return [part.format(**values) for part in job.command]
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"schedule job {job.id!r}: bad placeholder in command: {exc}",
                              "use {python} {spider} {run_id} {stats_file} {watchlist}") from exc
    settings = ["-s", f"PRICEWATCH_RUN_ID={run_id}", "-s", f"{STATS_FILE_ENV}={stats_file}"]
    if job.watchlist:
        return [sys.executable, "-m", "crawler.cli", "crawl", "--watchlist", job.watchlist]
    return [sys.executable, "-m", "scrapy", "crawl", target, *settings]
