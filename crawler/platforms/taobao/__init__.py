"""Taobao / Tmall: TOP signing and calls (api), error table (errors), answers → records (reader),
product pages (pages), and the client that ties them together (client).
See docs/platforms/taobao.md.
"""
