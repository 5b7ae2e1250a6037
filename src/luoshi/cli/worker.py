"""Imported once by the fork server of ``luoshi ingest --workers N`` (``pipeline.dask_client``),
before it forks the worker processes: the demo corpus is processed and dropped
(``pipeline.warm``), so that what a worker loads on its first documents (cn2an's patterns, the
word lists of extraction) is loaded once for all the workers, which share its memory."""

from luoshi.demo import corpus_path
from luoshi.pipeline import warm

warm([corpus_path()])
