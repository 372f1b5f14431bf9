"""Where each pricewatch component sits in a crawl: for ``ITEM_PIPELINES`` and ``EXTENSIONS``.

validate (100) → normalize (200) → match (300) → index (400) → alerts (500). A dropped item stops
there; the rejects extension stores it.
"""

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.match.MatchPipeline": 300,
    "pipelines.index.IndexPipeline": 400,
}

#: The alerts stage listens to ``crawler.signals.listings_indexed`` (pipelines/alerts.py).
EXTENSIONS = {
    "pipelines.rejects.RejectsExtension": 500,
}
