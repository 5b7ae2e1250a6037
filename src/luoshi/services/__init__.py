"""Use cases that combine the store, the ledger and the linkers; the web and the CLI call these.

One public module per use case (``__all__``): ``people``, ``citations``, ``follow``; and
``people_parallel`` (a first ingest's people refresh on the workers of a Dask cluster)."""

__all__ = ["citations", "follow", "people", "people_parallel"]
