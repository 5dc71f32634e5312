"""Ed25519 behind the SigningKey / VerifyingKey ports (checkpoint notes)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from zhaocai.crypto import keys
from zhaocai.crypto.ed25519 import Ed25519SigningKey, Ed25519VerifyingKey
from zhaocai.crypto.ports import InvalidSignatureError

# RFC 8032 section 7.1, TEST 1 (empty message)
SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def test_rfc8032_vector() -> None:
    key = Ed25519SigningKey(ed25519.Ed25519PrivateKey.from_private_bytes(SECRET))
    assert key.public_key().raw() == PUBLIC
    assert key.sign(b"") == SIGNATURE
    Ed25519VerifyingKey.from_raw(PUBLIC).verify(SIGNATURE, b"")


def test_round_trip_through_pkcs8_and_spki() -> None:
    key = Ed25519SigningKey.generate()
    reloaded = keys.load_signing_key("ed25519", key.private_pkcs8_der())
    verifier = keys.load_verifying_key(key.public_key().spki_der())
    assert verifier.algorithm == "ed25519"
    verifier.verify(reloaded.sign(b"checkpoint"), b"checkpoint")
    with pytest.raises(InvalidSignatureError):
        verifier.verify(reloaded.sign(b"checkpoint"), b"checkpoint!")


def test_refuses_other_keys() -> None:
    from zhaocai.crypto.suites import get_suite

    other = get_suite("std").generate_signing_key()
    with pytest.raises(ValueError):
        Ed25519SigningKey.from_pkcs8_der(other.private_pkcs8_der())
    with pytest.raises(ValueError):
        Ed25519VerifyingKey.from_spki_der(other.public_key().spki_der())
