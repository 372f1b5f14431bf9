"""What every command shares: the config (read once, lazily) and the consoles."""

from __future__ import annotations

from functools import cached_property

from elasticsearch import Elasticsearch
from rich.console import Console

from crawler.config import Config, load_config
from crawler.index.names import IndexNames

console = Console()
err_console = Console(stderr=True)


class AppContext:
    """Passed to every command as ``ctx.obj``."""

    def __init__(self, config_path: str | None = None) -> None:
        self.config_path = config_path

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)

    @cached_property
    def names(self) -> IndexNames:
        return IndexNames(self.config.elasticsearch.index_prefix)

    def client(self) -> Elasticsearch:
        """A checked client for the configured cluster (the embedded node must be running)."""
        from crawler.index.client import connect

        return connect(self.config)
