"""The one error the ledger raises for what cannot be done as asked."""

from __future__ import annotations


class LedgerError(ValueError):
    """A ledger operation that cannot be done as asked (the message says why)."""
