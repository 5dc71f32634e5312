"""Distinguished names written as RFC 4514 strings ("CN=张三,O=某某公司,C=CN"), and the 统一社会信用代码
(unified social credit code, GB 32100-2015) a subject may carry.

Certificates issued by the demo CA carry the credit code as the subject's serialNumber attribute (2.5.4.5).
When reading certificates from other CAs, the code is also looked for in organizationIdentifier (2.5.4.97, with or
without a "XXXCN-" style prefix) and in OU, in that order; only a value that passes GB 32100 validation counts.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from zhaocai.core.codes.credit_code import is_valid_credit_code

ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")
_PARSE_NAMES = {
    "serialNumber": NameOID.SERIAL_NUMBER,
    "SERIALNUMBER": NameOID.SERIAL_NUMBER,
    "emailAddress": NameOID.EMAIL_ADDRESS,
    "E": NameOID.EMAIL_ADDRESS,
    "organizationIdentifier": ORGANIZATION_IDENTIFIER,
}
_PRINT_NAMES = {
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    ORGANIZATION_IDENTIFIER: "organizationIdentifier",
}


def parse_name(text: str) -> x509.Name:
    """An RFC 4514 string; also understands serialNumber, emailAddress (E) and organizationIdentifier."""
    try:
        name = x509.Name.from_rfc4514_string(text, _PARSE_NAMES)
    except ValueError as exc:
        raise ValueError(f"cannot parse distinguished name {text!r}: write it as CN=...,O=...,C=CN") from exc
    if not name.get_attributes_for_oid(NameOID.COMMON_NAME):
        raise ValueError(f"distinguished name {text!r} has no CN")
    return name


def format_name(name: x509.Name) -> str:
    return name.rfc4514_string(_PRINT_NAMES)


def with_credit_code(name: x509.Name, credit_code: str) -> x509.Name:
    """`name` with the credit code added as serialNumber, as its most specific RDN (printed first)."""
    if not is_valid_credit_code(credit_code):
        raise ValueError(f"{credit_code!r} is not a valid 统一社会信用代码 (GB 32100-2015)")
    if name.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        raise ValueError("the subject already has a serialNumber; give the credit code in one place only")
    serial = x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.SERIAL_NUMBER, credit_code)])
    return x509.Name([*name.rdns, serial])


def credit_code_of(name: x509.Name) -> str | None:
    candidates: list[str] = []
    for oid in (NameOID.SERIAL_NUMBER, ORGANIZATION_IDENTIFIER, NameOID.ORGANIZATIONAL_UNIT_NAME):
        for attribute in name.get_attributes_for_oid(oid):
            value = str(attribute.value).strip().upper()
            candidates.append(value)
            if oid == ORGANIZATION_IDENTIFIER and "-" in value:
                candidates.append(value.rsplit("-", 1)[1])
    return next((value for value in candidates if is_valid_credit_code(value)), None)


def attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None
