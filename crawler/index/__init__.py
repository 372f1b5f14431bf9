"""The index layer: the only code that speaks to Elasticsearch.

``client`` builds and checks the connection, ``names`` says what every index and alias is called,
``templates`` holds the versioned mappings and creates them, ``bulk`` writes with per-document
error reports. Queries and aggregations for people live in ``crawler.search``.
"""
