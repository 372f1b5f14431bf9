"""Stale report: platforms and listings not observed as often as their schedule promises.

A platform's allowed age is ``stale_factor`` times its job's period (interval, or the gap between
two cron fire times) plus the job's timeout. A listing is stale when its ``fetched_at`` is older.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from elasticsearch import Elasticsearch

from crawler.config import ScheduleConfig, ScheduleJobConfig
from crawler.index.names import IndexNames


@dataclass
class PlatformStaleness:
    platform: str
    job: str
    allowed: timedelta
    listings: int
    stale: int
    oldest: list[dict[str, Any]] = field(default_factory=list)
    """The oldest stale listings: listing_id, fetched_at, title."""


def period(job: ScheduleJobConfig, timezone: str) -> timedelta:
    if job.interval is not None:
        return timedelta(seconds=job.interval)
    assert job.cron is not None
    trigger = CronTrigger.from_crontab(job.cron, timezone=timezone)
    first = trigger.get_next_fire_time(None, datetime.now(trigger.timezone))
    assert first is not None
    second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1))
    return (second - first) if second else timedelta(days=1)


def allowed_age(job: ScheduleJobConfig, schedule: ScheduleConfig) -> timedelta:
    return period(job, schedule.timezone) * schedule.stale_factor + timedelta(seconds=job.timeout)


def platform_jobs(schedule: ScheduleConfig) -> dict[str, ScheduleJobConfig]:
    """Each platform and the job that keeps it freshest."""
    best: dict[str, ScheduleJobConfig] = {}
    for job in schedule.jobs:
        for platform in job.platforms or job.spiders:
            known = best.get(platform)
            if known is None or allowed_age(job, schedule) < allowed_age(known, schedule):
                best[platform] = job
    return best


def stale_report(client: Elasticsearch, names: IndexNames, schedule: ScheduleConfig,
                 at: datetime, *, show: int = 10) -> list[PlatformStaleness]:
    report = []
    for platform, job in sorted(platform_jobs(schedule).items()):
        allowed = allowed_age(job, schedule)
        cutoff = (at - allowed).isoformat()
        on_platform = {"term": {"platform": platform}}
        old = {"bool": {"filter": [on_platform],
                        "should": [{"range": {"fetched_at": {"lt": cutoff}}},
                                   {"bool": {"must_not": {"exists": {"field": "fetched_at"}}}}],
                        "minimum_should_match": 1}}
        total = client.count(index=names.alias("listings"),
                             query={"bool": {"filter": [on_platform]}})
        stale = client.search(index=names.alias("listings"), query=old, size=show,
                              track_total_hits=True, sort=[{"fetched_at": "asc"}],
                              source=["listing_id", "fetched_at", "title"])
        report.append(PlatformStaleness(
            platform=platform, job=job.id, allowed=allowed, listings=total["count"],
            stale=stale["hits"]["total"]["value"],
            oldest=[hit["_source"] for hit in stale["hits"]["hits"]]))
    return report
