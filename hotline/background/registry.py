"""The jobs this process can run, by name: registered by `hotline.wiring`, run by either backend.

Queued jobs store only a name and JSON arguments (ids, never objects); RQ calls
`hotline.jobs.run(name, *args)`, which looks the job up here.
"""
from __future__ import annotations

import re
from contextlib import nullcontext
from typing import Any, Callable

from ..services import current

JOBS: dict[str, Callable[..., Any]] = {}

_JOB_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def register(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Make `function` the job called `name`."""
    JOBS[name] = function
    return function


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the job called `name`."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        return register(name, function)

    return decorate


def run(job_name: str, *args: Any) -> Any:
    """Run a registered job with this process's services, inside the app context when there is an app."""
    hotline = current()
    context = hotline.app.app_context() if hotline.app is not None else nullcontext()
    with context:
        return JOBS[job_name](*args)


def check(job_name: str, args: tuple, job_id: str | None = None) -> None:
    """Refuse a job that could not run: an unknown name, an id RQ would refuse, an object for an argument."""
    if job_name not in JOBS:
        raise KeyError(f"no job named {job_name!r}")
    if job_id is not None and not _JOB_ID.match(job_id):
        # RQ's rule, kept by both backends so a job id that works in tests works in production.
        raise ValueError(f"job id {job_id!r} may only hold letters, digits, '_' and '-'")
    for arg in args:
        if not isinstance(arg, (str, int, float, bool, type(None))):
            raise TypeError(f"job arguments are ids and plain values, not {type(arg).__name__}")
