"""Data files shipped with pricewatch (the dated FX rate table)."""
