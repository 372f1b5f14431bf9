"""pricewatch's own Scrapy signals (documented here, as scrapy documents its own in signals.py).

listings_indexed
    Sent by the index pipeline after each batch is written, with ``changes`` (a list of
    ``crawler.changes.ListingChange``) and ``run_id``. Alerting listens to it: the previous state
    comes with the changes, so listeners never query Elasticsearch per item.
"""

listings_indexed = object()
