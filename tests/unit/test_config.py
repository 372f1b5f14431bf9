"""Config loading: defaults, file, environment, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ES_URL", "ES_API_KEY", "ES_USERNAME", "ES_PASSWORD", "ES_CA_CERT",
                 "PRICEWATCH_INDEX_PREFIX", "PRICEWATCH_HOME", "PRICEWATCH_CONFIG",
                 "PRICEWATCH_ES_HEAP", "PRICEWATCH_ES_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pricewatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config()
    assert config.elasticsearch.url is None
    assert config.elasticsearch.index_prefix == "pricewatch"
    assert config.elasticsearch.heap == "1g"
    assert config.home == (tmp_path / ".pricewatch").resolve()


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, '[elasticsearch]\nindex_prefix = "shop"\nheap = "2g"\n')
    monkeypatch.setenv("PRICEWATCH_INDEX_PREFIX", "fromenv")
    config = load_config()
    assert config.elasticsearch.index_prefix == "fromenv"
    assert config.elasticsearch.heap == "2g"
    assert config.config_path == tmp_path / "pricewatch.toml"


def test_secret_comes_only_from_the_environment(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, '[elasticsearch]\napi_key = "abc"\n')
    with pytest.raises(ConfigError, match="ES_API_KEY"):
        load_config()
    write(tmp_path, "")
    monkeypatch.setenv("ES_API_KEY", "s3cret-key")
    config = load_config()
    assert config.elasticsearch.api_key is not None
    assert config.elasticsearch.api_key.get_secret_value() == "s3cret-key"
    assert "s3cret-key" not in repr(config)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[elasticsearch]\nindex_prefix = "Bad Prefix"\n', "elasticsearch.index_prefix"),
        ('[elasticsearch]\nheap = "lots"\n', "elasticsearch.heap"),
        ('[elasticsearch]\nprot = 9200\n', "elasticsearch.prot"),
        ("base_currency = [1]\n", "base_currency"),
    ],
    ids=["prefix", "heap", "typo", "type"],
)
def test_bad_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert key in str(caught.value)


def test_broken_toml(tmp_path: Path) -> None:
    write(tmp_path, "[elasticsearch\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config()
