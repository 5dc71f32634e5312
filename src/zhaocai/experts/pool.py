"""Use cases on the expert pool (评标专家库): platform operators register and maintain experts; an expert may declare
their own unavailable periods and relations. Every change is audited; nothing is deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update

from zhaocai.adapters.db.tables.experts import expert_conflicts, expert_unavailability, experts
from zhaocai.adapters.db.uow import UnitOfWork
from zhaocai.core.actor import Actor
from zhaocai.core.canonical import canonical_json
from zhaocai.core.codes.credit_code import validate_credit_code
from zhaocai.core.codes.regions import validate_region_code
from zhaocai.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhaocai.core.ids import new_id
from zhaocai.experts import repository
from zhaocai.experts.model import clean_specialties
from zhaocai.identity import repository as identity
from zhaocai.identity.access import is_system, require_role
from zhaocai.identity.model import Role
from zhaocai.rules import check_at_least, packaged_rules
from zhaocai.rules.table import local_day
from zhaocai.usecase import use_case

OPERATOR = Role.PLATFORM_OPERATOR.value


def _text(value: str, field: str, max_length: int = 200) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > max_length or "\x00" in cleaned:
        raise ValidationFailed(f"{field} must be 1 to {max_length} characters", field=field)
    return cleaned


def _qualified(uow: UnitOfWork, years: int, senior_title: bool) -> None:
    rule = packaged_rules().get("expert_min_years_experience", local_day(uow.clock.now()))
    check_at_least(years, rule, field="years_experience")
    if not senior_title:
        raise ValidationFailed(
            f"{rule.statement}: without a senior title or the equivalent, an expert cannot join the pool",
            field="senior_title",
            citation=rule.citation,
        )


def _employer(uow: UnitOfWork, credit_code: str | None) -> tuple[str | None, str | None]:
    """(credit code, organisation id if the employer is registered here)."""
    if credit_code is None:
        return None, None
    code = validate_credit_code(credit_code).code
    org = identity.find_organisation_by_credit_code(uow.conn, code)
    return code, org.id if org else None


def _certificate(uow: UnitOfWork, user_id: str, fingerprint: str | None) -> str | None:
    if fingerprint is None:
        return None
    found = identity.find_certificate_by_fingerprint(uow.conn, fingerprint.lower())
    if found is None or found["user_id"] != user_id or found["usage"] != "sign":
        raise ValidationFailed(
            "certificate_fingerprint must name a signing certificate the expert has registered to their own account",
            field="certificate_fingerprint",
        )
    return fingerprint.lower()


@use_case("experts.register_expert", object_type="expert")
def do_register_expert(
    *,
    uow: UnitOfWork,
    actor: Actor,
    user_id: str,
    name: str,
    specialties: list[str],
    region_code: str,
    employer_name: str,
    employer_credit_code: str | None,
    title: str,
    senior_title: bool,
    years_experience: int,
    certificate_fingerprint: str | None = None,
    punished: bool = False,
    supervising_staff: bool = False,
) -> repository.ExpertRecord:
    """Add an expert to the pool: an identity user with the role expert, qualified under 法37 (8 years, senior
    title). The employer's 统一社会信用代码 links the expert to a registered organisation for recusal."""
    require_role(actor, OPERATOR, action="registering an expert")
    user = identity.get_user(uow.conn, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}", field="user_id")
    if Role.EXPERT not in user.roles:
        raise ValidationFailed("the user must hold the role expert to join the expert pool", field="user_id")
    if repository.expert_of_user(uow.conn, user_id) is not None:
        raise Conflict(f"user {user_id} is already in the expert pool", field="user_id", code="duplicate")
    _qualified(uow, years_experience, senior_title)
    validate_region_code(region_code)
    code, org_id = _employer(uow, employer_credit_code)
    now = uow.clock.now()
    expert_id = new_id()
    uow.audit.object_id = expert_id  # type: ignore[attr-defined]
    uow.conn.execute(
        insert(experts).values(
            id=expert_id,
            user_id=user_id,
            name=_text(name, "name", 100),
            specialties=canonical_json(list(clean_specialties(specialties))).decode(),
            region_code=region_code,
            employer_name=_text(employer_name, "employer_name"),
            employer_credit_code=code,
            employer_org_id=org_id,
            title=_text(title, "title", 100),
            senior_title=senior_title,
            years_experience=years_experience,
            certificate_fingerprint=_certificate(uow, user_id, certificate_fingerprint),
            punished=punished,
            supervising_staff=supervising_staff,
            status="active",
            registered_at=now,
            registered_by=actor.user_id,
            updated_at=now,
        )
    )
    return repository.get_expert(uow.conn, expert_id)


@use_case("experts.update_expert", object_type="expert")
def do_update_expert(
    *,
    uow: UnitOfWork,
    actor: Actor,
    expert_id: str,
    specialties: list[str] | None = None,
    region_code: str | None = None,
    employer_name: str | None = None,
    employer_credit_code: str | None = None,
    title: str | None = None,
    years_experience: int | None = None,
    certificate_fingerprint: str | None = None,
    punished: bool | None = None,
    supervising_staff: bool | None = None,
    status: str | None = None,
) -> repository.ExpertRecord:
    """Change what is given; the rest stays. A new certificate fingerprint must be the expert's own."""
    require_role(actor, OPERATOR, action="updating an expert")
    found = repository.get_expert(uow.conn, expert_id)
    values: dict[str, object] = {"updated_at": uow.clock.now()}
    if specialties is not None:
        values["specialties"] = canonical_json(list(clean_specialties(specialties))).decode()
    if region_code is not None:
        validate_region_code(region_code)
        values["region_code"] = region_code
    if employer_name is not None:
        values["employer_name"] = _text(employer_name, "employer_name")
    if employer_credit_code is not None:
        values["employer_credit_code"], values["employer_org_id"] = _employer(uow, employer_credit_code)
    if title is not None:
        values["title"] = _text(title, "title", 100)
    if years_experience is not None:
        _qualified(uow, years_experience, found.senior_title)
        values["years_experience"] = years_experience
    if certificate_fingerprint is not None:
        values["certificate_fingerprint"] = _certificate(uow, found.user_id, certificate_fingerprint)
    for key, flag in (("punished", punished), ("supervising_staff", supervising_staff)):
        if flag is not None:
            values[key] = flag
    if status is not None:
        if status not in ("active", "retired"):
            raise ValidationFailed("status must be active or retired", field="status")
        values["status"] = status
    uow.conn.execute(update(experts).where(experts.c.id == expert_id).values(**values))
    return repository.get_expert(uow.conn, expert_id)


@use_case("experts.blacklist_expert", object_type="expert")
def do_blacklist_expert(*, uow: UnitOfWork, actor: Actor, expert_id: str, reason: str) -> repository.ExpertRecord:
    """Put an expert on the blacklist: never drawn while listed (recusal reason recorded in each draw)."""
    require_role(actor, OPERATOR, action="blacklisting an expert")
    found = repository.get_expert(uow.conn, expert_id)
    if found.blacklisted_at is not None:
        raise Conflict(f"expert {expert_id} is already blacklisted", field="expert_id", code="blacklisted")
    now = uow.clock.now()
    uow.conn.execute(
        update(experts)
        .where(experts.c.id == expert_id)
        .values(blacklisted_at=now, blacklist_reason=_text(reason, "reason", 2000), updated_at=now)
    )
    return repository.get_expert(uow.conn, expert_id)


@use_case("experts.lift_blacklist", object_type="expert")
def do_lift_blacklist(*, uow: UnitOfWork, actor: Actor, expert_id: str, reason: str) -> repository.ExpertRecord:
    require_role(actor, OPERATOR, action="lifting an expert's blacklisting")
    found = repository.get_expert(uow.conn, expert_id)
    if found.blacklisted_at is None:
        raise Conflict(f"expert {expert_id} is not blacklisted", field="expert_id", code="not_blacklisted")
    _text(reason, "reason", 2000)
    uow.conn.execute(
        update(experts)
        .where(experts.c.id == expert_id)
        .values(blacklisted_at=None, blacklist_reason=None, updated_at=uow.clock.now())
    )
    return repository.get_expert(uow.conn, expert_id)


def _operator_or_self(uow: UnitOfWork, actor: Actor, expert_id: str, action: str) -> repository.ExpertRecord:
    found = repository.get_expert(uow.conn, expert_id)
    if is_system(actor) or actor.has_role(OPERATOR) or (actor.user_id and actor.user_id == found.user_id):
        return found
    raise Forbidden(f"{action} is for platform operators or the expert themself", field="role", code="role")


@use_case("experts.record_unavailability", object_type="expert")
def do_record_unavailability(
    *, uow: UnitOfWork, actor: Actor, expert_id: str, from_at: datetime, until: datetime, reason: str
) -> str:
    """A period the expert cannot serve (business travel, illness); draws whose evaluation falls in it recuse them."""
    _operator_or_self(uow, actor, expert_id, "recording unavailability")
    if from_at.tzinfo is None or until.tzinfo is None:
        raise ValidationFailed("give times with a timezone", field="from_at")
    if until <= from_at:
        raise ValidationFailed("until must be after from_at", field="until")
    period_id = new_id()
    uow.conn.execute(
        insert(expert_unavailability).values(
            id=period_id,
            expert_id=expert_id,
            from_at=from_at,
            until_at=until,
            reason=_text(reason, "reason", 2000),
            recorded_at=uow.clock.now(),
            recorded_by=actor.user_id,
        )
    )
    return period_id


@use_case("experts.declare_conflict", object_type="expert")
def do_declare_conflict(*, uow: UnitOfWork, actor: Actor, expert_id: str, org_id: str, relation: str) -> str:
    """A relation with an organisation (a relative works there, an economic interest, 评标规定12): the expert is
    recused from every lot where that organisation bids or is on the tender side."""
    _operator_or_self(uow, actor, expert_id, "declaring a conflict")
    if identity.get_organisation(uow.conn, org_id) is None:
        raise NotFound(f"no organisation {org_id}", field="org_id")
    conflict_id = new_id()
    uow.conn.execute(
        insert(expert_conflicts).values(
            id=conflict_id,
            expert_id=expert_id,
            org_id=org_id,
            relation=_text(relation, "relation", 2000),
            declared_at=uow.clock.now(),
            recorded_by=actor.user_id,
        )
    )
    return conflict_id
