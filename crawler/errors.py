"""Errors a person can act on: every one says what went wrong and what to do about it.

The CLI prints them without a traceback; anything else that escapes is a bug.
"""

from __future__ import annotations


class PricewatchError(Exception):
    """Base for errors with a ``hint`` (the fix); ``str()`` shows both."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message
