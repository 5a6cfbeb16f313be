"""Schema migrations with Alembic, driven from Python.

Alembic (with Mako and Pygments, about 11 MB) is imported only to migrate: the check every process
makes at start reads the revision table and the migration files' revision lines itself.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from .db import READ_ONLY

if TYPE_CHECKING:
    from alembic.config import Config

# Inside the package, so an installed wheel migrates as a checkout does.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def revision(url: str, message: str, autogenerate: bool = True) -> None:
    """Write a new migration, by default from the difference between the models and the database."""
    from alembic import command

    command.revision(alembic_config(url), message=message, autogenerate=autogenerate)


def current(url: str) -> None:
    from alembic import command

    command.current(alembic_config(url), verbose=False)


class OutdatedSchema(RuntimeError):
    """The database's schema is not the one this version needs; the message says what to run."""


@lru_cache(maxsize=1)
def revisions() -> dict[str, frozenset[str]]:
    """Each migration of this version, with the revisions it follows, read from its file unexecuted."""
    found = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                values[node.target.id] = node.value
            elif isinstance(node, ast.Assign):
                values.update((target.id, node.value) for target in node.targets if isinstance(target, ast.Name))
        if "revision" not in values:
            continue
        follows = ast.literal_eval(values["down_revision"]) if "down_revision" in values else None
        if isinstance(follows, str):
            follows = (follows,)
        found[ast.literal_eval(values["revision"])] = frozenset(follows or ())
    return found


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    """The revisions this version's migrations end at."""
    known = revisions()
    followed = frozenset().union(*known.values())
    return frozenset(known) - followed


def current_heads(engine: Engine) -> frozenset[str]:
    """The revisions the database behind `engine` is at (none when it has no hotline tables)."""
    with engine.connect() as connection:
        # Only reads: on SQLite, no write lock that would hold up a running hotline.
        connection = connection.execution_options(**{READ_ONLY: True})
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def schema_problem(engine: Engine) -> str | None:
    """Say what is wrong with the schema of the database behind `engine`, or None when it is current."""
    found = current_heads(engine)
    needed = heads()
    if found == needed:
        return None
    if not found:
        return "the database has no hotline tables yet: run `hotline db upgrade` first"
    unknown = sorted(found - frozenset(revisions()))
    if unknown:
        return (f"the database schema is at {', '.join(unknown)}, which this version of the hotline does not know "
                "(a newer version migrated it): run that version, or its `hotline db downgrade`")
    return (f"the database schema is at {', '.join(sorted(found))} and this version needs "
            f"{', '.join(sorted(needed))}: run `hotline db upgrade` first")


def require_current(engine: Engine) -> None:
    """Refuse (OutdatedSchema) a database whose schema is empty, behind or ahead of this version."""
    problem = schema_problem(engine)
    if problem is not None:
        raise OutdatedSchema(problem)
