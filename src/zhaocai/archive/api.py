"""Archive API (/api/v1): build a tender's archive package, list them, download one. Thin: parse, call, render."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile, status
from fastapi.responses import StreamingResponse

from zhaocai.archive.checking import CheckOutcome, check_package, do_check_archive, may_check
from zhaocai.archive.package import MEDIA_TYPE
from zhaocai.archive.queries import archive_package, archive_packages
from zhaocai.archive.schemas import ArchivePackageOut
from zhaocai.archive.service import build_archive
from zhaocai.web.auth import RequiredActorDep
from zhaocai.web.deps import ContainerDep, UowDep
from zhaocai.web.routing import Id, audited_read, refusals

router = APIRouter(prefix="/api/v1", tags=["archive"])
_DESCRIPTIONS = {
    401: "not authenticated",
    403: "not the tender's side, a supervisor or a platform operator",
    404: "no such tender or package",
    409: "not archivable yet (secret until the deadline), no signed checkpoint, or a damaged blob",
    422: "the package is not intact (archive_tampered: the first bad item is named)",
}


@router.post(
    "/tenders/{tender_id}/archives",
    status_code=status.HTTP_201_CREATED,
    summary="Build the tender's archive package now (tenderer, agency or platform operator; after the deadline)",
    responses=refusals(_DESCRIPTIONS, 401, 403, 404, 409),
)
def build(tender_id: Id, container: ContainerDep, actor: RequiredActorDep) -> ArchivePackageOut:
    return ArchivePackageOut.of(build_archive(container, actor, tender_id))


@router.get(
    "/tenders/{tender_id}/archives",
    summary="The tender's archive packages, oldest first",
    responses=refusals(_DESCRIPTIONS, 401, 403, 404),
)
def list_packages(
    tender_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep
) -> list[ArchivePackageOut]:
    packages = audited_read(container, actor, request, lambda conn: archive_packages(conn, actor, tender_id))
    return [ArchivePackageOut.of(stored) for stored in packages]


@router.get(
    "/archives/{package_id}/package",
    summary="Download an archive package (zip; verify it offline with `zhaocai archive verify`)",
    response_class=StreamingResponse,
    responses={200: {"content": {MEDIA_TYPE: {}}}, **refusals(_DESCRIPTIONS, 401, 403, 404)},
)
def download(package_id: Id, request: Request, container: ContainerDep, actor: RequiredActorDep) -> StreamingResponse:
    stored = audited_read(container, actor, request, lambda conn: archive_package(conn, actor, package_id))
    headers = {
        "Content-Disposition": f'attachment; filename="archive-{stored.tender_id}-{stored.id}.zip"',
        "X-Content-SHA256": stored.blob_key,
        "Content-Length": str(stored.size),
    }
    return StreamingResponse(container.blobs.iter_chunks(stored.blob_key), media_type=MEDIA_TYPE, headers=headers)


@router.post(
    "/archives/verify",
    summary="Check an archive package against this platform's published keys and trusted CAs; a tampered package is "
    "refused naming the first bad item, and the check is audited either way",
    responses=refusals(_DESCRIPTIONS, 401, 403, 422),
)
def verify(
    container: ContainerDep,
    uow: UowDep,
    actor: RequiredActorDep,
    package: Annotated[UploadFile, File(description="the archive package (zip)")],
) -> CheckOutcome:
    digest = hashlib.sha256()
    while chunk := package.file.read(1024 * 1024):
        digest.update(chunk)
    package.file.seek(0)
    sha256 = digest.hexdigest()
    # someone who may not check gets nothing verified: the use case refuses on the role and records it
    outcome = check_package(container, package.file, sha256) if may_check(actor) else CheckOutcome(sha256, False, 0)
    return do_check_archive(uow=uow, actor=actor, package_sha256=sha256, outcome=outcome)
