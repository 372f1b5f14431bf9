"""Alerts: rules over listing changes, detection, dedup/cooldown/hysteresis, watches, delivery.

The index step hands each batch's ``ListingChange`` list to ``AlertService`` (``service.py``);
everything else here is testable alone. See docs/alerts.md.
"""
