"""What the fuzzing aims at each string field and path parameter of an app's OpenAPI schema.

Every one gets hostile strings (NUL, bidi and zero-width characters, astral and combining characters, case-folding
and NFKC expanders, injections); fields whose rules a schema cannot state (credit codes, phone numbers, passwords)
also get well-formed values, and path parameters the ids of real objects, so that some requests pass every rule and
reach the inserts and updates behind them. Schemathesis sends a value in positive cases when it fits the field's
schema and in negative cases when it does not, so the hostile strings test the validation and the use cases both.
"""

from __future__ import annotations

from collections.abc import Iterator

from fuzz_cast import PASSWORD, Cast, credit_code

from zhaocai.identity.model import Role

HOSTILE = "hostile"
HOSTILE_STRINGS = [
    "\x00",
    "a\x00b",
    "\u202e\u0645\u0631\u062d\u0628\u0627",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width space, joiner, byte-order mark
    "\U00020b9f\U0001f469\u200d\U0001f469\u200d\U0001f467",  # astral CJK, a joined emoji
    "e\u0301\u0336\u0489",  # combining marks
    "\u0130" * 40,  # 'İ' lower-cases to two characters
    "\ufdfa" * 20,  # one character, eighteen under NFKC
    "\uff21\uff11\uff0d\uff3f",  # full-width letters and punctuation
    "\u2028\u2029\r\n\t",
    " ",
    "' OR '1'='1' --",
    "%00%ff%2e%2e%2f",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "\\u0000",
    "9" * 40,
    "-9223372036854775809",
    "1e400",
    "zcat_" + "A" * 43,
    "招标投标法第二十二条",
]
PLAUSIBLE = {
    "credit_codes": [credit_code(f"MA0{n}CCCC") for n in range(3, 9)],
    "region_codes": ["110108", "310115", "440305"],
    "phones": ["13800138000", "010-12345678"],
    "emails": ["alice@example.com", "bid.der+1@example.cn"],
    "usernames": ["alice", "bob-1", "acme", "system-admin"],
    "passwords": [PASSWORD, "Another-Pass-9"],
    "roles": [role.value for role in Role],
}
PLAUSIBLE_BY_NAME = {
    "credit_code": "credit_codes",
    "region_code": "region_codes",
    "phone": "phones",
    "contact_phone": "phones",
    "email": "emails",
    "contact_email": "emails",
    "username": "usernames",
    "password": "passwords",
    "new_password": "passwords",
    "role": "roles",
}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _string_fields(spec: dict, schema: dict, prefix: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(binding key, field name) of every string in a body schema, nested objects and string lists included."""
    schema = _resolve(spec, schema)
    for option in schema.get("anyOf", []):
        yield from _string_fields(spec, option, prefix, depth)
    if depth > 3:
        return
    for name, field in schema.get("properties", {}).items():
        field = _resolve(spec, field)
        options = [_resolve(spec, option) for option in field.get("anyOf", [field])]
        if any(option.get("type") == "string" for option in options):
            yield f"{prefix}.{name}", name
        if any(option.get("type") == "array" and option.get("items", {}).get("type") == "string" for option in options):
            yield f"{prefix}.{name}[*]", name
        for option in options:
            if option.get("properties") or option.get("anyOf"):
                yield from _string_fields(spec, option, f"{prefix}.{name}", depth + 1)


def targets(spec: dict) -> dict[str, str]:
    """Binding key ('body.administrator.email', 'path.org_id') -> the name of the field or parameter."""
    found: dict[str, str] = {}
    for methods in spec["paths"].values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    found[f"path.{parameter['name']}"] = parameter["name"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                found.update(_string_fields(spec, body["schema"], "body"))
    return found


def dictionaries_and_bindings(spec: dict, cast: Cast) -> tuple[dict[str, list], dict[str, dict]]:
    """Schemathesis `dictionaries` and `parameters` config: each target draws from its own list (well-formed
    values or real ids when there are any, then the hostile strings), more often when it has real values."""
    ids = {"org_id": cast.org_ids, "user_id": cast.user_ids, "token_id": cast.token_ids}
    dictionaries = {HOSTILE: HOSTILE_STRINGS}
    bindings = {}
    for key, name in targets(spec).items():
        aimed = ids.get(name) or PLAUSIBLE.get(PLAUSIBLE_BY_NAME.get(name, ""), [])
        dictionary = f"{name}_values" if aimed else HOSTILE
        dictionaries.setdefault(dictionary, [*aimed, *HOSTILE_STRINGS])
        bindings[key] = {"dictionary": dictionary, "probability": 0.6 if aimed else 0.25}
    return dictionaries, bindings
