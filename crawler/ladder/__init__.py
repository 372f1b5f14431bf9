"""The fallback ladder (API → page → rendered page) as plain decisions, shared by every spider.

``router.PlatformRouter`` turns what a platform's client and page reader say into actions
(``actions.py``); ``spiders/_base.py`` only turns actions into Scrapy requests and items.
See docs/spiders.md.
"""
