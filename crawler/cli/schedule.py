"""``pricewatch schedule``, ``jobs list|run|pause|resume|remove``, ``runs [--last N] | stale``."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.markup import escape
from rich.table import Table

from crawler.cli.context import AppContext, console
from crawler.config import ConfigError


@click.command()
@click.pass_obj
def schedule(app: AppContext) -> None:
    """Run the scheduler in the foreground (stop with Ctrl-C or SIGTERM)."""
    from crawler.scheduler.app import SchedulerApp, setup_logging

    config = app.config
    if not config.schedule.jobs:
        raise ConfigError("no [[schedule.jobs]] in the configuration",
                          "add jobs to pricewatch.toml (see docs/scheduling.md)")
    log_path = setup_logging(config)
    console.print(f"scheduler: {len(config.schedule.jobs)} job(s); log {log_path}")
    scheduler = SchedulerApp(config)
    scheduler.install_signal_handlers()
    scheduler.serve()


@click.group()
def jobs() -> None:
    """Scheduled jobs (from pricewatch.toml, kept in the job store)."""


@jobs.command("list")
@click.pass_obj
def list_jobs(app: AppContext) -> None:
    """Every job with its trigger and next run time."""
    from crawler.scheduler.app import job_store

    table = Table("job", "trigger", "next run (UTC)", "state")
    with job_store(app.config) as scheduler:
        for job in scheduler.get_jobs():
            nxt = job.next_run_time
            table.add_row(escape(job.id), escape(str(job.trigger)),
                          nxt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if nxt else "-",
                          "paused" if nxt is None else "scheduled")
    console.print(table)


@jobs.command("run")
@click.argument("job_id")
@click.pass_obj
def run_job(app: AppContext, job_id: str) -> None:
    """Run JOB now, in the foreground (skipped if its previous run still goes on)."""
    from crawler.scheduler.app import SchedulerApp

    result = SchedulerApp(app.config).run_job(job_id)
    console.print(f"run {result.run_id}: {result.status}")
    for error in result.errors:
        console.print(f"  {escape(error)}")
    if result.status not in ("ok",):
        raise SystemExit(1)


def _change(app: AppContext, job_id: str, action: str) -> None:
    from apscheduler.jobstores.base import JobLookupError

    from crawler.scheduler.app import job_store

    with job_store(app.config) as scheduler:
        try:
            getattr(scheduler, f"{action}_job")(job_id)
        except JobLookupError as exc:
            raise ConfigError(f"no job {job_id!r} in the job store",
                              "see `pricewatch jobs list`") from exc
    console.print(f"job {escape(job_id)}: {action}d")


@jobs.command("pause")
@click.argument("job_id")
@click.pass_obj
def pause(app: AppContext, job_id: str) -> None:
    """Stop scheduling JOB until resumed."""
    _change(app, job_id, "pause")


@jobs.command("resume")
@click.argument("job_id")
@click.pass_obj
def resume(app: AppContext, job_id: str) -> None:
    """Schedule JOB again."""
    _change(app, job_id, "resume")


@jobs.command("remove")
@click.argument("job_id")
@click.pass_obj
def remove(app: AppContext, job_id: str) -> None:
    """Remove JOB from the job store (it returns at the next start if still in the config)."""
    _change(app, job_id, "remove")
    if any(job.id == job_id for job in app.config.schedule.jobs):
        console.print("  note: it is still in pricewatch.toml; delete it there to keep it gone")


@click.group(invoke_without_command=True)
@click.option("--last", "last", type=int, default=20, show_default=True, help="How many runs.")
@click.option("--job", default=None, help="Only this job's runs.")
@click.pass_context
def runs(ctx: click.Context, last: int, job: str | None) -> None:
    """Recent crawl runs: status, duration, items by source, errors."""
    if ctx.invoked_subcommand is not None:
        return
    from crawler.scheduler.runs import last_runs

    app: AppContext = ctx.obj
    table = Table("run", "job", "status", "started (UTC)", "s", "api", "page", "rendered",
                  "blocked", "rejected", "fallbacks", "errors")
    for run in last_runs(app.client(), app.names, size=last, job=job):
        counts = run.get("counts", {})
        table.add_row(escape(run["run_id"]), escape(run["job"]), run["status"],
                      run["started_at"][:19], f"{run.get('duration_seconds', 0):.0f}",
                      *(str(counts.get(k, "")) for k in ("api", "page", "rendered", "blocked",
                                                          "rejected")),
                      str(run.get("fallbacks", "")), escape("; ".join(run.get("errors", []))))
    console.print(table)


@runs.command()
@click.pass_obj
def stale(app: AppContext) -> None:
    """Platforms and listings not observed as often as their schedule allows."""
    from crawler.scheduler.stale import stale_report

    report = stale_report(app.client(), app.names, app.config.schedule, datetime.now(UTC))
    table = Table("platform", "job", "allowed age", "listings", "stale", "oldest stale")
    for row in report:
        oldest = ", ".join(f"{o['listing_id']} ({str(o.get('fetched_at', 'never'))[:19]})"
                           for o in row.oldest[:3])
        table.add_row(escape(row.platform), escape(row.job), str(row.allowed), str(row.listings),
                      str(row.stale), escape(oldest))
    console.print(table)


COMMANDS = (schedule, jobs, runs)
