"""The embedded Elasticsearch node: a real ES 8 server from Maven Central, run under the state
folder.

``distribution`` resolves and unpacks it; ``node`` starts, stops and describes it. Nothing here
talks to indices: that is ``crawler.index``.
"""
