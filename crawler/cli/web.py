"""``pricewatch web``: serve the HTTP API and the dashboard (uvicorn).

The token is never an option value (it would land in shell history and ``ps``): ``--token-env``
names the environment variable that holds it, ``PRICEWATCH_WEB_TOKEN`` by default.
"""

from __future__ import annotations

import os

import click
import uvicorn
from elasticsearch import Elasticsearch
from pydantic import SecretStr

from crawler.cli.context import AppContext, console
from crawler.config import Config
from crawler.esnode.service import ensure_elasticsearch
from crawler.web.app import create_app
from crawler.web.security import check_bind


def web_config(config: Config, host: str | None = None, port: int | None = None,
               token_env: str = "PRICEWATCH_WEB_TOKEN") -> Config:
    """``config`` with the ``[web]`` overrides of the command line applied and checked."""
    given = (("host", host), ("port", port))
    updates: dict[str, object] = {k: v for k, v in given if v is not None}
    if os.environ.get(token_env):
        updates["token"] = SecretStr(os.environ[token_env])
    web = config.web.model_copy(update=updates)
    check_bind(web.host, web.token)
    return config.model_copy(update={"web": web})


def dashboard_url(config: Config) -> str:
    host = config.web.host
    return f"http://{'[' + host + ']' if ':' in host else host}:{config.web.port}/"


def serve(config: Config, client: Elasticsearch) -> None:
    """Serve until interrupted (what ``pricewatch demo`` can call after printing the URL)."""
    uvicorn.run(create_app(config, client), host=config.web.host, port=config.web.port,
                log_level="warning")


@click.command()
@click.option("--host", help="Address to bind (default [web] host, 127.0.0.1). Anything but "
                             "loopback needs a token.")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default [web] port, 8765).")
@click.option("--token-env", default="PRICEWATCH_WEB_TOKEN", show_default=True,
              help="Environment variable holding the bearer token clients must send.")
@click.pass_obj
def web(app: AppContext, host: str | None, port: int | None, token_env: str) -> None:
    """Serve the HTTP API (OpenAPI at /docs) and the dashboard."""
    config = web_config(app.config, host, port, token_env)  # refuses before anything starts
    with console.status("connecting to Elasticsearch"):
        conn = ensure_elasticsearch(config)
    auth = "bearer token required" if config.web.token else "no token (loopback only)"
    console.print(f"dashboard at [bold]{dashboard_url(config)}[/] — API docs at /docs — {auth}. "
                  "Ctrl-C stops it.")
    serve(config, conn.client)
