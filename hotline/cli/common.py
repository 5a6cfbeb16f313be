"""What every `hotline` subcommand shares: settings from the environment, logging."""
from __future__ import annotations

import logging

from .. import logs
from ..config import Settings, UnsafeSettings


def settings() -> Settings:
    """The settings from the environment; with any problem, the list of them and a non-zero exit."""
    try:
        found = Settings.from_env()
    except UnsafeSettings as refused:
        raise SystemExit(str(refused)) from None
    logs.configure(found.log_level)
    return found


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr, phone numbers masked on every handler, until the settings say at which level."""
    logs.configure(logging.DEBUG if verbose else logging.INFO)
