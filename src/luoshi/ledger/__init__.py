"""The implementation ledger (台账): tasks, units, deadlines, progress, status, reports, Excel."""
