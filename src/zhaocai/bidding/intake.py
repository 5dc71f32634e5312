"""Receiving an envelope: the upload is streamed, chunk by chunk, both into the blob store (written durably under
its SHA-256, DESIGN principle 5) and through the keyless envelope reader — so a plain file posing as a bid is
refused on its first bytes, a header sealed for another lot or signed by another organisation as soon as the header
has arrived, and nothing is ever held whole in memory. What comes out is an `Intake` for the submission use case,
which decides (and audits) in its transaction; an upload refused while it streams leaves nothing in the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhaocai.adapters.blob.port import BlobRef, BlobStore
from zhaocai.core.errors import DomainError, TooLarge, ValidationFailed
from zhaocai.crypto.suites import get_suite
from zhaocai.crypto.trust import CertificateRejected, TrustStore, VerifiedCertificate
from zhaocai.sealing import EnvelopeError, EnvelopeHeader, EnvelopeReader, EnvelopeReport, Limits


class UploadInterrupted(DomainError):
    status = 400
    code = "upload_interrupted"


@dataclass(frozen=True)
class ReceivedEnvelope:
    blob: BlobRef  # key = SHA-256 of the envelope bytes
    report: EnvelopeReport
    signer: VerifiedCertificate
    header_hash: str  # the suite's hash of the signed header bytes, hex

    @property
    def header(self) -> EnvelopeHeader:
        return self.report.header


@dataclass(frozen=True)
class Intake:
    """What arrived: a checked, stored envelope, or the reason it was refused (the use case records either)."""

    envelope: ReceivedEnvelope | None = None
    error: DomainError | None = None

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """What the audit entry's payload hash covers."""
        if self.envelope is not None:
            return {"envelope_sha256": self.envelope.blob.key, "envelope_size": self.envelope.blob.size}
        return {"refused": self.error.code if self.error else None}


HeaderCheck = Callable[[EnvelopeHeader], VerifiedCertificate]


def verify_signer(trust: TrustStore | None, header: EnvelopeHeader, at: datetime) -> VerifiedCertificate:
    """The header's signing certificate chains to a CA this platform trusts, is valid and unrevoked at `at` (the
    platform's time), is made for signing, belongs to the envelope's suite, and made the header signature."""
    if trust is None:
        raise ValidationFailed(
            "this platform trusts no CA yet, so no signed bid can be accepted", field="envelope", code="untrusted_ca"
        )
    try:
        return trust.verify_signature(
            header.signer_certificate, header.signed_message, header.signature, at=at, suite=header.suite
        )
    except CertificateRejected as exc:
        raise ValidationFailed(
            f"the envelope's signature is refused: {exc.message}",
            field="envelope.signer_certificate",
            code=exc.code,
            detail=exc.detail,
        ) from exc


def _upload_error(error: DomainError) -> DomainError:
    """An envelope that declares more bytes than the platform accepts is an oversized upload (413)."""
    if isinstance(error, EnvelopeError) and error.code == "limit_exceeded" and "envelope_length" in error.detail:
        return TooLarge(error.message, field="envelope", detail=error.detail)
    return error


def receive_envelope(blobs: BlobStore, chunks: Iterable[bytes], *, limits: Limits, check_header: HeaderCheck) -> Intake:
    """Stream `chunks` into `blobs` through an EnvelopeReader; `check_header` runs once, as soon as the header has
    arrived, and may refuse (raise) to stop the upload there."""
    reader = EnvelopeReader(limits)
    signers: list[VerifiedCertificate] = []

    def tee() -> Iterator[bytes]:
        for chunk in chunks:
            reader.feed(chunk)
            if not signers and reader.header is not None:
                signers.append(check_header(reader.header))
            yield chunk
        reader.finish()  # refuse a truncated envelope before the blob is made durable

    try:
        blob = blobs.put_stream(tee(), max_bytes=limits.max_envelope_bytes)
        report = reader.finish()
    except DomainError as error:
        return Intake(error=_upload_error(error))
    header_hash = get_suite(report.header.suite).hash(report.header.encoded).hex()
    return Intake(envelope=ReceivedEnvelope(blob, report, signers[0], header_hash))
