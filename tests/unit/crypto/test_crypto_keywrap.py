"""Key wrap for sealed bids: a content key encrypted to the holder of an encryption key, in both suites."""

from __future__ import annotations

import random
import secrets

import gmssl.func
import gmssl.sm2
import pytest
from asn1crypto import core

from zhaocai.crypto import sm2_cipher
from zhaocai.crypto.ports import KeyUnwrapError, Suite
from zhaocai.crypto.suites import get_suite


@pytest.mark.parametrize("size", [16, 32, 64])
def test_round_trip(suite: Suite, size: int) -> None:
    recipient = suite.generate_signing_key()
    content_key = secrets.token_bytes(size)
    wrapped = suite.key_wrap.wrap(recipient.public_key().spki_der(), content_key)
    assert content_key not in wrapped
    assert suite.key_wrap.unwrap(recipient.private_pkcs8_der(), wrapped) == content_key


def test_each_wrap_is_fresh(suite: Suite) -> None:
    spki = suite.generate_signing_key().public_key().spki_der()
    content_key = secrets.token_bytes(32)
    assert suite.key_wrap.wrap(spki, content_key) != suite.key_wrap.wrap(spki, content_key)


def test_another_key_cannot_unwrap(suite: Suite) -> None:
    wrapped = suite.key_wrap.wrap(suite.generate_signing_key().public_key().spki_der(), secrets.token_bytes(32))
    with pytest.raises(KeyUnwrapError):
        suite.key_wrap.unwrap(suite.generate_signing_key().private_pkcs8_der(), wrapped)


def test_any_flipped_byte_is_detected(suite: Suite) -> None:
    recipient = suite.generate_signing_key()
    wrapped = suite.key_wrap.wrap(recipient.public_key().spki_der(), secrets.token_bytes(32))
    for position in range(len(wrapped)):
        tampered = bytearray(wrapped)
        tampered[position] ^= 0x01
        with pytest.raises(KeyUnwrapError):
            suite.key_wrap.unwrap(recipient.private_pkcs8_der(), bytes(tampered))


@pytest.mark.parametrize("size", [0, 15, 65])
def test_content_key_size_is_bounded(suite: Suite, size: int) -> None:
    with pytest.raises(ValueError):
        suite.key_wrap.wrap(suite.generate_signing_key().public_key().spki_der(), b"k" * size)


def test_wrap_refuses_the_other_suites_key(suite_name: str) -> None:
    other = get_suite("std" if suite_name == "gm" else "gm")
    with pytest.raises(ValueError):
        get_suite(suite_name).key_wrap.wrap(other.generate_signing_key().public_key().spki_der(), b"k" * 32)


def test_sm2_wrap_is_gmt_0009_der() -> None:
    suite = get_suite("gm")
    recipient = suite.generate_signing_key()
    wrapped = suite.key_wrap.wrap(recipient.public_key().spki_der(), b"k" * 32)
    parsed = core.Sequence.load(wrapped, strict=True)
    x, y, c3, c2 = (parsed[i] for i in range(4))
    assert isinstance(x, core.Integer) and isinstance(y, core.Integer)
    assert sm2_cipher.is_on_curve(x.native, y.native)
    assert isinstance(c3, core.OctetString) and len(c3.native) == 32
    assert isinstance(c2, core.OctetString) and len(c2.native) == 32
    assert len(parsed) == 4


def test_sm2_nonce_does_not_come_from_random_module() -> None:
    """gmssl draws its nonce with random.choice (sm2-notes trap 2); re-seeding `random` must not repeat a wrap."""
    assert gmssl.func.random_hex is sm2_cipher._secure_random_hex
    spki = get_suite("gm").generate_signing_key().public_key().spki_der()
    random.seed(1234)
    first = get_suite("gm").key_wrap.wrap(spki, b"k" * 32)
    random.seed(1234)
    second = get_suite("gm").key_wrap.wrap(spki, b"k" * 32)
    assert first[:70] != second[:70]  # C1 differs: a different nonce


def test_sm2_nonce_control_gmssl_with_random_would_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Positive control for the test above: with gmssl's own nonce source, re-seeding repeats the ciphertext."""

    def gmssl_original(length: int) -> str:
        return "".join(random.choice("0123456789abcdef") for _ in range(length))

    monkeypatch.setattr(gmssl.func, "random_hex", gmssl_original)
    spki = get_suite("gm").generate_signing_key().public_key().spki_der()
    random.seed(1234)
    first = get_suite("gm").key_wrap.wrap(spki, b"k" * 32)
    random.seed(1234)
    assert get_suite("gm").key_wrap.wrap(spki, b"k" * 32) == first


def test_sm2_point_off_the_curve_is_refused() -> None:
    suite = get_suite("gm")
    recipient = suite.generate_signing_key()
    wrapped = sm2_cipher.Sm2Ciphertext.load(suite.key_wrap.wrap(recipient.public_key().spki_der(), b"k" * 32))
    forged = sm2_cipher.Sm2Ciphertext(
        {
            "x": wrapped["x"].native,
            "y": (wrapped["y"].native + 1) % sm2_cipher.P,
            "hash": wrapped["hash"].native,
            "ciphertext": wrapped["ciphertext"].native,
        }
    ).dump()
    with pytest.raises(KeyUnwrapError, match="not on the curve"):
        suite.key_wrap.unwrap(recipient.private_pkcs8_der(), forged)


def test_sm2_public_key_with_leading_zero_digits_survives() -> None:
    """gmssl's constructor strips leading '0'/'4' hex digits off public keys (sm2-notes trap 4)."""
    suite = get_suite("gm")
    for _ in range(200):
        recipient = suite.generate_signing_key()
        x, _y = recipient.public_key().point()  # type: ignore[attr-defined]
        if f"{x:064x}"[0] in "04":
            break
    else:
        pytest.fail("no key with a leading 0/4 hex digit in 200 tries")
    wrapped = suite.key_wrap.wrap(recipient.public_key().spki_der(), b"k" * 32)
    assert suite.key_wrap.unwrap(recipient.private_pkcs8_der(), wrapped) == b"k" * 32


def test_gmssl_decrypt_alone_would_accept_tampering() -> None:
    """Positive control for trap 3: gmssl returns garbage for an altered body; our unwrap refuses it."""
    suite = get_suite("gm")
    recipient = suite.generate_signing_key()
    parsed = sm2_cipher.Sm2Ciphertext.load(suite.key_wrap.wrap(recipient.public_key().spki_der(), b"k" * 32))
    c1 = parsed["x"].native.to_bytes(32, "big") + parsed["y"].native.to_bytes(32, "big")
    body = bytearray(parsed["ciphertext"].native)
    body[0] ^= 1
    cipher = gmssl.sm2.CryptSM2(private_key=f"{recipient.private_value():064x}", public_key="", mode=1)  # type: ignore[attr-defined]
    assert cipher.decrypt(c1 + parsed["hash"].native + bytes(body)) != b"k" * 32  # no error, wrong plaintext
    altered = sm2_cipher.Sm2Ciphertext(
        {"x": parsed["x"].native, "y": parsed["y"].native, "hash": parsed["hash"].native, "ciphertext": bytes(body)}
    ).dump()
    with pytest.raises(KeyUnwrapError, match="C3"):
        suite.key_wrap.unwrap(recipient.private_pkcs8_der(), altered)
