"""`seal`: section archives → one envelope (docs/envelope.md) sealed for the lot, with the tender's suite and
sections, wrapped to the bidder's encryption certificate (and its backup key when the tender announces the 办法31
remedy), signed with its signing certificate — then opened again locally (本地解密测试) before anything is
written. The envelope is written to a temporary name and renamed, so a half-written file never looks finished."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from zhaocai.bidder.credentials import Credentials
from zhaocai.bidder.requirements import BidRequirements
from zhaocai.bidding.archive import read_archive
from zhaocai.bidding.manifest import ConsortiumBidder
from zhaocai.core.errors import ValidationFailed
from zhaocai.crypto.suites import get_suite
from zhaocai.sealing import DEFAULT_CHUNK_SIZE, Bidder, EnvelopeHeader, seal


def _bidder(archives: dict[str, Path], requirements: BidRequirements) -> Bidder:
    """The bidder named by the archives' manifests (they must agree, and be for this tender and lot)."""
    found = set()
    for name, path in archives.items():
        manifest, _ = read_archive(path, get_suite(requirements.suite).hasher)
        if manifest.section != name:
            raise ValidationFailed(f"{path} holds the {manifest.section!r} section, not {name!r}", field="sections")
        if (manifest.tender_id, manifest.lot_id) != (requirements.tender_id, requirements.lot_id):
            raise ValidationFailed(
                f"{path} is for tender {manifest.tender_id}, lot {manifest.lot_id}; sealing for tender "
                f"{requirements.tender_id}, lot {requirements.lot_id}",
                field="lot_id",
            )
        party = manifest.bidder
        if isinstance(party, ConsortiumBidder):
            found.add(Bidder.consortium(party.lead.credit_code, [m.credit_code for m in party.members]))
        else:
            found.add(Bidder.organisation(party.credit_code))
    if len(found) != 1:
        raise ValidationFailed("the section archives name different bidders", field="bidder")
    return found.pop()


def seal_bid(
    archives: dict[str, Path],
    out: Path,
    *,
    requirements: BidRequirements,
    credentials: Credentials,
    bid_version: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EnvelopeHeader:
    if tuple(sorted(archives)) != tuple(sorted(requirements.sections)):
        raise ValidationFailed(
            f"the lot asks for the sections {', '.join(requirements.sections)}; given {', '.join(archives)}",
            field="sections",
        )
    if requirements.backup_key_remedy and credentials.backup_public_key is None:
        raise ValidationFailed(
            "the tender documents announce the backup-key remedy (电子招标投标办法31): give your backup public key "
            "(make one with `zhaocai bidder keygen`)",
            field="backup_key",
        )
    if not requirements.backup_key_remedy and credentials.backup_public_key is not None:
        raise ValidationFailed(
            "the tender announces no backup-key remedy: seal without a backup key", field="backup_key"
        )
    bidder = _bidder(archives, requirements)
    partial = out.with_name(f".{out.name}.part")
    try:
        with ExitStack() as stack:
            sources = [(name, stack.enter_context(archives[name].open("rb"))) for name in requirements.sections]
            target = stack.enter_context(partial.open("wb"))
            header = seal(
                target,
                sources,
                suite=requirements.suite,
                tender_id=requirements.tender_id,
                lot_id=requirements.lot_id,
                bidder=bidder,
                bid_version=bid_version,
                signing_key=credentials.signing_key,
                signer_certificate=credentials.signer_certificate,
                encryption_certificate=credentials.encryption_certificate,
                backup_key=credentials.backup_public_key,
                chunk_size=chunk_size,
                test_decrypt_key=credentials.encryption_key,
                temp_dir=out.parent,
            )
            target.flush()
            os.fsync(target.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return header
