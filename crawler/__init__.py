"""pricewatch: price and catalog monitoring crawler (see docs/architecture.md)."""
