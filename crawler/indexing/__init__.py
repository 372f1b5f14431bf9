"""The index step: current listings upserted, price history appended, nothing lost.

``documents`` turns a Listing into the stored document; ``history`` decides when a price
observation is written; ``spool`` keeps batches Elasticsearch could not take; ``indexer`` puts it
together for one batch (one ``mget`` for the previous state, one bulk for the writes) and hands
``ListingChange``s to listeners (alerts). The Scrapy side is ``pipelines/index.py``.
"""
