"""Putting the log together from a container: its origin, its checkpoint keys (from the platform keyring) and a
sequencer. The keyring (`container.keyring`) is taken as any object with
`signer(purpose)`, `ensure(purpose, algorithm)` and `keys()`
(zhaocai.crypto.keyring.Keyring), so nothing here depends on how keys are stored.

Checkpoint keys live under two keyring purposes: `audit-checkpoint` (Ed25519, every suite) and
`audit-checkpoint-sm2` (SM2, suite gm). Retired keys still verify the checkpoints they signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from zhaocai.audit.checkpoint import SUITE_NOTE_ALGORITHMS, checkpoint_signers
from zhaocai.audit.sequencer import Sequencer
from zhaocai.crypto import keys as crypto_keys
from zhaocai.crypto.ports import SigningKey, VerifyingKey

CHECKPOINT_PURPOSES = {"ed25519": "audit-checkpoint", "sm2-sm3": "audit-checkpoint-sm2"}


class KeySource(Protocol):
    def signer(self, purpose: str) -> SigningKey: ...

    def ensure(self, purpose: str, algorithm: str) -> Any: ...

    def keys(self) -> Sequence[Any]: ...


def log_origin(settings: Any) -> str:
    """The log's name in its checkpoints and the key name of its signatures; fixed in the database on first use."""
    return f"zhaocai/{settings.platform_code}/audit"


def checkpoint_signing_keys(keyring: KeySource, suite: str, *, create: bool = True) -> list[SigningKey]:
    """The active checkpoint keys the suite needs (created on first use when `create`)."""
    algorithms = SUITE_NOTE_ALGORITHMS[suite]
    if create:
        for algorithm in algorithms:
            keyring.ensure(CHECKPOINT_PURPOSES[algorithm], algorithm)
    return [keyring.signer(CHECKPOINT_PURPOSES[algorithm]) for algorithm in algorithms]


def checkpoint_verifying_keys(keyring: KeySource) -> list[VerifyingKey]:
    """Every checkpoint key the keyring has ever held, active or retired."""
    purposes = set(CHECKPOINT_PURPOSES.values())
    held = keyring.keys()  # the keyring's KeyInfo list, not a dict
    return [crypto_keys.load_verifying_key(info.public_key_der) for info in held if info.purpose in purposes]


def make_sequencer(container: Any, keyring: KeySource | None = None) -> Sequencer:
    """The platform's sequencer: `make_sequencer(container).start_background()` at start-up."""
    keyring = keyring or container.keyring
    suite = container.settings.crypto_suite
    origin = log_origin(container.settings)
    return Sequencer(
        container.engine,
        suite=suite,
        origin=origin,
        signers=checkpoint_signers(suite, origin, checkpoint_signing_keys(keyring, suite)),
        clock=container.clock,
        batch_size=container.settings.audit_batch_size,
    )
