"""Database engine and transactions.

SQLite runs in WAL mode and every transaction starts with BEGIN IMMEDIATE, so two writers
queue up instead of failing halfway (SQLAlchemy drops FOR UPDATE on SQLite). On PostgreSQL
the conversation row is locked with SELECT ... FOR UPDATE instead.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
import logging
import threading
import time
from collections import deque
from typing import Callable, Iterator, TypeVar

from sqlalchemy import bindparam, create_engine, event, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
# A pooled PostgreSQL connection older than this is replaced at checkout.
POOL_RECYCLE_SECONDS = 1800
# An execution option: this session only reads (SQLite then takes no write lock up front).
READ_ONLY = "hotline_read_only"


# A background job waiting this long to write goes before the requests waiting after it.
BACKGROUND_MAX_WAIT_SECONDS = 0.2

_thread = threading.local()


def background_thread() -> None:
    """Mark the calling thread as one that runs queued work: its writes on SQLite let the requests'
    writes go first (for up to BACKGROUND_MAX_WAIT_SECONDS)."""
    _thread.background = True


class WriterQueue:
    """The one write lock of a SQLite database, shared by the threads of this process.

    It is handed from writer to writer in order of arrival, but a request's turn goes before
    a background job's: a resident waits on the answer, a queued job on nobody. A job that has
    waited BACKGROUND_MAX_WAIT_SECONDS goes next all the same, so a busy hour never starves it.
    """

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._mutex = threading.Lock()
        self._busy = False
        self._requests: deque[tuple[float, threading.Lock]] = deque()
        self._background: deque[tuple[float, threading.Lock]] = deque()

    def acquire(self, timeout: float) -> bool:
        """Wait for the lock (at most `timeout` seconds); tell whether it is now held."""
        with self._mutex:
            if not self._busy:
                self._busy = True
                return True
            turn = threading.Lock()
            turn.acquire()
            entry = (self._clock(), turn)
            line = self._background if getattr(_thread, "background", False) else self._requests
            line.append(entry)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            if entry in line:
                line.remove(entry)
                return False
        return True  # handed over just as the wait ran out: it is held

    def release(self) -> None:
        """Hand the lock to the next writer, or leave it free."""
        with self._mutex:
            background = self._background
            if background and (not self._requests
                               or self._clock() - background[0][0] >= BACKGROUND_MAX_WAIT_SECONDS):
                background.popleft()[1].release()
            elif self._requests:
                self._requests.popleft()[1].release()
            else:
                self._busy = False


class MissingDriver(RuntimeError):
    """The database's driver is not installed; the message says what to install."""


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and BEGIN IMMEDIATE."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # hide_parameters: an error's text never carries a phone number or a message into a log.
        try:
            # No ping before every checkout (a round trip on every request): a connection the server
            # dropped fails its first statement, the pool is refreshed, and the webhooks' retry-once
            # (`once_more_if_disconnected`) and the jobs' retries run the work again on a new one.
            # Connections are renewed before idle timeouts in between are likely to cut them.
            return create_engine(url, pool_recycle=POOL_RECYCLE_SECONDS, future=True, hide_parameters=True)
        except (ImportError, NoSuchModuleError) as error:
            raise MissingDriver(f"no driver for {parsed.drivername}:// databases is installed; for PostgreSQL, "
                                "pip install 'hotline[postgres]' (DATABASE_URL postgresql+psycopg://...)") from error

    database = parsed.database or ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, hide_parameters=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # One writer at a time: threads of this process queue on a lock and are handed the database
    # the moment the last writer's COMMIT is done, instead of sleeping in SQLite's busy handler (it
    # polls in steps of up to 100 ms: that was a webhook's worst latency under load). Other
    # processes still wait through busy_timeout.
    writer = WriterQueue()
    holders: dict[int, WriterQueue] = {}  # id of the DBAPI connection holding `writer`

    def release(dbapi_connection) -> None:
        # Given the pool's proxy (commit, rollback) or the sqlite3 connection itself (close).
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        lock = holders.pop(id(raw), None)
        if lock is not None:
            lock.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A reading session needs no write lock: it would hold up the webhooks for nothing.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        raw = connection.connection.dbapi_connection
        # Bounded: a thread that already writes (never done on purpose) falls back on busy_timeout.
        if id(raw) not in holders and writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            holders[id(raw)] = writer
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(raw)
            raise

    dialect = engine.dialect  # each engine has a dialect of its own
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection):
        try:
            commit(dbapi_connection)
        finally:
            release(dbapi_connection)

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        finally:
            release(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection, _record):
        release(dbapi_connection)  # closed mid-transaction: its lock goes with it

    return engine


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False, future=True)

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """Yield a session in one transaction: committed on success, rolled back on error.

        A `read_only` one takes no write lock on SQLite (writers go on meanwhile); it must not write.
        """
        session = self.sessionmaker()
        try:
            with session.begin():
                if read_only:
                    session.connection(execution_options={READ_ONLY: True})
                yield session
        finally:
            session.close()

    def open(self, *, read_only: bool = False) -> Session:
        """A session whose transaction the caller commits or rolls back and closes (a web request's)."""
        session = self.sessionmaker()
        if read_only:
            session.connection(execution_options={READ_ONLY: True})
        return session

    def dispose(self) -> None:
        self.engine.dispose()


def insert_ignore(session: Session, model, values: dict, keys: list[str]) -> bool:
    """INSERT a row unless one with the same unique keys exists (no error, no race); tell if it did."""
    statement = _insert_ignore_statement(session.get_bind().dialect.name, model, tuple(values), tuple(keys))
    return session.execute(statement, values).first() is not None


@lru_cache(maxsize=64)
def _insert_ignore_statement(dialect: str, model, names: tuple[str, ...], keys: tuple[str, ...]):
    # Built once for each table and set of columns, with the values as parameters: a first text
    # makes two of these, and building one cost more than sending it.
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database {dialect}")
    columns = inspect(model).columns
    statement = insert(model.__table__).values({columns[name]: bindparam(name, type_=columns[name].type)
                                                for name in names})
    # RETURNING tells reliably on both databases whether the row went in (rowcount does not).
    primary_key = model.__table__.primary_key.columns.values()[0]
    return statement.on_conflict_do_nothing(index_elements=keys).returning(primary_key)


def insert_with_changes(session: Session, model, values: dict, changed: tuple) -> None:
    """INSERT a row together with the unsaved changes of `changed` and of any other row already
    loaded: one statement on PostgreSQL (UPDATEs in a WITH), so a turn writes its message and its
    state in one round trip.

    New or deleted rows, changes other than to plain columns, or SQLite (which has no UPDATE in
    WITH) take the usual flush.
    """
    rows = list(dict.fromkeys((*changed, *session.dirty)))
    if (session.new or session.deleted or session.get_bind().dialect.name != "postgresql"
            or not all(_only_columns(inspect(row)) for row in rows)):
        session.add(model(**values))
        return
    params = {f"v_{name}": value for name, value in values.items()}
    shape, written = [], []
    for number, row in enumerate(rows):
        state = inspect(row)
        columns = _changed_columns(state)
        if not columns:
            continue
        shape.append((number, state.mapper, tuple(columns)))
        params[f"c{number}_key"] = state.identity[0]
        for name, value in columns.items():
            params[f"c{number}_{name}"] = value
        written.append((row, columns))
    # A Core statement built once per shape of changes (building it cost more than running it).
    with session.no_autoflush:
        session.execute(_insert_with_updates(model, tuple(values), tuple(shape)), params)
    for row, columns in written:
        for name, value in columns.items():
            set_committed_value(row, name, value)
    for row in rows:
        state = inspect(row)
        if state.modified:
            # Every column set since load is saved (or was set to the value it had): clean, as a
            # flush leaves it, so the autoflushes after and the one at COMMIT have nothing to walk.
            state._commit_all(state.dict, session.identity_map)


def _only_columns(state) -> bool:
    """Tell whether a loaded row's unsaved changes are to its own plain columns only (what a WITH can write)."""
    mapper = state.mapper
    return (state.key is not None and len(mapper.primary_key) == 1 and mapper.version_id_col is None
            and set(state.committed_state) <= _column_keys(mapper) and _onupdates(mapper) is not None)


def _changed_columns(state) -> dict:
    """The columns of a loaded row set to a new value since it was read, with their values, and the
    columns the table sets on every UPDATE (updated_at), as a flush would write them."""
    columns = {}
    for key in state.committed_state:
        added = state.attrs[key].history.added
        if added:
            columns[key] = added[0]
    if columns:
        for key, value in _onupdates(state.mapper).items():
            if key not in columns:
                columns[key] = value()
    return columns


@lru_cache(maxsize=None)
def _column_keys(mapper) -> frozenset[str]:
    return frozenset(a.key for a in mapper.column_attrs
                     if len(a.columns) == 1 and getattr(a.columns[0], "table", None) is mapper.local_table)


@lru_cache(maxsize=None)
def _onupdates(mapper) -> dict | None:
    """Attribute -> function giving its ON UPDATE value; None when one is SQL (only a flush writes that)."""
    found = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        default = getattr(column, "onupdate", None)
        if default is None:
            continue
        if default.is_callable:
            found[attr.key] = lambda default=default: default.arg(None)
        elif default.is_scalar:
            found[attr.key] = lambda default=default: default.arg
        else:
            return None
    return found


@lru_cache(maxsize=256)
def _insert_with_updates(model, names: tuple[str, ...], shape: tuple):
    """INSERT of `names` into `model`'s table, with an UPDATE in a WITH for each (number, mapper, keys)."""
    mapper = inspect(model)
    statement = postgresql.insert(mapper.local_table).values(
        {column: bindparam(f"v_{name}", type_=column.type)
         for name in names for column in [mapper.get_property(name).columns[0]]})
    for number, row_mapper, keys in shape:
        key = row_mapper.primary_key[0]
        change = (update(row_mapper.local_table)
                  .where(key == bindparam(f"c{number}_key", type_=key.type))
                  .values({column: bindparam(f"c{number}_{name}", type_=column.type)
                           for name in keys for column in [row_mapper.get_property(name).columns[0]]}))
        statement = statement.add_cte(change.cte(f"changed_{number}"))
    return statement


def insert_or_add(session: Session, model, keys: dict, amounts: dict) -> None:
    """Add `amounts` to the row with these unique keys, making it first if missing, in one statement."""
    dialect = session.get_bind().dialect.name
    statement = _upsert(dialect, model, tuple(keys), tuple(amounts))
    session.execute(statement, {**keys, **amounts})


@lru_cache(maxsize=32)
def _upsert(dialect: str, model, keys: tuple[str, ...], amounts: tuple[str, ...]):
    # Built once: an ON CONFLICT statement costs more to build than to run.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # On the table, not the class: a Core statement, without the ORM's bulk-insert bookkeeping.
    table = model.__table__
    statement = insert(table).values({name: bindparam(name) for name in (*keys, *amounts)})
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in amounts})


def lost_connection(error: BaseException) -> bool:
    """Tell whether an error means the database connection was lost (worth one more try)."""
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    # PostgreSQL's OperationalError: the server went away, restarted or ended the session.
    kind = type(error)
    return kind.__name__ == "OperationalError" and kind.__module__.split(".")[0] in ("psycopg", "psycopg2")


def once_more_if_disconnected(work: Callable[..., T], *args, **kwargs) -> T:
    """Run `work`; if its database connection was lost, run it once more on a fresh one.

    `work` must hold its whole transaction and be safe to run again: when the connection drops
    during COMMIT, the first run may have been kept (the webhooks dedupe on Twilio's sids).
    """
    try:
        return work(*args, **kwargs)
    except Exception as error:
        if not lost_connection(error):
            raise
        log.warning("database connection lost (%s); trying once more", type(error).__name__)
    return work(*args, **kwargs)
