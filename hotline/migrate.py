"""Schema migrations with Alembic, driven from Python."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from .db import READ_ONLY

# Inside the package, so an installed wheel migrates as a checkout does.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def revision(url: str, message: str, autogenerate: bool = True) -> None:
    """Write a new migration, by default from the difference between the models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=autogenerate)


def current(url: str) -> None:
    command.current(alembic_config(url), verbose=False)


class OutdatedSchema(RuntimeError):
    """The database's schema is not the one this version needs; the message says what to run."""


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    """The revisions this version's migrations end at."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def schema_problem(engine: Engine) -> str | None:
    """Say what is wrong with the schema of the database behind `engine`, or None when it is current."""
    with engine.connect() as connection:
        # Only reads: on SQLite, no write lock that would hold up a running hotline.
        connection = connection.execution_options(**{READ_ONLY: True})
        found = frozenset(MigrationContext.configure(connection).get_current_heads())
    needed = heads()
    if found == needed:
        return None
    if not found:
        return "the database has no hotline tables yet: run `hotline db upgrade` first"
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    unknown = sorted(rev for rev in found if _unknown(script, rev))
    if unknown:
        return (f"the database schema is at {', '.join(unknown)}, which this version of the hotline does not know "
                "(a newer version migrated it): run that version, or its `hotline db downgrade`")
    return (f"the database schema is at {', '.join(sorted(found))} and this version needs "
            f"{', '.join(sorted(needed))}: run `hotline db upgrade` first")


def _unknown(script: ScriptDirectory, revision_id: str) -> bool:
    try:
        return script.get_revision(revision_id) is None
    except CommandError:
        return True


def require_current(engine: Engine) -> None:
    """Refuse (OutdatedSchema) a database whose schema is empty, behind or ahead of this version."""
    problem = schema_problem(engine)
    if problem is not None:
        raise OutdatedSchema(problem)
