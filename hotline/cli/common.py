"""What every `hotline` subcommand shares: settings from the environment, logging."""
from __future__ import annotations

import logging

from ..config import Settings


def settings() -> Settings:
    return Settings.from_env()


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
