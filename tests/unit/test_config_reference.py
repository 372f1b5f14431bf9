"""docs/configuration.md carries the key-by-key reference generated from the config models."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import Config
from crawler.config_reference import BEGIN, END, reference, replace_block

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_the_reference_in_the_docs_is_the_one_the_code_generates() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert replace_block(text, reference()) == text, (
        "docs/configuration.md is stale: run "
        "`.venv/bin/python -m crawler.config_reference --write docs/configuration.md`")


def test_every_key_is_documented_with_its_meaning() -> None:
    text = reference()
    for name in ("home", "base_currency"):
        assert f"| `{name}` |" in text
    for name in set(Config.model_fields) - {"home", "base_currency", "config_path"}:
        assert f"### `[{name}" in text or f"### `[[{name}" in text, name
    undocumented = [line for line in text.splitlines()
                    if line.startswith("| `") and line.rstrip().endswith("|  |")]
    assert undocumented == []


def test_secrets_show_as_env_names_never_values() -> None:
    text = reference()
    assert "| `api_key` | — | `ES_API_KEY` |" in text
    assert "| `token` | — | `PRICEWATCH_WEB_TOKEN` |" in text


def test_a_file_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers here", "x")
    assert BEGIN in DOC.read_text(encoding="utf-8") and END in DOC.read_text(encoding="utf-8")


def test_the_example_config_schedules_and_alerts_as_documented() -> None:
    from crawler.config import load_config

    example = load_config(DOC.parents[1] / "pricewatch.example.toml")
    assert [job.id for job in example.schedule.jobs] == ["phones-hourly", "shops-every-15-min"]
    assert {rule.type for rule in example.alerts.rules} == {"price_drop", "out_of_stock"}
    assert example.alerts.channels["ops-hook"].secret_env == "PRICEWATCH_WEBHOOK_SECRET"
