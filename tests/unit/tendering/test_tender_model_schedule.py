"""Model additions the service relies on: the earliest lawful schedule, and who passed prequalification."""

from __future__ import annotations

from tendering_world import (
    APPLICATIONS_DUE,
    EARLIEST_DEADLINE,
    ISSUE_AT,
    PREQUAL_SALE_ENDS,
    SALE_ENDS,
    at,
    book,
    prequal_passed,
    publish,
    reach,
    start_prequal,
    tender,
)

from zhaocai.tendering.model import Event, EventKind, Stage, State, earliest_schedule, fire, successor_tender


def test_earliest_schedule_is_the_exact_minimum_the_guards_accept():
    assert earliest_schedule(ISSUE_AT, Stage.TENDER, book()) == (SALE_ENDS, EARLIEST_DEADLINE)
    # prequalification: sale ends 03-11 00:00 (24:00 on 03-10); 5 days 03-11..03-15, Saturday rolls to Monday 03-17
    assert earliest_schedule(ISSUE_AT, Stage.PREQUALIFICATION, book()) == (SALE_ENDS, at(2025, 3, 18))
    not_mandatory = book(mandatory=False)
    assert earliest_schedule(ISSUE_AT, Stage.TENDER, not_mandatory) == (SALE_ENDS, SALE_ENDS)  # 法24 does not bind


def test_the_prequalification_result_records_who_passed_and_a_re_tender_forgets_them():
    running = start_prequal(publish(tender(prequalification=True)))
    assert (
        running.schedule.prequal_sale_ends_at,
        running.schedule.applications_due,
    ) == (PREQUAL_SALE_ENDS, APPLICATIONS_DUE)
    passed = fire(
        running,
        Event(
            EventKind.PUBLISH_PREQUAL_RESULT, APPLICATIONS_DUE, passed_applicants=3, qualified_org_ids=("A", "B", "C")
        ),
    )
    assert passed.state is State.PREQUALIFICATION_RESULT and passed.qualified_org_ids == ("A", "B", "C")
    failed = fire(
        running,
        Event(EventKind.DECLARE_FAILED, APPLICATIONS_DUE, passed_applicants=2, qualified_org_ids=("A", "B")),
    )
    assert failed.qualified_org_ids == ("A", "B")
    assert successor_tender(failed, id="T2", seq=2).qualified_org_ids == ()
    assert prequal_passed(running).qualified_org_ids == ()  # a count alone names nobody
    assert reach(State.DRAFT).qualified_org_ids == ()
