"""TOTP against the RFC 6238 Appendix B vectors (8 digits, all three hash functions), and our 6-digit use of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zhaocai.identity.totp import (
    decode_secret,
    encode_secret,
    hotp,
    matching_step,
    provisioning_uri,
    time_step,
    totp,
)

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("seconds", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_vectors(seconds: int, sha1: str, sha256: str, sha512: str) -> None:
    when = datetime.fromtimestamp(seconds, UTC)
    assert totp(SEEDS["sha1"], when, digits=8, digest="sha1") == sha1
    assert totp(SEEDS["sha256"], when, digits=8, digest="sha256") == sha256
    assert totp(SEEDS["sha512"], when, digits=8, digest="sha512") == sha512


def test_rfc4226_hotp_vectors() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [hotp(SEEDS["sha1"], counter) for counter in range(10)] == expected


SECRET = encode_secret(SEEDS["sha1"])
NOW = datetime(2026, 3, 2, 1, 0, 15, tzinfo=UTC)


def _code(when: datetime) -> str:
    return totp(decode_secret(SECRET), when)


def test_secret_round_trips_through_base32_without_padding() -> None:
    assert "=" not in SECRET
    assert decode_secret(SECRET) == SEEDS["sha1"]
    assert decode_secret(SECRET.lower()) == SEEDS["sha1"]


def test_current_and_adjacent_steps_match_but_not_two_away() -> None:
    step = time_step(NOW)
    assert matching_step(SECRET, _code(NOW), NOW, after_step=None) == step
    assert matching_step(SECRET, _code(NOW - timedelta(seconds=30)), NOW, after_step=None) == step - 1
    assert matching_step(SECRET, _code(NOW + timedelta(seconds=30)), NOW, after_step=None) == step + 1
    assert matching_step(SECRET, _code(NOW - timedelta(seconds=60)), NOW, after_step=None) is None
    assert matching_step(SECRET, _code(NOW + timedelta(seconds=60)), NOW, after_step=None) is None


def test_a_used_step_is_not_accepted_again() -> None:
    step = time_step(NOW)
    assert matching_step(SECRET, _code(NOW), NOW, after_step=step) is None
    assert matching_step(SECRET, _code(NOW - timedelta(seconds=30)), NOW, after_step=step - 1) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 345"])
def test_malformed_codes_never_match(code: str) -> None:
    assert matching_step(SECRET, code, NOW, after_step=None) is None


def test_provisioning_uri_names_issuer_account_and_parameters() -> None:
    uri = provisioning_uri(SECRET, account="alice", issuer="招采")
    assert uri.startswith("otpauth://totp/%E6%8B%9B%E9%87%87%3Aalice?")
    for part in (f"secret={SECRET}", "algorithm=SHA1", "digits=6", "period=30"):
        assert part in uri
