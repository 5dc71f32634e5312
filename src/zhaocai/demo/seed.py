"""Demo data, created through the same audited use cases as the API, and idempotent: a second run changes nothing.

What cannot be shown twice (administrators' TOTP secrets) is kept in <data>/logins.json — a demo convenience only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from zhaocai.bootstrap import Container
from zhaocai.core.actor import Actor
from zhaocai.core.codes.credit_code import make_credit_code, organization_check_digit
from zhaocai.crypto import keys as crypto_keys
from zhaocai.crypto.ca import CertificateAuthority
from zhaocai.crypto.certs.pem import pem_blocks
from zhaocai.experts.pool import do_register_expert
from zhaocai.identity import repository
from zhaocai.identity.access import SYSTEM_ROLE
from zhaocai.identity.certificates import do_issue_certificate_challenge, do_register_certificate
from zhaocai.identity.env import identity_env
from zhaocai.identity.model import OrganisationDraft, OrgKind
from zhaocai.identity.organisations import do_register_organisation, do_verify_organisation
from zhaocai.identity.users import do_create_user

SYSTEM = Actor(roles=frozenset({SYSTEM_ROLE}), auth_method="cli")
DEMO_PASSWORD = "Zhaocai-Demo-2026"  # noqa: S105 -- printed for the demo, not a secret

ADMINS = (
    ("sysadmin", "system_admin", "系统管理员"),
    ("secadmin", "security_admin", "安全管理员"),
    ("auditadmin", "audit_admin", "审计管理员"),
    ("operator", "platform_operator", "平台运营员"),
)


@dataclass(frozen=True)
class DemoOrganisation:
    username: str
    name: str
    organisation_code: str  # the 8-digit body of the GB 11714 organisation code
    region_code: str
    legal_representative: str
    kind: OrgKind

    @property
    def credit_code(self) -> str:
        body = self.organisation_code
        return make_credit_code("91" + self.region_code + body + organization_check_digit(body))


ORGANISATIONS = (
    DemoOrganisation("tenderer", "演示市城市建设投资有限公司", "20260001", "110108", "王建国", OrgKind.TENDERER),
    DemoOrganisation("bidder-a", "演示第一建工集团有限公司", "20260002", "310115", "李明", OrgKind.BIDDER),
    DemoOrganisation("bidder-b", "演示路桥工程有限公司", "20260003", "440305", "张华", OrgKind.BIDDER),
    DemoOrganisation("bidder-c", "演示安装工程股份有限公司", "20260004", "510107", "陈静", OrgKind.BIDDER),
)


@dataclass(frozen=True)
class DemoExpert:
    username: str
    name: str
    specialty: str
    employer: str


# Seven experts: a committee of five and two reserves (评标委员会, 条例46).
EXPERTS = tuple(
    DemoExpert(f"expert-{n}", name, "A010101", employer)
    for n, (name, employer) in enumerate(
        [
            ("赵立新", "演示市建筑设计研究院"),
            ("钱文博", "演示大学土木工程学院"),
            ("孙海燕", "演示市工程造价咨询中心"),
            ("李国栋", "演示省建筑科学研究院"),
            ("周晓明", "演示市市政设计院"),
            ("吴建华", "演示理工大学"),
            ("郑秀英", "演示工程咨询有限公司"),
        ],
        start=1,
    )
)


def seed(container: Container, authorities: dict[str, CertificateAuthority]) -> dict[str, object]:
    logins_file = container.settings.data_dir / "logins.json"
    logins: dict[str, object] = json.loads(logins_file.read_text()) if logins_file.exists() else {}
    env = identity_env(container)
    for username, role, display in ADMINS:
        if _user(container, username) is None:
            created = do_create_user(
                uow=container.uow(),
                actor=SYSTEM,
                env=env,
                org_id=None,
                username=username,
                display_name=display,
                email=f"{username}@demo.zhaocai.invalid",
                roles=frozenset({role}),
                password=DEMO_PASSWORD,
            )
            logins[username] = {"role": role, "password": DEMO_PASSWORD, "totp_secret": created.totp_secret}
    for org in ORGANISATIONS:
        if _user(container, org.username) is None:
            _register(container, org)
            logins[org.username] = {"organisation": org.name, "credit_code": org.credit_code, "password": DEMO_PASSWORD}
        certificates = _certificates(container, authorities["gm"], org)
        logins[org.username]["certificates"] = certificates  # type: ignore[index]
    for expert in EXPERTS:
        if _user(container, expert.username) is None:
            _register_expert(container, authorities["gm"], expert)
        logins[expert.username] = {"role": "expert", "name": expert.name, "password": DEMO_PASSWORD}
    logins_file.write_text(json.dumps(logins, ensure_ascii=False, indent=2))
    logins_file.chmod(0o600)
    return logins


def _user(container: Container, username: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return repository.find_user_by_username(uow.conn, username)


def _register(container: Container, org: DemoOrganisation) -> None:
    env = identity_env(container)
    registered = do_register_organisation(
        uow=container.uow(),
        actor=Actor(auth_method="demo"),
        env=env,
        draft=OrganisationDraft(
            name=org.name,
            credit_code=org.credit_code,
            legal_representative=org.legal_representative,
            contact_name=org.legal_representative,
            contact_phone="13800000000",
            contact_email=f"{org.username}@demo.zhaocai.invalid",
            region_code=org.region_code,
            kinds=frozenset({org.kind}),
        ),
        username=org.username,
        display_name=org.name,
        email=f"{org.username}@demo.zhaocai.invalid",
        phone=None,
        password=DEMO_PASSWORD,
    )
    do_verify_organisation(uow=container.uow(), actor=SYSTEM, org_id=registered.org_id, note="demo subject")


def _certificates(container: Container, ca: CertificateAuthority, org: DemoOrganisation) -> dict[str, str]:
    """A signing and an encryption certificate per subject (files under <data>/certs), the signing one registered
    to its user by signing a login challenge — exactly what a holder of a real CA certificate does."""
    directory = container.settings.data_dir / "certs"
    directory.mkdir(exist_ok=True)
    paths = {usage: directory / f"{org.username}-{usage}" for usage in ("sign", "encrypt")}
    for usage, prefix in paths.items():
        if not Path(f"{prefix}.pem").exists():
            subject = f"CN={org.name},O={org.name},C=CN"
            ca.issue(subject=subject, usage=usage, credit_code=org.credit_code).write(prefix)
            if usage == "sign":
                _register_certificate(container, org.username, prefix)
    return {f"{usage}_certificate": f"{prefix}.pem" for usage, prefix in paths.items()} | {
        f"{usage}_key": f"{prefix}.key.pem" for usage, prefix in paths.items()
    }


def _register_expert(container: Container, ca: CertificateAuthority, expert: DemoExpert) -> None:
    """An expert's account, its signing certificate (it signs evaluation reports with it) and its pool record."""
    created = do_create_user(
        uow=container.uow(),
        actor=SYSTEM,
        env=identity_env(container),
        org_id=None,
        username=expert.username,
        display_name=expert.name,
        email=f"{expert.username}@demo.zhaocai.invalid",
        roles=frozenset({"expert"}),
        password=DEMO_PASSWORD,
    )
    prefix = container.settings.data_dir / "certs" / f"{expert.username}-sign"
    prefix.parent.mkdir(exist_ok=True)
    ca.issue(subject=f"CN={expert.name},O=评标专家,C=CN", usage="sign").write(prefix)
    fingerprint = _register_certificate(container, expert.username, prefix)
    do_register_expert(
        uow=container.uow(),
        actor=SYSTEM,
        user_id=created.user_id,
        name=expert.name,
        specialties=[expert.specialty],
        region_code="110108",
        employer_name=expert.employer,
        employer_credit_code=None,
        title="正高级工程师",
        senior_title=True,
        years_experience=15,
        certificate_fingerprint=fingerprint,
    )


def _register_certificate(container: Container, username: str, prefix: Path) -> str:
    """Register the certificate at `prefix` to the user by signing a login challenge; its SHA-256 fingerprint."""
    user = _user(container, username)
    actor = Actor(user_id=user.id, org_id=user.org_id, roles=frozenset(user.roles), auth_method="demo")
    env = identity_env(container)
    challenge = do_issue_certificate_challenge(uow=container.uow(), actor=actor, env=env)
    [(_label, key_der)] = pem_blocks(Path(f"{prefix}.key.pem").read_bytes())
    signing_key = crypto_keys.load_private_key(key_der)
    do_register_certificate(
        uow=container.uow(),
        actor=actor,
        env=env,
        challenge_id=challenge.challenge_id,
        certificate=Path(f"{prefix}.pem").read_bytes(),
        signature=signing_key.sign(challenge.message),
    )
    certificate_der = pem_blocks(Path(f"{prefix}.pem").read_bytes())[0][1]
    return hashlib.sha256(certificate_der).hexdigest()
