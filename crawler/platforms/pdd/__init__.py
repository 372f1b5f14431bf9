"""Pinduoduo DDK: signing and calls (api), error table (errors), answers → records (reader),
goods pages (pages), and the client that ties them together (client). See docs/platforms/pdd.md.
"""
