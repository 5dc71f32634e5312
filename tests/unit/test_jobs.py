"""A periodic job keeps running after a failing run, and stops when told."""

import threading
import time

import pytest

from zhaocai.jobs import PeriodicJob


def test_job_survives_a_failure_and_stops():
    runs, errors, done = [], [], threading.Event()

    def run():
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("lost connection")
        if len(runs) >= 3:
            done.set()

    job = PeriodicJob("test-job", run, 0.01, on_error=errors.append).start()
    try:
        assert done.wait(10), "the job stopped running after its first failure"
    finally:
        job.stop()
    count = len(runs)
    assert [str(e) for e in errors] == ["lost connection"]
    time.sleep(0.05)
    assert len(runs) == count, "the job ran after stop()"


def test_a_job_cannot_be_started_twice():
    job = PeriodicJob("test-job", lambda: None, 10).start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            job.start()
    finally:
        job.stop()
