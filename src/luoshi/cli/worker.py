"""Imported once by the fork server of ``luoshi ingest --workers N`` (``pipeline.dask_client``),
before it forks the worker processes: the demo corpus is processed and dropped
(``pipeline.warm``), so that what a worker loads on its first documents (numpy, the patterns
and word lists of extraction) is loaded once for all the workers, which share its memory."""

import gc

from luoshi.demo import corpus_path
from luoshi.pipeline import warm

warm([corpus_path()])

# What the workers inherit is left out of their collector's scans: a scan would cost each
# worker CPU and copy every page it touches, which the workers otherwise share with this
# server (Python's own use of ``gc.freeze``, before a pre-fork server forks).
gc.freeze()
