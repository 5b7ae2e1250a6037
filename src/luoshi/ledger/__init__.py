"""The implementation ledger (台账): tasks, units, deadlines, progress, status, reports, Excel.

Other parts use its public modules (``__all__``): ``service`` (``Ledger``: every change),
``status``, ``report``, ``excel``, ``workdays`` and ``schema`` (the tables). ``deadlines``,
``evidence``, ``units``, ``columns`` and ``errors`` are the ledger's own."""

__all__ = ["excel", "report", "schema", "service", "status", "workdays"]
