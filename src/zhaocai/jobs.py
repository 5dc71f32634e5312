"""Background work of a running platform: each job is a function called every `interval` seconds in a daemon
thread. The database is the source of truth, so every job is idempotent and a missed or doubled run is harmless
(the audit sequencer, the tender scheduler, bond refund reminders, notification delivery)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("zhaocai.jobs")


class PeriodicJob:
    def __init__(
        self,
        name: str,
        run: Callable[[], Any],
        interval: float,
        *,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.name = name
        self.run = run
        self.interval = interval
        self.on_error = on_error
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> PeriodicJob:
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run()
            except Exception as error:  # keep going after a passing fault (lost connection, lock timeout)
                log.exception("%s failed; retrying in %.1f s", self.name, self.interval)
                if self.on_error is not None:
                    self.on_error(error)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def platform_jobs(container: Any) -> list[PeriodicJob]:
    """What a platform runs beside its web workers, one of each per database: every platform sequences its audit log
    and delivers mail; a trading platform also runs its tenders' time events, the closing of opening sessions whose
    decryption window has ended, bond refund reminders, the restart of
    expert draws whose reveals are overdue, the award stage's duty reminders and the archiving of concluded
    tenders."""
    from zhaocai.archive.conclusion import archive_concluded_tenders
    from zhaocai.audit.wiring import make_sequencer
    from zhaocai.bonds.service import do_process_bond_refunds
    from zhaocai.experts.draws import overdue_draws_job
    from zhaocai.notifications.delivery import deliver_pending
    from zhaocai.opening.closing import opening_job
    from zhaocai.tendering.scheduler import Scheduler

    sequencer = make_sequencer(container)
    jobs = [
        PeriodicJob("audit-sequencer", sequencer.drain, 0.5),
        PeriodicJob(
            "notifications", lambda: deliver_pending(container.engine, container.email_sender, container.clock), 30.0
        ),
    ]
    if container.settings.role == "trading":
        jobs += [
            PeriodicJob("tender-scheduler", Scheduler(container).run_once, 1.0),
            PeriodicJob("openings", lambda: opening_job(container), 1.0),
            PeriodicJob(
                "bond-refunds", lambda: do_process_bond_refunds(uow_factory=container.uow, clock=container.clock), 60.0
            ),
            PeriodicJob("expert-draws", overdue_draws_job(container), 5.0),
            PeriodicJob("award-duties", lambda: check_award_duties(container), 60.0),
            PeriodicJob("archive-concluded", lambda: archive_concluded_tenders(container), 60.0),
        ]
    return jobs


def check_award_duties(container: Any) -> None:
    """Remind and flag the award stage's tracked duties (objection answers, the report to the supervisor, the
    contract), running the audited use case only when something is due."""
    from zhaocai.award.tracking import do_check_award_duties, duties_due
    from zhaocai.core.actor import SYSTEM

    with container.uow() as uow:
        due = duties_due(uow.conn, container.clock.now())
    if due:
        do_check_award_duties(uow=container.uow(), actor=SYSTEM)


def start_all(jobs: list[PeriodicJob]) -> list[PeriodicJob]:
    return [job.start() for job in jobs]


def stop_all(jobs: list[PeriodicJob]) -> None:
    for job in jobs:
        job.stop()
