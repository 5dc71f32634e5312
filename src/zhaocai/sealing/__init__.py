"""The sealed-bid envelope: zhaocai's own published, versioned format (docs/envelope.md; DESIGN principles 4, 8).

Sealing (bidder side):   seal(out, {"whole": f}, suite=..., ...) -> EnvelopeHeader
Receiving (server side): EnvelopeReader().feed(block)... .finish() -> EnvelopeReport; verify_header_signature
Opening (after the deadline): unwrap_section_key -> open_section (check_key_commitment for a key handed over)
"""

from zhaocai.sealing.errors import CODES, EnvelopeError
from zhaocai.sealing.header import Bidder, EnvelopeHeader, HeaderContext, KeyWrapEntry, SectionEntry
from zhaocai.sealing.layout import DEFAULT_CHUNK_SIZE, DEFAULT_LIMITS, MAGIC, VERSION, Limits
from zhaocai.sealing.opening import check_key_commitment, open_section, unwrap_section_key, verify_header_signature
from zhaocai.sealing.reader import ByteRange, EnvelopeReader, EnvelopeReport, SectionRange, read_header, scan_envelope
from zhaocai.sealing.recipients import Recipient
from zhaocai.sealing.seal import seal

__all__ = [
    "CODES",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_LIMITS",
    "MAGIC",
    "VERSION",
    "Bidder",
    "ByteRange",
    "EnvelopeError",
    "EnvelopeHeader",
    "EnvelopeReader",
    "EnvelopeReport",
    "HeaderContext",
    "KeyWrapEntry",
    "Limits",
    "Recipient",
    "SectionEntry",
    "SectionRange",
    "check_key_commitment",
    "open_section",
    "read_header",
    "scan_envelope",
    "seal",
    "unwrap_section_key",
    "verify_header_signature",
]
