"""Imported once by the fork server of ``luoshi ingest --workers N`` (``pipeline.dask_client``),
before it forks the worker processes: the demo corpus is processed and dropped
(``pipeline.warm``), so that what a worker loads on its first documents (numpy, the patterns
and word lists of extraction) is loaded once for all the workers, which share its memory."""

import gc
import os

from luoshi.demo import corpus_path
from luoshi.pipeline import WORKER_NICENESS, warm

# The workers yield to the command that started them: on SQLite it writes every batch (one
# writer) and then stores the people, the one chain of work that cannot be shared, so a batch
# waiting for it while the workers extract the next ones would only make the run's end longer.
os.nice(WORKER_NICENESS)

warm([corpus_path()])

# What the workers inherit is left out of their collector's scans: a scan would cost each
# worker CPU and copy every page it touches, which the workers otherwise share with this
# server (Python's own use of ``gc.freeze``, before a pre-fork server forks).
gc.freeze()
