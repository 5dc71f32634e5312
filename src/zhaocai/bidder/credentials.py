"""The bidder's own keys and certificates, read from files (PEM or DER), and the backup key pair of the 办法31
remedy. Private keys stay on the bidder's machine: the tool reads them to sign, to test-decrypt and — after the
deadline — to open; it never sends them anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zhaocai.crypto import keys
from zhaocai.crypto.certs.pem import pem_encode
from zhaocai.crypto.files import write_private_file
from zhaocai.crypto.ports import SigningKey
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing.recipients import certificate, der_of


def read_private_key(path: Path) -> bytes:
    """PKCS#8 DER from a PEM ("PRIVATE KEY") or DER file."""
    return der_of(path.read_bytes(), "PRIVATE KEY")


@dataclass(frozen=True)
class Credentials:
    signing_key: SigningKey
    signer_certificate: bytes  # PEM or DER
    encryption_certificate: bytes  # PEM or DER
    encryption_key: bytes | None = None  # PKCS#8 DER: enables the local test decryption
    backup_public_key: bytes | None = None  # certificate or SubjectPublicKeyInfo, PEM or DER

    @classmethod
    def load(
        cls,
        *,
        signing_key: Path,
        signer_certificate: Path,
        encryption_certificate: Path,
        encryption_key: Path | None = None,
        backup_public_key: Path | None = None,
    ) -> Credentials:
        return cls(
            signing_key=keys.load_private_key(read_private_key(signing_key)),
            signer_certificate=signer_certificate.read_bytes(),
            encryption_certificate=encryption_certificate.read_bytes(),
            encryption_key=read_private_key(encryption_key) if encryption_key else None,
            backup_public_key=backup_public_key.read_bytes() if backup_public_key else None,
        )

    @property
    def signer_certificate_der(self) -> bytes:
        return certificate(self.signer_certificate, "signer certificate").der

    @property
    def credit_code(self) -> str | None:
        from zhaocai.crypto.certs.names import credit_code_of

        return credit_code_of(certificate(self.signer_certificate, "signer certificate").subject)


@dataclass(frozen=True)
class BackupKey:
    private_key: Path  # PKCS#8 PEM, mode 0600: keep it offline; it opens the bid if the encryption key is lost
    public_key: Path  # SubjectPublicKeyInfo PEM: what `seal` wraps to


def generate_backup_key(suite: str, directory: Path, *, name: str = "backup") -> BackupKey:
    """A fresh key pair of the suite (SM2 or P-256) for the backup-key remedy (电子招标投标办法31)."""
    key = get_suite(suite).generate_signing_key()
    directory.mkdir(parents=True, exist_ok=True)
    private = directory / f"{name}.key.pem"
    public = directory / f"{name}.pub.pem"
    if private.exists() or public.exists():
        raise FileExistsError(f"{private} or {public} already exists; choose another --name or directory")
    write_private_file(private, pem_encode("PRIVATE KEY", key.private_pkcs8_der()))
    public.write_bytes(pem_encode("PUBLIC KEY", key.public_key().spki_der()))
    return BackupKey(private, public)
