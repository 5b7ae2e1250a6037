"""Use cases that combine the store, the ledger and the linkers; the web and the CLI call these.

One public module per use case (``__all__``): ``people``, ``citations``, ``follow``."""

__all__ = ["citations", "follow", "people"]
