"""Typed configuration from ``pricewatch.toml`` and the environment, with errors that name the key.

Precedence, lowest first: built-in defaults < ``pricewatch.toml`` < environment variables.
The file is ``$PRICEWATCH_CONFIG`` if set, else ``./pricewatch.toml`` if present; without either the
embedded defaults apply (local Elasticsearch node, state under ``./.pricewatch``).
Secrets are ``SecretStr`` and come from the environment only; they never show in a repr or a log.
See docs/configuration.md.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from crawler.errors import PricewatchError

CONFIG_ENV = "PRICEWATCH_CONFIG"
HOME_ENV = "PRICEWATCH_HOME"
DEFAULT_CONFIG_NAME = "pricewatch.toml"


class ConfigError(PricewatchError):
    """A configuration value is missing or wrong; the message names the key and the fix."""


class Section(BaseModel):
    """Base for config sections: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class ElasticsearchConfig(Section):
    """``[elasticsearch]``: an external cluster (``url``) or the embedded node's settings."""

    url: str | None = None
    """External cluster URL (env ``ES_URL``); when set, no local node is started."""
    api_key: SecretStr | None = None
    """env ``ES_API_KEY`` only."""
    username: str | None = None
    """env ``ES_USERNAME``."""
    password: SecretStr | None = None
    """env ``ES_PASSWORD`` only."""
    ca_cert: Path | None = None
    """env ``ES_CA_CERT``: CA bundle for an https cluster."""
    index_prefix: str = "pricewatch"
    """env ``PRICEWATCH_INDEX_PREFIX``: every index and alias starts with it."""
    port: int | None = None
    """Embedded node HTTP port; None = 9200 or the first free one after it."""
    heap: str = "1g"
    """Embedded node JVM heap (``-Xms``/``-Xmx``), e.g. ``1g``, ``512m``."""
    start_timeout: float = 180.0
    """Seconds to wait for the embedded node to reach yellow/green health."""
    request_timeout: float = 30.0
    """Seconds per request to Elasticsearch."""
    max_retries: int = 3
    """Client-level retries on connection errors and 429/502/503/504."""

    @field_validator("index_prefix")
    @classmethod
    def _prefix_is_an_index_name(cls, value: str) -> str:
        if not value or value != value.lower() or any(c in value for c in ' "*\\<|,>/?#:'):
            raise ValueError("must be a lowercase Elasticsearch index name prefix, e.g. 'pricewatch'")
        return value

    @field_validator("heap")
    @classmethod
    def _heap_is_a_jvm_size(cls, value: str) -> str:
        if not value[:-1].isdigit() or value[-1].lower() not in "mg":
            raise ValueError("must be a JVM size such as '1g' or '512m'")
        return value


class WebConfig(Section):
    """``[web]``: the HTTP API and dashboard (``pricewatch web``). See docs/search.md."""

    host: str = "127.0.0.1"
    """Address to bind; anything but loopback requires ``token``."""
    port: int = Field(default=8765, ge=0, le=65535)
    """TCP port (0 = any free port)."""
    token: SecretStr | None = None
    """env ``PRICEWATCH_WEB_TOKEN`` only: the bearer token clients must send."""
    stale_after_hours: float = Field(default=48.0, gt=0)
    """A listing not fetched for this long is listed as stale on the runs page."""


class PricingConfig(Section):
    """``[pricing]``: which offers are ours, and minimum advertised prices. See docs/search.md."""

    our_sellers: list[str] = Field(default_factory=list)
    """Our own offers: ``platform:seller_id``, or a bare ``seller_id`` on every platform."""
    map: dict[str, str] = Field(default_factory=dict)
    """Minimum advertised price per product group, ``"<group id>" = "5999.00 CNY"``."""

    @field_validator("map")
    @classmethod
    def _map_values_are_money(cls, value: dict[str, str]) -> dict[str, str]:
        for group, text in value.items():
            amount, _, currency = text.strip().partition(" ")
            well_formed = amount.replace(".", "", 1).isdigit() and len(currency) == 3
            if not (well_formed and currency.isalpha() and currency.isupper()):
                raise ValueError(f"{group}: {text!r} must look like '5999.00 CNY'")
        return value


class Config(Section):
    """The whole configuration. Sections are added by the rooms that own them."""

    home: Path | None = None
    """State folder (env ``PRICEWATCH_HOME``); default ``.pricewatch`` next to the config file."""
    base_currency: str = "CNY"
    """Reporting currency for cross-platform comparison (ISO 4217)."""
    elasticsearch: ElasticsearchConfig = Field(default_factory=ElasticsearchConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    pricing: PricingConfig = Field(default_factory=PricingConfig)

    config_path: Path | None = Field(default=None, exclude=True)
    """Where the config was read from (None: defaults only)."""

    @property
    def state_dir(self) -> Path:
        """The state folder, created on first use."""
        assert self.home is not None  # load_config always sets it
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


#: Environment variables and where they land in the config tree.
ENV_OVERRIDES: dict[str, tuple[str, ...]] = {
    "ES_URL": ("elasticsearch", "url"),
    "ES_API_KEY": ("elasticsearch", "api_key"),
    "ES_USERNAME": ("elasticsearch", "username"),
    "ES_PASSWORD": ("elasticsearch", "password"),
    "ES_CA_CERT": ("elasticsearch", "ca_cert"),
    "PRICEWATCH_INDEX_PREFIX": ("elasticsearch", "index_prefix"),
    "PRICEWATCH_ES_HEAP": ("elasticsearch", "heap"),
    "PRICEWATCH_ES_PORT": ("elasticsearch", "port"),
    HOME_ENV: ("home",),
    "PRICEWATCH_WEB_TOKEN": ("web", "token"),
}

#: Keys that may only come from the environment: a secret in a file ends up in a repository.
SECRET_KEYS = {("elasticsearch", "api_key"), ("elasticsearch", "password"), ("web", "token")}


def find_config_file(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file to read, or None when running on defaults."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        return path
    if os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV}={path}: no such file")
        return path
    candidate = Path.cwd() / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the config file (if any) and the environment into a validated ``Config``."""
    config_path = find_config_file(path)
    raw: dict[str, Any] = {}
    if config_path is not None:
        try:
            raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from exc
        for keys in SECRET_KEYS:
            if _get(raw, keys) is not None:
                raise ConfigError(
                    f"{config_path}: {'.'.join(keys)} is a secret: set it in the environment "
                    f"({_env_name(keys)}), not in the file"
                )
    for env_name, keys in ENV_OVERRIDES.items():
        value = os.environ.get(env_name)
        if value not in (None, ""):
            _set(raw, keys, value)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, config_path)) from exc
    base = config_path.parent if config_path else Path.cwd()
    home = Path(config.home) if config.home else base / ".pricewatch"
    return config.model_copy(update={"home": home.resolve(), "config_path": config_path})


def _env_name(keys: tuple[str, ...]) -> str:
    return next((name for name, target in ENV_OVERRIDES.items() if target == keys), "?")


def _get(tree: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = tree
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _set(tree: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    node = tree
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


def _describe(exc: ValidationError, config_path: Path | None) -> str:
    where = str(config_path) if config_path else "configuration"
    lines = [f"{where}: invalid configuration"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        lines.append(f"  {key}: {error['msg']}")
    return "\n".join(lines)
