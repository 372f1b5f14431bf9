"""What every command shares: the config (read once, lazily) and the consoles."""

from __future__ import annotations

import os
import sys
from functools import cached_property

from elasticsearch import Elasticsearch
from rich.console import Console

from crawler.config import Config, load_config
from crawler.index.names import IndexNames

#: Tables piped to a file or a CI log would be folded to rich's 80 columns, which breaks the wide
#: comparison tables into unreadable cells; a terminal (or ``COLUMNS``) still sets its own width.
PIPED_WIDTH = 160


def _width(stream: object) -> int | None:
    if os.environ.get("COLUMNS") or getattr(stream, "isatty", lambda: False)():
        return None
    return PIPED_WIDTH


console = Console(width=_width(sys.stdout))
err_console = Console(stderr=True, width=_width(sys.stderr))


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
