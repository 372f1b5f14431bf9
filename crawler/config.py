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
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.errors import PricewatchError

CONFIG_ENV = "PRICEWATCH_CONFIG"
HOME_ENV = "PRICEWATCH_HOME"
DEFAULT_CONFIG_NAME = "pricewatch.toml"


class ConfigError(PricewatchError):
    """A configuration value is missing or wrong; the message names the key and the fix."""


class Section(BaseModel):
    """Base for config sections: unknown keys are errors, so a typo never passes silently."""

    # Attribute docstrings become field descriptions: docs/configuration.md is generated from them.
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


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
    node_settings: dict[str, str] = Field(default_factory=dict)
    """Extra ``elasticsearch.yml`` settings for the embedded node (``-E key=value``)."""

    @field_validator("index_prefix")
    @classmethod
    def _prefix_is_an_index_name(cls, value: str) -> str:
        if not value or value != value.lower() or any(c in value for c in ' "*\\<|,>/?#:'):
            raise ValueError(
                "must be a lowercase Elasticsearch index name prefix, e.g. 'pricewatch'")
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


# --- [schedule] (owned by crawler/scheduler; see docs/scheduling.md) ----------------------------


class ScheduleJobConfig(Section):
    """One ``[[schedule.jobs]]``: what to crawl, when (cron or interval), for how long at most."""

    id: str
    """The job's name: ``pricewatch jobs run <id>``; letters, digits, ``-``, ``_``, ``.``."""
    spiders: list[str] = Field(default_factory=list)
    """Spiders crawled one after another in one run (each in its own ``scrapy crawl`` process)."""
    watchlist: str | None = None
    """A watchlist to crawl with ``pricewatch crawl --watchlist`` instead of named spiders."""
    command: list[str] | None = None
    """Custom command per spider; placeholders ``{python} {spider} {run_id} {stats_file}``
    ``{watchlist}``. Default: ``{python} -m scrapy crawl {spider}`` (run id and stats file passed
    as ``-s`` settings and in the environment)."""
    cron: str | None = None
    """Crontab expression (``*/15 * * * *``), in ``schedule.timezone``."""
    interval: float | None = None
    """Seconds between runs (instead of ``cron``)."""
    jitter: int = 0
    """Up to this many seconds added at random to each fire time (jobs don't all start at once)."""
    timeout: float = 3600.0
    """Seconds a run may take; then the crawl is stopped (SIGTERM, then SIGKILL) and recorded."""
    max_instances: Literal[1] = 1
    """A job never overlaps itself: a run due while the previous one goes on is skipped."""
    coalesce: bool = True
    """Missed runs (scheduler down) are run once, not once per missed time."""
    platforms: list[str] = Field(default_factory=list)
    """Platforms this job keeps fresh (stale report); default: the spider names."""

    @field_validator("id")
    @classmethod
    def _id_is_a_name(cls, value: str) -> str:
        if not value or not all(c.isalnum() or c in "-_." for c in value):
            raise ValueError("must be a name of letters, digits, '-', '_' or '.'")
        return value

    @model_validator(mode="after")
    def _one_trigger_and_a_target(self) -> ScheduleJobConfig:
        if (self.cron is None) == (self.interval is None):
            raise ValueError(f"job {self.id!r}: set exactly one of cron or interval")
        if self.interval is not None and self.interval <= 0:
            raise ValueError(f"job {self.id!r}: interval must be > 0 seconds")
        if not self.spiders and not self.watchlist:
            raise ValueError(f"job {self.id!r}: set spiders = [...] or watchlist = '...'")
        return self


class ScheduleConfig(Section):
    """``[schedule]``: the APScheduler job store, time zone and jobs."""

    jobstore_url: str | None = None
    """Any SQLAlchemy URL; default ``sqlite:///<state>/schedule.sqlite``."""
    timezone: str = "UTC"
    """Time zone of the cron expressions (IANA name, e.g. ``Asia/Shanghai``); stored times are
    UTC."""
    log_file: Path | None = None
    """Scheduler log (besides stdout); default ``<state>/logs/scheduler.log``."""
    missed_spread: float = 60.0
    """After a restart, missed runs start spread over this many seconds (one run per job)."""
    stop_grace: float = 20.0
    """Seconds a crawl gets to close cleanly after SIGTERM before it is killed."""
    stale_factor: float = 2.0
    """A listing is stale when not observed for stale_factor times its job's period (+ timeout)."""
    jobs: list[ScheduleJobConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> ScheduleConfig:
        ids = [job.id for job in self.jobs]
        if dupes := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"job ids must be unique: {', '.join(dupes)}")
        return self


# --- [alerts] (owned by crawler/alerts; see docs/alerts.md) -------------------------------------

RuleType = Literal["price_drop", "price_rise", "price_below", "undercut", "below_map",
                   "out_of_stock", "back_in_stock", "new_listing", "delisted"]


class AlertScope(Section):
    """Which listings a rule looks at; empty lists mean "any"."""

    platforms: list[str] = Field(default_factory=list)
    """Platform names (``jd``, ``taobao``, ...)."""
    sellers: list[str] = Field(default_factory=list)
    """Seller ids, as ``platform:seller_id`` or bare."""
    brands: list[str] = Field(default_factory=list)
    """Brands as normalized on the listing (case-insensitive)."""
    product_groups: list[str] = Field(default_factory=list)
    """Product group ids (``pricewatch compare`` shows them)."""
    tags: list[str] = Field(default_factory=list)
    """Watchlist tags of the listing's product group (``[alerts.products.<group>] tags``)."""


class AlertRuleConfig(Section):
    """One ``[[alerts.rules]]``: a condition on a listing change, and where to send it."""

    name: str
    """Unique name of the rule (shown in alerts, used for dedup and cooldown)."""
    type: RuleType
    """price_drop, price_rise, price_below, undercut, below_map, out_of_stock, back_in_stock,
    new_listing or delisted."""
    channels: list[str] = Field(default_factory=list)
    """Names of ``[alerts.channels.<name>]`` the alert goes to (none: indexed only)."""
    scope: AlertScope = Field(default_factory=AlertScope)
    percent: Decimal | None = None
    """price_drop / price_rise: at least this % move; undercut: at least this % below ours."""
    amount: Decimal | None = None
    """price_drop / price_rise: at least this much move (major units of ``currency``)."""
    threshold: Decimal | None = None
    """price_below: fire when the price goes below this (major units of ``currency``)."""
    currency: str | None = None
    """Currency of ``amount``/``threshold``; default the base currency."""
    price: Literal["price", "effective_price"] | None = None
    """Which price to compare; default effective_price for price_below, else price."""
    watches: list[str] = Field(default_factory=list)
    """new_listing: names of saved searches (watches index); empty = every watch."""
    min_confidence: float = 0.8
    """Extraction confidence below this raises no alert (nor does a suspect price)."""
    cooldown: float = 0.0
    """Seconds after an alert of this rule for a listing during which it stays quiet."""
    rearm: float = 86400.0
    """Seconds before the very same alert (listing, rule, value) may fire again."""
    hysteresis: float = 3600.0
    """A move back to a value the listing had within this many seconds raises no alert."""

    @model_validator(mode="after")
    def _has_its_parameters(self) -> AlertRuleConfig:
        needs = {"price_drop": ("percent", "amount"), "price_rise": ("percent", "amount"),
                 "price_below": ("threshold",)}
        wanted = needs.get(self.type)
        if wanted and all(getattr(self, key) is None for key in wanted):
            raise ValueError(f"rule {self.name!r} ({self.type}) needs {' or '.join(wanted)}")
        return self


class AlertChannelConfig(Section):
    """``[alerts.channels.<name>]``: where alerts go. Secrets only as env variable names."""

    type: Literal["webhook", "slack", "email", "apprise"]
    """webhook (JSON POST, HMAC-SHA256 signed), slack (incoming webhook), email (SMTP), apprise."""
    url: str | None = None
    """webhook / slack URL (or ``url_env`` when the URL itself is a secret, as Slack's is)."""
    url_env: str | None = None
    """Env variable holding the webhook / Slack URL."""
    urls_env: str | None = None
    """apprise: env variable holding one or more Apprise URLs (space separated)."""
    secret_env: str | None = None
    """webhook: env variable with the HMAC-SHA256 shared secret."""
    host: str | None = None
    """email: SMTP server."""
    port: int = 25
    """email: SMTP port."""
    starttls: bool = False
    """email: upgrade the connection with STARTTLS before logging in."""
    username: str | None = None
    """email: SMTP login (with ``password_env``)."""
    password_env: str | None = None
    """email: env variable with the SMTP password."""
    sender: str = "pricewatch@localhost"
    """email: the From address."""
    to: list[str] = Field(default_factory=list)
    """email: recipients."""
    digest: bool = False
    """One message per run with every alert, instead of one per alert."""
    timeout: float = 10.0
    """Seconds per delivery attempt."""
    retries: int = 3
    """Attempts per delivery within a run (then the alert stays pending for the next run)."""
    backoff: float = 0.5
    """Seconds before the 2nd attempt; doubled for each further attempt."""

    @model_validator(mode="before")
    @classmethod
    def _no_secret_in_file(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("secret", "password", "token"):
                if key in data:
                    raise ValueError(f"{key!r} is a secret: put it in an environment variable and "
                                     f"name it with {key if key != 'token' else 'url'}_env")
        return data

    def env_secret(self, attr: str) -> SecretStr | None:
        """The secret named by ``<attr>`` (an env variable name), read now; error if unset."""
        name = getattr(self, attr)
        if name is None:
            return None
        value = os.environ.get(name)
        if not value:
            raise ConfigError(f"alerts channel: {attr} names ${name}, which is not set",
                              f"export {name}=... in the environment of pricewatch")
        return SecretStr(value)


class ProductFactsConfig(Section):
    """``[alerts.products.<product_group_id>]``: our own list price and tags for one product.

    Our prices also come from listings of ``[pricing] our_sellers``; MAP from ``[pricing] map``.
    """

    own_price: Decimal | None = None
    """Our own price for this product (major units), for ``undercut`` rules."""
    currency: str | None = None
    """Currency of own_price; default the base currency."""
    tags: list[str] = Field(default_factory=list)
    """Watchlist tags of the product, for rule scopes."""


class AlertsConfig(Section):
    """``[alerts]``: rules, channels and per-product facts (our sellers and MAP: ``[pricing]``)."""

    rules: list[AlertRuleConfig] = Field(default_factory=list)
    channels: dict[str, AlertChannelConfig] = Field(default_factory=dict)
    products: dict[str, ProductFactsConfig] = Field(default_factory=dict)
    state_file: Path | None = None
    """Dedup/cooldown/hysteresis state (SQLite); default ``<state>/alerts.sqlite``."""

    @model_validator(mode="after")
    def _rules_name_known_channels(self) -> AlertsConfig:
        names = [rule.name for rule in self.rules]
        if dupes := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"rule names must be unique: {', '.join(dupes)}")
        for rule in self.rules:
            unknown = [c for c in rule.channels if c not in self.channels]
            if unknown:
                raise ValueError(f"rule {rule.name!r} names unknown channel(s) {unknown}; "
                                 f"defined: {sorted(self.channels)}")
        return self


class IndexingConfig(Section):
    """``[indexing]``: how the index step batches writes and keeps price history."""

    batch_size: int = Field(default=500, ge=1, le=10000)
    """Listings per bulk request (and per previous-state ``mget``)."""
    flush_seconds: float = Field(default=2.0, gt=0)
    """A partly filled batch is written after this long, so alerts never wait on a slow crawl."""
    daily_history: bool = True
    """Append a history point at least once a day per listing, even when nothing changed."""
    spool_file: Path | None = None
    """Where batches go while Elasticsearch is unreachable; default
    ``<state>/spool/listings.jsonl``."""


class PipelineConfig(Section):
    """``[pipeline]``: validation bounds and normalization inputs (docs/pipelines.md)."""

    fx_table: Path | None = None
    """The dated FX rate CSV; default the ECB table shipped as ``crawler/data/fx_rates.csv``."""
    max_price_base: Decimal = Field(default=Decimal(10_000_000), gt=0)
    """A unit price above this (major units of ``base_currency``) is refused: ``absurd_price``."""
    suspect_jump_factor: Decimal = Field(default=Decimal(10), gt=1)
    """A price this many times above or below the stored one is held as suspect."""
    rejects_batch_size: int = Field(default=100, ge=1, le=10000)
    """Rejects per bulk write to the ``rejects`` index (the rest are written at close)."""


class MatchingConfig(Section):
    """``[matching]``: the overrides file and the fuzzy thresholds (docs/matching.md)."""

    matches_file: Path | None = None
    """Manual overrides; default ``matches.toml`` next to the config file (or the cwd)."""
    title_threshold: float = Field(default=0.75, gt=0, le=1)
    """Lowest fuzzy title score that joins a group (same brand)."""
    title_threshold_no_brand: float = Field(default=0.92, gt=0, le=1)
    """Lowest fuzzy title score when no brand is known."""
    review_below: float = Field(default=0.8, gt=0, le=1)
    """``pricewatch matches review`` lists matches below this confidence."""
    max_representatives: int = Field(default=3, ge=1, le=50)
    """Listings per group kept in memory for fuzzy comparison."""


class PlatformConfig(Section):
    """``[platforms.<name>]``: where a platform lives, how to authenticate, how politely to crawl.

    Credentials are *names of environment variables* (``credentials = {app_key = "JD_APP_KEY"}``);
    their values are read from the environment when the crawl starts and never logged.
    """

    enabled: bool = True
    """False: the platform is not crawled."""
    api_base: str | None = None
    """The official API's base URL (production default in the platform module)."""
    site_base: str | None = None
    """The product pages' base URL (production default in the platform module)."""
    credentials: dict[str, str] = Field(default_factory=dict)
    """Credential name → environment variable name."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Platform-specific settings (sign method, marketplace ids, page size, ...)."""
    use_api: bool = True
    """False: go straight to the product pages."""
    render: Literal["auto", "always", "never"] = "auto"
    """Render pages in Chromium: when the static HTML has no price (auto), always, or never."""
    concurrency: int = Field(default=4, ge=1, le=64)
    """Concurrent requests to this platform's hosts."""
    delay: float = Field(default=0.0, ge=0)
    """Seconds between requests to this platform's hosts."""
    max_quota_wait: float = Field(default=30.0, ge=0)
    """Longest wait a quota answer may impose; a longer one falls back to the pages instead."""
    cross_check_share: float = Field(default=0.0, ge=0, le=1)
    """Share of API listings whose product page is also read to cross-check the values."""
    retries: int = Field(default=3, ge=0, le=10)
    """Retries of one API call or page (server faults, quota, blocked pages) before falling back."""
    render_timeout: float = Field(default=15.0, gt=0)
    """Seconds a rendered page may take to show its price (``body[data-price-ready]``)."""


class WatchConfig(Section):
    """``[[watch]]``: what to crawl on one platform."""

    platform: str
    """The platform (``[platforms.<name>]`` key, e.g. ``jd``)."""
    name: str = ""
    """The watchlist it belongs to (``pricewatch crawl --watchlist NAME``)."""
    item_ids: list[str] = Field(default_factory=list)
    """Platform item ids to follow (JD SKU, Taobao num_iid, PDD goods_sign, ASIN, handle...)."""
    urls: list[str] = Field(default_factory=list)
    """Product page URLs to follow (read as pages)."""
    keywords: list[str] = Field(default_factory=list)
    """Discovery: every listing whose title matches, through the platform's search API/page."""
    tags: list[str] = Field(default_factory=list)
    """Free labels of the watch (kept on it; alert scopes take tags from ``[alerts.products]``)."""
    site: str | None = None
    """The platform's site/store/marketplace when it has several (``amazon-jp``, ``shopify-us``)."""


class Config(Section):
    """The whole configuration. Sections are added by the rooms that own them."""

    home: Path | None = None
    """State folder (env ``PRICEWATCH_HOME``); default ``.pricewatch`` next to the config file."""
    base_currency: str = "CNY"
    """Reporting currency for cross-platform comparison (ISO 4217)."""
    elasticsearch: ElasticsearchConfig = Field(default_factory=ElasticsearchConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    pricing: PricingConfig = Field(default_factory=PricingConfig)
    indexing: IndexingConfig = Field(default_factory=IndexingConfig)
    platforms: dict[str, PlatformConfig] = Field(default_factory=dict)
    watch: list[WatchConfig] = Field(default_factory=list)
    pipeline: PipelineConfig = Field(default_factory=PipelineConfig)
    matching: MatchingConfig = Field(default_factory=MatchingConfig)

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
