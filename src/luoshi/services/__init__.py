"""Use cases that combine the store, the ledger and the linkers; the web and the CLI call these."""
