"""The fixture marketplace for tests: a real server process on 127.0.0.1, and helpers to drive it.

- ``marketplace`` (session): one shared server (seed ``SESSION_SEED``, ``SESSION_SIZE`` items,
  quotas times ``SESSION_QUOTA_SCALE`` so crawls are not slowed by production quotas). Treat it as
  read-only: do not step it or set faults on it.
- ``fresh_marketplace`` (function): a factory ``fresh_marketplace(seed=…, size=…, quota_scale=…)``
  for tests that mutate market time, faults or options; every server it started is stopped after
  the test.

Both yield ``MarketplaceProcess`` objects: ``.url``, ``.credentials``, ``.truth()``,
``.listings()``, ``.step()``, ``.set_faults()``, ``.reset_faults()``, ``.set_options()``.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CREDENTIALS = REPO / "fixtures" / "credentials.json"
SESSION_SEED = 7
SESSION_SIZE = 200
SESSION_QUOTA_SCALE = 50.0


class MarketplaceError(RuntimeError):
    """The marketplace process did not start, or a control call failed."""


class MarketplaceProcess:
    """A running ``python -m fixtures.marketplace`` and its control API."""

    def __init__(
        self,
        seed: int,
        size: int,
        quota_scale: float = SESSION_QUOTA_SCALE,
        start_timeout: float = 30.0,
    ) -> None:
        self.seed, self.size = seed, size
        self.credentials: dict[str, Any] = json.loads(CREDENTIALS.read_text(encoding="utf-8"))
        # The log outlives this call (the process writes to it), so no context manager here.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="marketplace-", suffix=".log", delete=False
        )
        cmd = [
            sys.executable,
            "-m",
            "fixtures.marketplace",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--size",
            str(size),
            "--quota-scale",
            str(quota_scale),
        ]
        self.process = subprocess.Popen(
            cmd,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        # A crashed test session must not leave the server behind.
        atexit.register(self.stop)
        self.url = self._first_line(start_timeout)
        self.client = httpx.Client(base_url=self.url, timeout=60.0)

    def _first_line(self, timeout: float) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            self.stop()
            log = Path(self.log.name).read_text(encoding="utf-8", errors="replace")
            raise MarketplaceError(
                f"marketplace did not print its URL within {timeout}s: {line!r}\n{log}"
            )
        return line

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, **kwargs)
        if response.status_code != 200:
            raise MarketplaceError(f"{method} {path}: HTTP {response.status_code} {response.text}")
        return response.json()

    def truth(self, **params: Any) -> dict[str, Any]:
        """``GET /_control/truth``: ``{tick, count, listings: [...], changes: [...]}``."""
        return self._call("GET", "/_control/truth", params=params)

    def listings(self, **params: Any) -> list[dict[str, Any]]:
        """The truth rows only (``platform=``, ``site=``, ``offset=``, ``limit=`` narrow them)."""
        return self.truth(**params)["listings"]

    def step(self, ticks: int = 1) -> dict[str, Any]:
        """Advance market time; returns ``{tick, count, changes}`` of the last tick."""
        return self._call("POST", "/_control/step", params={"ticks": ticks})

    def set_faults(
        self, faults: dict[str, dict[str, Any]] | None = None, /, **by_platform: dict[str, Any]
    ) -> dict[str, Any]:
        """Merge faults: ``set_faults({"jd": {"rate_limit": 1}})`` or ``set_faults(jd=…)``."""
        return self._call("POST", "/_control/faults", json={**(faults or {}), **by_platform})

    def faults(self) -> dict[str, Any]:
        return self._call("GET", "/_control/faults")

    def reset_faults(self) -> dict[str, Any]:
        """Faults, options and quotas back to the start values (market time stays)."""
        return self._call("POST", "/_control/reset")

    def set_options(self, **options: Any) -> dict[str, Any]:
        return self._call("POST", "/_control/config", json=options)

    def status(self) -> dict[str, Any]:
        return self._call("GET", "/_control/status")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def marketplace() -> Iterator[MarketplaceProcess]:
    """The shared, read-only marketplace of the session."""
    server = MarketplaceProcess(SESSION_SEED, SESSION_SIZE)
    yield server
    server.stop()


@pytest.fixture
def fresh_marketplace() -> Iterator[Callable[..., MarketplaceProcess]]:
    """A factory of private marketplaces (stopped after the test) for tests that mutate state."""
    started: list[MarketplaceProcess] = []

    def make(
        seed: int = SESSION_SEED, size: int = 60, quota_scale: float = SESSION_QUOTA_SCALE
    ) -> MarketplaceProcess:
        server = MarketplaceProcess(seed, size, quota_scale)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
