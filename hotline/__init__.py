"""Hotline: an SMS and voice hotline for mutual-aid networks."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from . import logs, malloc, web, wiring
from .background.ticker import start_sweeper
from .config import Settings, check_safe
from .db import Database
from .i18n import detect, translator
from .jobs import periodic
from .migrate import require_current
from .services import Hotline, install


__all__ = ["create_app", "Hotline"]


def create_app(config: dict[str, Any] | Settings | None = None, *, worker: bool = False) -> Flask:
    """Create the web app: settings, then services, then the web edge, then the wiring.

    `worker` is for `hotline worker`: its Redis connection waits as long as Redis needs.
    A database whose schema is not this version's is refused (OutdatedSchema): only `hotline run`
    and `hotline db upgrade` migrate.
    """
    # Before the app's threads start: fewer malloc arenas, freed memory handed back (hotline/malloc.py).
    malloc.tune()
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    # Logging at LOG_LEVEL, or the host's own handlers (a test's, a log config's), numbers masked on them.
    logs.configure(settings.log_level)
    # Loaded with the app, not on the first text of a resident waiting for an answer.
    detect.load()
    translator.load_all(settings.locales_dir)
    check_safe(settings)
    app = Flask(__name__, instance_path=settings.instance_path, template_folder="web/templates",
                static_folder="web/static")
    app.config["SECRET_KEY"] = settings.secret_key or instance_secret(Path(settings.instance_path))
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    db = Database(settings.database_url)
    try:
        require_current(db.engine)
    except Exception:
        db.dispose()
        raise
    hotline = wiring.build(settings, db, worker=worker)
    hotline.app = app
    app.extensions["hotline"] = hotline
    web.init_app(app, hotline)
    wiring.connect(hotline)
    # Jobs and after-commit hooks in this process find the services through this.
    install(hotline)
    if not settings.redis_url and settings.queue_threads > 0:
        start_sweeper(hotline, periodic(settings))
    return app


def instance_secret(instance: Path) -> str:
    """The key that signs console sessions when SECRET_KEY is not set: made once, kept in the instance folder,
    so every worker process of one install (and a restart) signs alike."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
