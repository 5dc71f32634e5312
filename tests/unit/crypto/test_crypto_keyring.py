"""The platform keyring: keys encrypted at rest, one file per key, rotation that keeps old signatures verifiable."""

from __future__ import annotations

import base64
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys

from zhaocai.core.clock import FixedClock
from zhaocai.crypto.keyring import KeyNotFound, Keyring, KeyringError, KeyringPassphraseError
from zhaocai.crypto.keys import ALGORITHMS
from zhaocai.crypto.ports import InvalidSignatureError, SigningKey
from zhaocai.crypto.sealed_key import unseal

PASSPHRASE = b"keyring test passphrase"


@pytest.fixture
def ring_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def _secret_forms(key: SigningKey) -> list[bytes]:
    """The private key as it might leak: PKCS#8 DER, the raw scalar/seed, in binary, hex and base64."""
    pkcs8 = key.private_pkcs8_der()
    info = asn1_keys.PrivateKeyInfo.load(pkcs8)
    if key.algorithm == "ed25519":
        raw = pkcs8[-32:]
    else:
        ec_key = asn1_keys.ECPrivateKey.load(info["private_key"].contents)
        raw = ec_key["private_key"].native.to_bytes(32, "big")
    forms = []
    for secret in (pkcs8, raw):
        forms += [secret, secret.hex().encode(), secret.hex().upper().encode(), base64.b64encode(secret)]
        forms.append(base64.urlsafe_b64encode(secret).rstrip(b"="))
    return forms


def test_ensure_creates_once_per_purpose(ring_dir: Path, clock: FixedClock) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE, clock=clock)
    first = ring.ensure("receipts", "sm2-sm3")
    assert ring.ensure("receipts", "sm2-sm3") == first
    assert first.created == clock.now() and not first.retired
    assert len(first.key_id) == 16 and int(first.key_id, 16) >= 0
    assert ring.signer("receipts").key_id == first.key_id


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_signs_and_verifies_after_reopening(ring_dir: Path, algorithm: str) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    info = ring.ensure("exchange", algorithm)
    signature = ring.signer("exchange").sign(b"message 1")
    reopened = Keyring.open(ring_dir, PASSPHRASE)
    reopened.verifying_key(info.key_id).verify(signature, b"message 1")
    reopened.verifying_key(info.key_id).verify(reopened.signer("exchange").sign(b"message 2"), b"message 2")
    assert reopened.signer("exchange").algorithm == algorithm


def test_rotation_retires_the_old_key_which_still_verifies(ring_dir: Path, clock: FixedClock) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE, clock=clock)
    old = ring.ensure("receipts", "ecdsa-p256-sha256")
    old_signature = ring.signer("receipts").sign(b"receipt 1")
    clock.advance(timedelta(days=30))
    new = ring.rotate("receipts")
    assert new.key_id != old.key_id and new.algorithm == old.algorithm
    assert ring.signer("receipts").key_id == new.key_id
    reopened = Keyring.open(ring_dir, PASSPHRASE)
    reopened.verifying_key(old.key_id).verify(old_signature, b"receipt 1")
    with pytest.raises(InvalidSignatureError):
        reopened.verifying_key(new.key_id).verify(old_signature, b"receipt 1")
    published = {entry["key_id"]: entry for entry in reopened.public_keys()}
    assert published[old.key_id]["retired"] is True
    assert published[old.key_id]["retired_at"] == clock.now().isoformat()
    assert published[new.key_id]["retired"] is False
    assert set(published[new.key_id]) >= {"key_id", "purpose", "algorithm", "public_key", "created", "retired"}
    assert base64.b64decode(published[new.key_id]["public_key"]) == new.public_key_der


def test_ensure_with_another_algorithm_rotates(ring_dir: Path) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    old = ring.ensure("receipts", "sm2-sm3")
    new = ring.ensure("receipts", "ecdsa-p256-sha256")
    assert new.key_id != old.key_id
    assert [info.retired for info in ring.keys() if info.purpose == "receipts"] == [True, False]  # noqa: SIM118


def test_unknown_purpose_or_key_is_not_found(ring_dir: Path) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    with pytest.raises(KeyNotFound):
        ring.signer("receipts")
    with pytest.raises(KeyNotFound):
        ring.verifying_key("0011223344556677")
    with pytest.raises(KeyNotFound):
        ring.rotate("receipts")


def test_wrong_passphrase_is_a_clear_error(ring_dir: Path) -> None:
    Keyring.open(ring_dir, PASSPHRASE).ensure("receipts", "sm2-sm3")
    with pytest.raises(KeyringPassphraseError, match="wrong key passphrase"):
        Keyring.open(ring_dir, b"not the passphrase")


@pytest.mark.parametrize("passphrase", [None, b""])
def test_a_passphrase_is_required(ring_dir: Path, passphrase: bytes | None) -> None:
    with pytest.raises(KeyringError, match="ZHAOCAI_KEY_PASSPHRASE"):
        Keyring.open(ring_dir, passphrase)


def test_files_are_owner_only(ring_dir: Path) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    for purpose, algorithm in (("a", "sm2-sm3"), ("b", "ed25519")):
        ring.ensure(purpose, algorithm)
    ring.rotate("a")
    assert stat.S_IMODE(ring_dir.stat().st_mode) == 0o700
    files = list(ring_dir.iterdir())
    assert len([path for path in files if path.suffix == ".json"]) == 3
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_private_key_is_not_on_disk_in_any_form(ring_dir: Path, algorithm: str) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    info = ring.ensure("receipts", algorithm)
    signer = ring.signer("receipts")
    forms = _secret_forms(signer)
    on_disk = b"".join(path.read_bytes() for path in ring_dir.iterdir())
    # control: the file does hold this very key, sealed, so the forms searched for are the right ones
    record = json.loads((ring_dir / f"{info.key_id}.json").read_text())
    aad = "\n".join(["zhaocai-key/1", info.key_id, "receipts", algorithm, record["public_key"]]).encode()
    assert unseal(record["private_key"], PASSPHRASE, aad=aad) == forms[0]
    for form in forms:
        assert form not in on_disk


def test_sealed_key_cannot_be_moved_to_another_record(ring_dir: Path) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    first, second = ring.ensure("a", "sm2-sm3"), ring.ensure("b", "sm2-sm3")
    path_a, path_b = ring_dir / f"{first.key_id}.json", ring_dir / f"{second.key_id}.json"
    record_a, record_b = json.loads(path_a.read_text()), json.loads(path_b.read_text())
    record_a["private_key"] = record_b["private_key"]
    path_a.write_text(json.dumps(record_a))
    with pytest.raises(KeyringPassphraseError):
        Keyring.open(ring_dir, PASSPHRASE)


def test_damaged_file_is_reported(ring_dir: Path) -> None:
    ring = Keyring.open(ring_dir, PASSPHRASE)
    info = ring.ensure("a", "ed25519")
    path = ring_dir / f"{info.key_id}.json"
    record = json.loads(path.read_text())
    record["key_id"] = "00" * 8
    path.write_text(json.dumps(record))
    with pytest.raises(KeyringError, match="key id does not match"):
        Keyring.open(ring_dir, PASSPHRASE)


def test_a_second_process_sees_keys_created_by_the_first(ring_dir: Path) -> None:
    first, second = Keyring.open(ring_dir, PASSPHRASE), Keyring.open(ring_dir, PASSPHRASE)
    created = first.ensure("receipts", "sm2-sm3")
    assert second.ensure("receipts", "sm2-sm3") == created  # re-reads under the lock instead of making another
