"""What every `hotline` subcommand shares: settings from the environment, logging."""
from __future__ import annotations

import logging

from .. import logs
from ..config import Settings


def settings() -> Settings:
    return Settings.from_env()


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr, phone numbers masked on every handler."""
    logs.configure(logging.DEBUG if verbose else logging.INFO)
