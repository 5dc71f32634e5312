"""A lot's final evaluation report exported as one JSON file, and checked offline against trust anchors the user
gives: every signature must verify over the document with the certificate beside it, issued through a trusted CA
and valid when it was signed. No database is needed to check an export."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from zhaocai.core.errors import DomainError, NotFound
from zhaocai.crypto.trust import TrustStore
from zhaocai.evaluation.queries import final_report

FORMAT = "zhaocai-evaluation-report-export"


def export_report(conn: Connection, lot_id: str) -> dict[str, Any]:
    report = final_report(conn, lot_id)
    if report is None:
        raise NotFound("the lot has no closed evaluation report", field="lot_id", code="no_report")
    return {
        "format": FORMAT,
        "version": 1,
        "report_id": report.id,
        "lot_id": report.lot_id,
        "completed_at": report.completed_at.isoformat(),
        "document": base64.b64encode(report.document).decode(),
        "document_sha256": hashlib.sha256(report.document).hexdigest(),
        "signatures": [
            {
                "member_id": s.member_id,
                "certificate_pem": s.certificate_pem.decode(),
                "signature": base64.b64encode(s.signature).decode(),
                "signed_at": s.signed_at.isoformat(),
                "dissent": s.dissent,
            }
            for s in report.signatures
        ],
    }


def verify_export(export: dict[str, Any], trust: TrustStore) -> list[str]:
    """The problems found (empty when every signature verifies); one line per problem."""
    if export.get("format") != FORMAT:
        return [f"not an evaluation report export (format {export.get('format')!r})"]
    document = base64.b64decode(export["document"])
    problems = []
    if hashlib.sha256(document).hexdigest() != export.get("document_sha256"):
        problems.append("the document does not match its SHA-256")
    suite = json.loads(document).get("basic_facts", {}).get("suite")
    if not export.get("signatures"):
        problems.append("no signature")
    for signature in export.get("signatures", []):
        try:
            trust.verify_signature(
                signature["certificate_pem"].encode(),
                document,
                base64.b64decode(signature["signature"]),
                at=datetime.fromisoformat(signature["signed_at"]),
                suite=suite,
            )
        except DomainError as error:
            problems.append(f"member {signature['member_id']}: {error.message}")
    return problems
