"""``python -m crawler.cli``: the same as the ``pricewatch`` command."""

from crawler.cli import main

main()
