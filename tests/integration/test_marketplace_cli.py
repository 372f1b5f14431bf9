"""``pricewatch fixtures serve``: URL first on stdout, serves, stops cleanly on SIGTERM."""

from __future__ import annotations

import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def _pricewatch() -> list[str]:
    found = Path(sys.executable).with_name("pricewatch")
    return [str(found)] if found.exists() else [shutil.which("pricewatch") or "pricewatch"]


def test_serve_prints_its_url_first_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [*_pricewatch(), "fixtures", "serve", "--port", "0", "--seed", "4", "--size", "25"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no URL within 30 s"
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        status = httpx.get(url + "/_control/status").json()
        assert status["seed"] == 4 and status["count"] == 25 and status["base_url"] == url
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        proc.stdout.close()
        proc.stderr.close()
    assert code == 0


def test_bad_size_is_refused_with_a_clear_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fixtures.marketplace", "--size", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "--size must be at least 1" in result.stderr
