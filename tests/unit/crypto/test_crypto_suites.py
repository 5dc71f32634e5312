"""Both suites behind one port: hashing, signatures, key (de)serialisation."""

from __future__ import annotations

import pytest
from asn1crypto import algos
from gmssl import sm2 as gmssl_sm2

from zhaocai.crypto import keys
from zhaocai.crypto.ports import InvalidSignatureError, Suite
from zhaocai.crypto.suites import get_suite

# SM3("abc"): GB/T 32905-2016 appendix A.1; SHA-256("abc"): FIPS 180-2 appendix B.1
KNOWN_DIGESTS = {
    "gm": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    "std": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
}


def test_known_answer_digest(suite: Suite, suite_name: str) -> None:
    assert suite.hash(b"abc").hex() == KNOWN_DIGESTS[suite_name]
    assert suite.name == suite_name


def test_incremental_hasher_matches_one_shot(suite: Suite) -> None:
    hasher = suite.hasher()
    hasher.update(b"a")
    assert hasher.digest() == suite.hash(b"a")
    hasher.update(b"bc")
    assert hasher.digest() == suite.hash(b"abc")


def test_sign_and_verify_round_trip(suite: Suite) -> None:
    key = suite.generate_signing_key()
    signature = key.sign(b"bid 1")
    key.public_key().verify(signature, b"bid 1")
    assert key.algorithm == key.public_key().algorithm == suite.signature_algorithm


def test_signature_is_der_r_s(suite: Suite) -> None:
    signature = suite.generate_signing_key().sign(b"x")
    parsed = algos.DSASignature.load(signature, strict=True)
    assert parsed["r"].native > 0 and parsed["s"].native > 0


@pytest.mark.parametrize("change", ["data", "signature", "key"])
def test_verification_fails_on_any_change(suite: Suite, change: str) -> None:
    key = suite.generate_signing_key()
    signature = key.sign(b"bid 1")
    data = b"bid 1"
    verifier = key.public_key()
    if change == "data":
        data = b"bid 2"
    elif change == "signature":
        signature = signature[:-1] + bytes([signature[-1] ^ 1])
    else:
        verifier = suite.generate_signing_key().public_key()
    with pytest.raises(InvalidSignatureError):
        verifier.verify(signature, data)


def test_garbage_signature_is_an_invalid_signature(suite: Suite) -> None:
    with pytest.raises(InvalidSignatureError):
        suite.generate_signing_key().public_key().verify(b"\x30\x00junk", b"x")


def test_keys_survive_pkcs8_and_spki(suite: Suite) -> None:
    key = suite.generate_signing_key()
    reloaded = suite.load_signing_key(key.private_pkcs8_der())
    verifier = suite.load_verifying_key(key.public_key().spki_der())
    verifier.verify(reloaded.sign(b"m"), b"m")
    assert keys.load_verifying_key(key.public_key().spki_der()).algorithm == suite.signature_algorithm
    assert keys.spki_algorithm(key.public_key().spki_der()) == suite.signature_algorithm


def test_suite_refuses_the_other_suites_keys(suite_name: str) -> None:
    other = get_suite("std" if suite_name == "gm" else "gm")
    key = other.generate_signing_key()
    with pytest.raises(ValueError):
        get_suite(suite_name).load_verifying_key(key.public_key().spki_der())
    with pytest.raises(ValueError):
        get_suite(suite_name).load_signing_key(key.private_pkcs8_der())


def test_sm2_signatures_use_the_default_id_as_gmssl_computes_it() -> None:
    """An independent implementation (gmssl, pure Python) checks tongsuopy's Z value with id 1234567812345678."""
    key = get_suite("gm").generate_signing_key()
    x, y = key.public_key().point()  # type: ignore[attr-defined]
    checker = gmssl_sm2.CryptSM2(private_key=None, public_key="", asn1=True)
    checker.public_key = f"{x:064x}{y:064x}"  # set afterwards: the constructor strips leading "0"/"4" digits
    signature = key.sign(b"tender 42")
    assert checker.verify_with_sm3(signature.hex(), b"tender 42")
    assert not checker.verify_with_sm3(signature.hex(), b"tender 43")


def test_unknown_suite_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown crypto suite"):
        get_suite("rsa")


def test_key_id_is_16_hex_digits_of_sha256_over_spki(suite: Suite) -> None:
    import hashlib

    spki = suite.generate_signing_key().public_key().spki_der()
    assert keys.key_id(spki) == hashlib.sha256(spki).hexdigest()[:16]
