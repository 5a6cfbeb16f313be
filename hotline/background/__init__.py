"""How queued work runs: the job registry, RQ or in-process backends, the ticker, the worker."""
