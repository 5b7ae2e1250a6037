"""The command line (``luoshi``): Typer commands in ``main`` (``luoshi.cli.main:app``), thin over
the services; ``ledger``, ``people``, ``citations`` and ``follow`` hold their command groups."""

__all__ = ["main"]
