"""What a bid is checked against, pure: the envelope header against the lot's bidding terms and the uploader, the
deadline, replays. Every refusal names the rule (and its citation when the law is the reason) and speaks only of
the uploader's own bid: nothing here can reveal another bidder (DESIGN principle 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from zhaocai.core.clock import SHANGHAI
from zhaocai.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from zhaocai.sealing import EnvelopeHeader

SECRECY_CITATION = "招标投标法22; 电子招标投标办法27"
DEADLINE_CITATION = "电子招标投标办法27"
MODIFY_CITATION = "招标投标法29"
WITHDRAW_CITATION = "招标投标法29; 条例35"
AFFILIATE_CITATION = "电子招标投标办法23"
INVITED_CITATION = "招标投标法17"
PREQUALIFIED_CITATION = "条例19"
CONSORTIUM_CITATION = "招标投标法31"
SAME_REPRESENTATIVE_CITATION = "条例34"
CONSORTIUM_OVERLAP_CITATION = "条例37"
APPLICATION_CITATION = "电子招标投标办法28"
APPLICATIONS_DUE_CITATION = "条例17"
APPLICATION_WITHDRAW_CITATION = "电子招标投标办法28; 招标投标法29"

ONE_ENVELOPE = ("whole",)
TWO_ENVELOPES = ("technical", "price")


class DeadlinePassed(DomainError):
    status = 409
    code = "deadline_passed"


def expected_sections(two_envelope: bool) -> tuple[str, ...]:
    return TWO_ENVELOPES if two_envelope else ONE_ENVELOPE


def check_header(header: EnvelopeHeader, terms: Any, *, lot_id: str, bidder_credit_code: str) -> None:
    """The envelope is sealed for this tender, this lot, this suite, with the sections and key wraps the tender
    asks for, by this bidder. `terms` is a zhaocai.tendering.queries.BiddingTerms."""
    if header.lot_id != lot_id:
        raise ValidationFailed(
            f"the envelope is sealed for lot {header.lot_id!r}, not for lot {lot_id!r} it was uploaded to",
            field="envelope.lot_id",
            code="wrong_lot",
        )
    if header.tender_id != terms.tender_id:
        raise ValidationFailed(
            f"the envelope is sealed for tender {header.tender_id!r}; lot {lot_id} belongs to tender "
            f"{terms.tender_id!r}",
            field="envelope.tender_id",
            code="wrong_tender",
        )
    if header.suite != terms.suite:
        raise ValidationFailed(
            f"the tender uses the {terms.suite} crypto suite; the envelope is sealed with {header.suite}",
            field="envelope.suite",
            code="wrong_suite",
        )
    _check_sections(header, expected_sections(terms.two_envelope))
    _check_backup_wraps(header, terms.backup_key_remedy)
    if header.bidder.lead != bidder_credit_code:
        raise Forbidden(
            f"the envelope names bidder {header.bidder.lead!r}; your organisation's 统一社会信用代码 is "
            f"{bidder_credit_code} (a consortium's bid is submitted by its lead member)",
            field="envelope.bidder",
            code="bidder_mismatch",
        )


def _check_sections(header: EnvelopeHeader, expected: Sequence[str]) -> None:
    names = tuple(section.name for section in header.sections)
    if sorted(names) != sorted(expected):
        kind = "a two-envelope tender (技术标 and 商务报价分开加密)" if len(expected) == 2 else "a one-envelope tender"
        raise ValidationFailed(
            f"this is {kind}: the envelope needs the sections {', '.join(expected)}; it has {', '.join(names)}",
            field="envelope.sections",
            code="wrong_sections",
        )


def _check_backup_wraps(header: EnvelopeHeader, remedy: bool) -> None:
    for section in header.sections:
        has_backup = section.key_wrap("backup") is not None
        if remedy and not has_backup:
            raise ValidationFailed(
                f"the tender documents announce the backup-key remedy (电子招标投标办法31): section {section.name!r} "
                "must also be wrapped to your backup key (zhaocai bidder keygen)",
                field=f"envelope.sections.{section.name}.key_wraps",
                code="backup_wrap_missing",
            )
        if not remedy and has_backup:
            raise ValidationFailed(
                f"the tender documents announce no backup-key remedy: section {section.name!r} must be wrapped to "
                "your encryption certificate only",
                field=f"envelope.sections.{section.name}.key_wraps",
                code="backup_wrap_unexpected",
            )


def check_signer_is_bidder(signer_credit_code: str | None, signer_subject: str, bidder_credit_code: str) -> None:
    """The signing certificate names (in its subject) the uploading organisation's 统一社会信用代码."""
    if signer_credit_code != bidder_credit_code:
        named = f"names {signer_credit_code}" if signer_credit_code else "names no 统一社会信用代码"
        raise Forbidden(
            f"the envelope is signed with certificate '{signer_subject}', which {named}; bids are signed with your "
            f"own organisation's certificate ({bidder_credit_code})",
            field="envelope.signer_certificate",
            code="signer_not_bidder",
        )


def check_before_deadline(
    now: datetime, deadline: datetime | None, *, what: str = "bid", citation: str = DEADLINE_CITATION
) -> None:
    """A bid (or an application), a modification or a withdrawal counts only if it is complete — committed — before
    the deadline (for an application: the time applications are due)."""
    if deadline is None:
        raise Conflict(f"there is no {what} deadline yet: {what}s are not being taken", code=f"not_accepting_{what}s")
    if now >= deadline:
        raise DeadlinePassed(
            f"the {what} deadline {_beijing(deadline)} has passed (the platform's time is {_beijing(now)}): "
            f"a {what} that has not been received in full by the deadline is refused",
            field="deadline",
            citation=citation,
        )


def _beijing(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="milliseconds")


def check_accepting(terms: Any, now: datetime) -> None:
    """The lot takes bids now: its tender is in a bidding state (not suspended, cancelled, ...) and before the
    deadline."""
    check_before_deadline(now, terms.bid_deadline)
    if not terms.accepting_bids:
        raise Conflict(
            f"lot {terms.lot_id} is not taking bids (the tender is {terms.state})",
            field="lot_id",
            code="not_accepting_bids",
        )


def check_new_version(bid_version: int, latest: int | None) -> None:
    """Only a higher version replaces the bid (修改); an older or equal one is a replay or a rollback."""
    if latest is not None and bid_version <= latest:
        raise Conflict(
            f"bid_version {bid_version} is not above your latest accepted version {latest}: seal the "
            f"modification as version {latest + 1} or higher (a replayed or older envelope is refused)",
            field="envelope.bid_version",
            code="stale_version",
            citation=MODIFY_CITATION,
        )


def replayed_nonce() -> Conflict:
    return Conflict(
        "this envelope (its nonce) was already submitted: a replayed envelope is refused; seal a new one",
        field="envelope.nonce",
        code="replayed_envelope",
    )


def check_may_bid(terms: Any, org_id: str) -> None:
    """Invited tenders take bids from invitees only, prequalified tenders from those that passed."""
    if terms.method == "invited" and org_id not in terms.invitees:
        raise Forbidden(
            "this is an invited tender (邀请招标): only the organisations invited may bid, and yours was not",
            field="lot_id",
            code="not_invited",
            citation=INVITED_CITATION,
        )
    if terms.prequalification and org_id not in terms.qualified_org_ids:
        raise Forbidden(
            "this tender was prequalified (资格预审): only applicants that passed may bid, and yours did not",
            field="lot_id",
            code="not_prequalified",
            citation=PREQUALIFIED_CITATION,
        )
