"""Unit of work: owns one database transaction; collects work to do only after it commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

from zhaocai.core.clock import Clock

if TYPE_CHECKING:
    from zhaocai.notifications.ports import EmailSender


class UnitOfWork:
    """`with uow:` opens a transaction; `uow.commit()` commits it; leaving without commit rolls back.

    A `read_only` unit of work only reads (checks made before a use case, which re-checks in its own transaction);
    on PostgreSQL it runs without a transaction.

    Callbacks registered with `after_commit` run once the commit has succeeded (notifications are sent
    there, never inside the transaction).
    """

    def __init__(
        self, engine: Engine, clock: Clock, *, email_sender: EmailSender | None = None, read_only: bool = False
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.email_sender = email_sender
        self.read_only = read_only
        self._conn: Connection | None = None
        self._after_commit: list[Callable[[], Any]] = []

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `with`")
        return self._conn

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def __enter__(self) -> UnitOfWork:
        if self._conn is not None:
            raise RuntimeError("unit of work is not re-entrant")
        self._conn = self.engine.connect()
        if self.read_only and self.dialect == "postgresql":
            # each read sees the latest committed state; no BEGIN and ROLLBACK round trips around them
            self._conn = self._conn.execution_options(isolation_level="AUTOCOMMIT")
        self._conn.begin()
        self._after_commit = []
        return self

    def __exit__(self, *exc: object) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            conn.close()

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work commits nothing")
        self.conn.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        self.conn.rollback()
        self._after_commit = []

    def after_commit(self, callback: Callable[[], Any]) -> None:
        self._after_commit.append(callback)

    def commit_without_waiting_for_disk(self) -> None:
        """Let this transaction's commit return before its WAL record is on disk (PostgreSQL's synchronous_commit off,
        for this transaction only): for bookkeeping a crash may lose without harm, such as a token's last-use time.
        SQLite has no per-transaction switch; there the commit stays durable."""
        if self.dialect == "postgresql":
            self.conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


UnitOfWorkFactory = Callable[[], UnitOfWork]
