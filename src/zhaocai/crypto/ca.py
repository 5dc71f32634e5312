"""A demo / test certificate authority, one per directory (several can coexist): a self-signed root, leaf
certificates for bidders and agencies (signing or encryption), revocation and CRLs, for either suite.

Not a production CA: real certificates come from licensed CAs (电子认证服务许可); the trust store accepts theirs the
same way. Directory layout:

    ca.json   state (0600): name, suite, root certificate, the root key sealed under the CA passphrase
              (scrypt + AES-256-GCM, as in the keyring), certificates issued, revocations, CRL number
    ca.pem    the root certificate, to copy into a trust directory

Subjects are RFC 4514 strings; a 统一社会信用代码 given separately is put in the subject's serialNumber (2.5.4.5).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from zhaocai.core.clock import Clock, RealClock
from zhaocai.crypto import keys
from zhaocai.crypto.certs import build_gm, build_std
from zhaocai.crypto.certs.names import format_name, parse_name, with_credit_code
from zhaocai.crypto.certs.parsed import ParsedCertificate
from zhaocai.crypto.certs.pem import pem_encode
from zhaocai.crypto.certs.profile import (
    CA_KEY_USAGE,
    REVOCATION_REASONS,
    SIGN_EXTENDED_KEY_USAGE,
    USAGES,
    CertificateProfile,
    CrlProfile,
    RevokedEntry,
    Usage,
    leaf_key_usage,
)
from zhaocai.crypto.files import ensure_private_dir, locked_directory, write_private_file
from zhaocai.crypto.ports import SigningKey
from zhaocai.crypto.sealed_key import DEFAULT_SCRYPT_N, seal, unseal
from zhaocai.crypto.suites import SUITE_NAMES, get_suite

CA_FORMAT = "zhaocai-ca/1"
STATE_FILE = "ca.json"
CERTIFICATE_FILE = "ca.pem"
_KEY_ALGORITHM = {"gm": keys.SM2, "std": keys.ECDSA_P256}
_BUILDERS = {"gm": build_gm, "std": build_std}


class CertificateAuthorityError(Exception):
    """The CA cannot do what was asked."""


@dataclass(frozen=True)
class IssuedCertificate:
    serial: int
    subject: str
    usage: Usage
    certificate_pem: bytes
    private_key_pem: bytes | None  # None when the holder supplied its own public key

    def write(self, prefix: Path) -> list[Path]:
        """`<prefix>.pem` (certificate) and, when the CA made the key, `<prefix>.key.pem` (PKCS#8, mode 0600)."""
        certificate_path = prefix.with_name(prefix.name + ".pem")
        certificate_path.write_bytes(self.certificate_pem)
        written = [certificate_path]
        if self.private_key_pem is not None:
            key_path = prefix.with_name(prefix.name + ".key.pem")
            write_private_file(key_path, self.private_key_pem)
            written.append(key_path)
        return written


def _key_aad(certificate_der: bytes) -> bytes:
    return f"{CA_FORMAT}\n".encode() + certificate_der


def _random_serial() -> int:
    return secrets.randbelow(2**63 - 1) + 1


class CertificateAuthority:
    def __init__(self, directory: Path, state: dict[str, Any], key: SigningKey, clock: Clock) -> None:
        self.directory = directory
        self._state = state
        self._key = key
        self._clock = clock
        self.certificate = ParsedCertificate.from_bytes(state["certificate"].encode())

    @property
    def name(self) -> str:
        return str(self._state["name"])

    @property
    def suite(self) -> str:
        return str(self._state["suite"])

    @property
    def certificate_pem(self) -> bytes:
        return str(self._state["certificate"]).encode()

    @classmethod
    def init(
        cls,
        directory: Path,
        *,
        name: str,
        suite: str,
        passphrase: bytes,
        clock: Clock | None = None,
        days: int = 3650,
        scrypt_n: int = DEFAULT_SCRYPT_N,
    ) -> CertificateAuthority:
        """A new CA in `directory` with a self-signed root valid for `days` from now."""
        if suite not in SUITE_NAMES:
            raise CertificateAuthorityError(f"unknown suite {suite!r}: expected gm or std")
        if not name.strip():
            raise CertificateAuthorityError("a CA needs a name")
        ensure_private_dir(directory)
        clock = clock or RealClock()
        with locked_directory(directory):
            if (directory / STATE_FILE).exists():
                raise CertificateAuthorityError(f"{directory} already holds a CA")
            key = get_suite(suite).generate_signing_key()
            spki = key.public_key().spki_der()
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name.strip())])
            now = clock.now()
            profile = CertificateProfile(
                subject=subject,
                issuer=subject,
                serial=_random_serial(),
                not_before=now,
                not_after=now + timedelta(days=days),
                subject_spki_der=spki,
                issuer_spki_der=spki,
                is_ca=True,
                key_usage=CA_KEY_USAGE,
                path_length=0,  # issues holders' certificates only
            )
            der = _BUILDERS[suite].build_certificate(profile, key)  # type: ignore[arg-type]
            certificate_pem = pem_encode("CERTIFICATE", der)
            state = {
                "format": CA_FORMAT,
                "name": name.strip(),
                "suite": suite,
                "created": now.isoformat(),
                "certificate": certificate_pem.decode(),
                "key": seal(key.private_pkcs8_der(), passphrase, aad=_key_aad(der), scrypt_n=scrypt_n),
                "issued": [],
                "revoked": [],
                "crl_number": 0,
            }
            ca = cls(directory, state, key, clock)
            ca._save()
            (directory / CERTIFICATE_FILE).write_bytes(certificate_pem)
        return ca

    @classmethod
    def open(cls, directory: Path, passphrase: bytes, *, clock: Clock | None = None) -> CertificateAuthority:
        state = cls._read_state(directory)
        certificate = ParsedCertificate.from_bytes(state["certificate"].encode())
        pkcs8 = unseal(state["key"], passphrase, aad=_key_aad(certificate.der))
        key = keys.load_signing_key(_KEY_ALGORITHM[state["suite"]], pkcs8)
        return cls(directory, state, key, clock or RealClock())

    def issue(
        self,
        *,
        subject: str,
        usage: Usage,
        credit_code: str | None = None,
        days: int = 365,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        public_key_der: bytes | None = None,
    ) -> IssuedCertificate:
        """A leaf certificate for `subject` ("CN=...,O=...,C=CN"). The CA makes the key pair unless the holder gives
        its public key (SPKI DER, of this CA's suite)."""
        if usage not in USAGES:
            raise CertificateAuthorityError(f"usage must be sign or encrypt, not {usage!r}")
        try:
            name = parse_name(subject)
            if credit_code:
                name = with_credit_code(name, credit_code)
        except ValueError as exc:
            raise CertificateAuthorityError(str(exc)) from exc
        private_key_pem = None
        if public_key_der is None:
            holder_key = get_suite(self.suite).generate_signing_key()
            public_key_der = holder_key.public_key().spki_der()
            private_key_pem = pem_encode("PRIVATE KEY", holder_key.private_pkcs8_der())
        elif keys.spki_algorithm(public_key_der) != _KEY_ALGORITHM[self.suite]:
            raise CertificateAuthorityError(f"a {self.suite} CA certifies {_KEY_ALGORITHM[self.suite]} keys only")
        start = not_before or self._clock.now()
        end = not_after or start + timedelta(days=days)
        if end > self.certificate.not_after:
            raise CertificateAuthorityError(
                f"certificate would outlive the CA (CA expires {self.certificate.not_after.isoformat()})"
            )
        with locked_directory(self.directory):
            self._refresh()
            taken = {entry["serial"] for entry in self._state["issued"]} | {self.certificate.serial}
            serial = _random_serial()
            while serial in taken:
                serial = _random_serial()
            profile = CertificateProfile(
                subject=name,
                issuer=self.certificate.subject,
                serial=serial,
                not_before=start,
                not_after=end,
                subject_spki_der=public_key_der,
                issuer_spki_der=self.certificate.spki_der,
                is_ca=False,
                key_usage=leaf_key_usage(self.suite, usage),
                extended_key_usage=SIGN_EXTENDED_KEY_USAGE if usage == "sign" else (),
            )
            der = _BUILDERS[self.suite].build_certificate(profile, self._key)  # type: ignore[arg-type]
            certificate_pem = pem_encode("CERTIFICATE", der)
            self._state["issued"].append(
                {
                    "serial": serial,
                    "subject": format_name(name),
                    "usage": usage,
                    "not_before": start.isoformat(),
                    "not_after": end.isoformat(),
                    "certificate": certificate_pem.decode(),
                }
            )
            self._save()
        return IssuedCertificate(serial, format_name(name), usage, certificate_pem, private_key_pem)

    def revoke(self, serial: int, *, reason: str = "unspecified", at: datetime | None = None) -> None:
        if reason not in REVOCATION_REASONS:
            choices = ", ".join(REVOCATION_REASONS)
            raise CertificateAuthorityError(f"unknown revocation reason {reason!r}: one of {choices}")
        with locked_directory(self.directory):
            self._refresh()
            if not any(entry["serial"] == serial for entry in self._state["issued"]):
                raise CertificateAuthorityError(f"this CA has issued no certificate with serial {serial}")
            if any(entry["serial"] == serial for entry in self._state["revoked"]):
                raise CertificateAuthorityError(f"certificate {serial} is already revoked")
            when = at or self._clock.now()
            self._state["revoked"].append({"serial": serial, "reason": reason, "revoked_at": when.isoformat()})
            self._save()

    def crl(self, *, days: int = 7) -> bytes:
        """A new CRL (PEM) listing every revocation, valid from now for `days`; each call takes the next number."""
        with locked_directory(self.directory):
            self._refresh()
            self._state["crl_number"] += 1
            now = self._clock.now()
            profile = CrlProfile(
                issuer=self.certificate.subject,
                issuer_spki_der=self.certificate.spki_der,
                this_update=now,
                next_update=now + timedelta(days=days),
                number=self._state["crl_number"],
                revoked=tuple(
                    RevokedEntry(entry["serial"], datetime.fromisoformat(entry["revoked_at"]), entry["reason"])
                    for entry in self._state["revoked"]
                ),
            )
            der = _BUILDERS[self.suite].build_crl(profile, self._key)  # type: ignore[arg-type]
            self._save()
        return pem_encode("X509 CRL", der)

    def issued(self) -> list[dict[str, Any]]:
        revoked = {entry["serial"]: entry for entry in self._state["revoked"]}
        return [
            {key: entry[key] for key in ("serial", "subject", "usage", "not_before", "not_after")}
            | {"revoked": entry["serial"] in revoked}
            for entry in self._state["issued"]
        ]

    # internals

    @staticmethod
    def _read_state(directory: Path) -> dict[str, Any]:
        path = directory / STATE_FILE
        if not path.exists():
            raise CertificateAuthorityError(f"no CA in {directory} (run `zhaocai ca init` first)")
        state = json.loads(path.read_text())
        if state.get("format") != CA_FORMAT:
            raise CertificateAuthorityError(f"{path}: not a {CA_FORMAT} file")
        return state

    def _refresh(self) -> None:
        """Pick up what other processes recorded since this CA was opened."""
        self._state = self._read_state(self.directory)

    def _save(self) -> None:
        data = json.dumps(self._state, indent=2, ensure_ascii=False).encode() + b"\n"
        write_private_file(self.directory / STATE_FILE, data)
