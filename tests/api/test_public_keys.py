"""The platform's public keys are served at a well-known URL, and rotation keeps old keys listed."""

import base64

from zhaocai.crypto import keys as crypto_keys


def test_keys_are_published_and_verify_what_they_signed(client, container):
    container.keyring.ensure("platform-sign", "sm2-sm3")
    signer = container.keyring.signer("platform-sign")
    signature = signer.sign(b"tender notice")
    container.keyring.rotate("platform-sign")

    published = client.get("/.well-known/zhaocai-keys.json").json()
    by_id = {key["key_id"]: key for key in published["keys"]}
    old = by_id[signer.key_id]
    assert old["retired"] is True
    assert sum(1 for key in published["keys"] if key["purpose"] == "platform-sign" and not key["retired"]) == 1
    verifying = crypto_keys.load_verifying_key(base64.b64decode(old["public_key"]))
    verifying.verify(signature, b"tender notice")


def test_no_private_material_is_published(client, container):
    container.keyring.ensure("platform-sign", "ecdsa-p256-sha256")
    body = client.get("/.well-known/zhaocai-keys.json").text
    assert "private" not in body.lower()
