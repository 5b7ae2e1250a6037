"""The one error the ledger raises for what cannot be done as asked (one class of the tree in
``luoshi.errors``, named here for the ledger's modules)."""

from __future__ import annotations

from luoshi.errors import LedgerError

__all__ = ["LedgerError"]
