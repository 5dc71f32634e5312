"""A private key in PKCS#8 is loaded by what it says it is, as bidder tools and CAs write them."""

import pytest

from zhaocai.crypto import keys


@pytest.mark.parametrize("algorithm", keys.ALGORITHMS)
def test_pkcs8_names_its_algorithm_and_loads_a_working_key(algorithm):
    original = keys.generate_signing_key(algorithm)
    loaded = keys.load_private_key(original.private_pkcs8_der())
    assert keys.pkcs8_algorithm(original.private_pkcs8_der()) == algorithm
    original.public_key().verify(loaded.sign(b"challenge"), b"challenge")


def test_garbage_is_not_a_private_key():
    with pytest.raises(keys.UnsupportedKeyError, match="PKCS#8"):
        keys.pkcs8_algorithm(b"\x30\x03\x02\x01\x00")
