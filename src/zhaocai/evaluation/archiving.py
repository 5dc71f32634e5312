"""What evaluation puts in a tender's archive package (zhaocai.archive): per lot, the evaluation plan, the members'
sheets (void ones marked), the clarifications, the report's document (评标报告, canonical JSON) and, for every
member who signed it, the same document with that member's detached signature and certificate beside it
(电子招标投标办法40: reports are archived e-signed); a summary of the signatures (signed, refused with reasons,
deemed to agree under 条例53) and the ids whose audit entries belong in the package."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from zhaocai.archive.items import ArchiveItem, inline_item, json_item
from zhaocai.evaluation import repository
from zhaocai.tendering.queries import tender_lot_ids

REPORT_MEDIA_TYPE = "application/vnd.zhaocai.evaluation-report+json"


def _lot_items(conn: Connection, lot_id: str, folder: str) -> list[ArchiveItem]:
    items: list[ArchiveItem] = []
    plan = repository.load_plan(conn, lot_id)
    if plan is not None:
        items.append(json_item(f"{folder}/plan.json", plan.to_json()))
    if repository.load_evaluation(conn, lot_id) is None:
        return items
    sheets = repository.sheets_of(conn, lot_id, status=None)
    items.append(json_item(f"{folder}/sheets.json", [sheet.__dict__ for sheet in sheets]))
    clarifications = [dict(row._mapping) for row in repository.clarifications_of(conn, lot_id)]
    items.append(json_item(f"{folder}/clarifications.json", clarifications))
    report = repository.open_report(conn, lot_id)
    if report is None or report.state != "closed":
        return items
    items.append(inline_item(f"{folder}/report.json", REPORT_MEDIA_TYPE, report.document))
    summary = []
    for signature in repository.signatures_of(conn, report.id):
        summary.append(
            {
                "member_id": signature.member_id,
                "kind": signature.kind,
                "dissent": signature.dissent,
                "signed_at": signature.signed_at,
                "signature_algorithm": signature.signature_algorithm,
            }
        )
        if signature.kind == "signed":
            items.append(
                inline_item(
                    f"{folder}/signed/{signature.member_id}.json",
                    REPORT_MEDIA_TYPE,
                    report.document,
                    signature=signature.signature,
                    signer_certificate_pem=signature.certificate_pem,
                    signature_algorithm=signature.signature_algorithm,
                    signed_at=signature.signed_at,
                )
            )
    items.append(
        json_item(
            f"{folder}/signatures.json",
            {"report_id": report.id, "completed_at": report.completed_at, "signatures": summary},
        )
    )
    return items


def archive_items(conn: Connection, tender_id: str) -> list[ArchiveItem]:
    items: list[ArchiveItem] = []
    for seq, lot_id in enumerate(tender_lot_ids(conn, tender_id), start=1):
        items.extend(_lot_items(conn, lot_id, f"evaluation/lot-{seq:02d}"))
    return items


def audit_object_ids(conn: Connection, tender_id: str) -> Iterable[str]:
    """The lots (evaluation's use cases audit on the lot), reports and clarifications of the tender."""
    ids: list[str] = []
    for lot_id in tender_lot_ids(conn, tender_id):
        ids.append(lot_id)
        report = repository.open_report(conn, lot_id)
        if report is not None:
            ids.append(report.id)
        ids.extend(row.id for row in repository.clarifications_of(conn, lot_id))
    return ids
