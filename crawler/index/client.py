"""The Elasticsearch client factory: which cluster, with what credentials, timeouts and retries.

``ES_URL`` (with ``ES_API_KEY`` or ``ES_USERNAME``/``ES_PASSWORD``, and ``ES_CA_CERT``) selects an
external cluster; otherwise the embedded node recorded under the state folder is used.
``connect()`` also checks that the cluster answers and says plainly why it does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TlsError
from elasticsearch import AuthenticationException, AuthorizationException, Elasticsearch
from elasticsearch import exceptions as es_exceptions

from crawler.config import Config, ElasticsearchConfig
from crawler.errors import PricewatchError
from crawler.index.names import IndexNames

#: Statuses the client itself retries (with its own backoff) before giving up on a request.
RETRY_ON_STATUS = (429, 502, 503, 504)


class ElasticsearchUnavailable(PricewatchError):
    """No Elasticsearch answered, or it refused our credentials."""


@dataclass(frozen=True)
class Target:
    """Which cluster to talk to."""

    url: str
    external: bool


def resolve_target(config: Config) -> Target:
    """The external cluster from ES_URL, else the embedded node (which must be running)."""
    if config.elasticsearch.url:
        return Target(config.elasticsearch.url.rstrip("/"), external=True)
    from crawler.esnode.node import EmbeddedNode  # late: the node module needs psutil etc.

    state = EmbeddedNode(config).running()
    if state is None:
        raise ElasticsearchUnavailable(
            "the embedded Elasticsearch node is not running",
            "start it with `pricewatch es start`, or set ES_URL to use another cluster",
        )
    return Target(state.url, external=False)


def make_client(es: ElasticsearchConfig, url: str) -> Elasticsearch:
    """A client with timeouts and retries; credentials only from the config (env)."""
    kwargs: dict[str, object] = {
        "request_timeout": es.request_timeout,
        "max_retries": es.max_retries,
        "retry_on_timeout": True,
        "retry_on_status": RETRY_ON_STATUS,
    }
    if es.api_key is not None:
        kwargs["api_key"] = es.api_key.get_secret_value()
    elif es.username:
        password = es.password.get_secret_value() if es.password else ""
        kwargs["basic_auth"] = (es.username, password)
    if es.ca_cert:
        kwargs["ca_certs"] = str(es.ca_cert)
    return Elasticsearch(url, **kwargs)  # type: ignore[arg-type]


def connect(config: Config, *, check: bool = True) -> Elasticsearch:
    """A checked client for the configured cluster, or ElasticsearchUnavailable saying why."""
    target = resolve_target(config)
    client = make_client(config.elasticsearch, target.url)
    if check:
        check_reachable(client, target)
    return client


def check_reachable(client: Elasticsearch, target: Target) -> dict[str, object]:
    """``GET /`` and return its body; turn every failure into a message naming the fix."""
    where = f"ES_URL={target.url}" if target.external else f"the embedded node at {target.url}"
    try:
        return dict(client.options(max_retries=0).info())
    except AuthenticationException as exc:
        raise ElasticsearchUnavailable(
            f"{where} refused the credentials (401 unauthorized)",
            "check ES_API_KEY, or ES_USERNAME and ES_PASSWORD",
        ) from exc
    except AuthorizationException as exc:
        raise ElasticsearchUnavailable(
            f"{where}: the credentials lack a privilege (403)",
            "grant the user/API key the monitor cluster privilege and all on the pricewatch-* "
            "indices",
        ) from exc
    except TlsError as exc:
        raise ElasticsearchUnavailable(
            f"{where}: TLS failed ({exc.message})",
            "set ES_CA_CERT to the cluster's CA certificate",
        ) from exc
    except (TransportConnectionError, ConnectionTimeout) as exc:
        raise ElasticsearchUnavailable(
            f"{where} is unreachable ({type(exc).__name__})",
            "check the URL and that the cluster is up"
            if target.external else "start it with `pricewatch es start`",
        ) from exc
    except es_exceptions.UnsupportedProductError as exc:
        raise ElasticsearchUnavailable(
            f"{where} answered, but is not Elasticsearch",
            "point ES_URL at an Elasticsearch 8.x or 9.x cluster",
        ) from exc


def index_names(config: Config) -> IndexNames:
    return IndexNames(config.elasticsearch.index_prefix)
