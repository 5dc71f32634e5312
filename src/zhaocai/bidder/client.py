"""Talking to a platform's bidding API (docs/bidding.md) with an API token: requirements, upload (streamed, with an
Idempotency-Key so a retry after a lost response is safe), status, withdrawal, proofs. Every receipt is checked
against the platform's published keys and against what was sent before it is returned."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from zhaocai.bidder.credentials import Credentials
from zhaocai.bidder.requirements import BidRequirements
from zhaocai.bidding.receipts import ReceiptInvalid, SignedReceipt, verify_receipt
from zhaocai.bidding.targets import PREQUALIFICATION_LOT
from zhaocai.bidding.withdrawal_notice import sign_withdrawal
from zhaocai.sealing import read_header

UPLOAD_BLOCK = 256 * 1024
RETRIES = 3


class BidderError(Exception):
    """The platform refused (its error body is kept), or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {}

    @property
    def code(self) -> str | None:
        return self.body.get("error")


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(UPLOAD_BLOCK):
            yield block


def _safe_filename(name: str, fallback: str) -> str:
    """The last path component of a name the platform sent, never a hidden, relative or empty one."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return base if base and "\x00" not in base else fallback


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for block in _file_chunks(path):
        digest.update(block)
    return digest.hexdigest()


class BidderClient:
    def __init__(self, base_url: str | None = None, token: str | None = None, *, http: httpx.Client | None = None):
        """`http`: an httpx.Client to use (e.g. a FastAPI TestClient); otherwise one for `base_url`."""
        self.http = http or httpx.Client(base_url=base_url or "", timeout=httpx.Timeout(30.0, write=300.0))
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._keys: dict[str, Any] | None = None

    def _check(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"error": "http_error", "message": response.text[:500]}
            message = body.get("message", response.reason_phrase)
            if body.get("citation"):
                message += f" ({body['citation']})"
            raise BidderError(
                f"{response.status_code} {body.get('error')}: {message}", status=response.status_code, body=body
            )
        return response.json()

    def requirements(self, lot_id: str) -> BidRequirements:
        return BidRequirements.from_json(self._check(self.http.get(f"/api/v1/lots/{lot_id}/bid-requirements")))

    def public_keys(self) -> dict[str, Any]:
        if self._keys is None:
            self._keys = self._check(self.http.get("/.well-known/zhaocai-keys.json"))
        return self._keys

    def verified(self, receipt: SignedReceipt) -> SignedReceipt:
        try:
            verify_receipt(receipt, self.public_keys())
        except ReceiptInvalid:
            self._keys = None  # the platform may have rotated its key since: fetch once more
            verify_receipt(receipt, self.public_keys())
        return receipt

    def submit(self, lot_id: str, envelope: Path, *, idempotency_key: str | None = None) -> SignedReceipt:
        """Upload a sealed bid for `lot_id`; retried (same key, same bytes) on a lost connection or a server error."""
        return self._upload(f"/api/v1/lots/{lot_id}/bids", envelope, "bid", lot_id, idempotency_key)

    def submit_application(
        self, tender_id: str, envelope: Path, *, idempotency_key: str | None = None
    ) -> SignedReceipt:
        """Upload a sealed prequalification application (电子招标投标办法28) for `tender_id`."""
        path = f"/api/v1/tenders/{tender_id}/prequalification/applications"
        return self._upload(path, envelope, "prequalification_application", PREQUALIFICATION_LOT, idempotency_key)

    def _upload(self, path: str, envelope: Path, kind: str, lot_id: str, idempotency_key: str | None) -> SignedReceipt:
        header = read_header(envelope.open("rb"))
        key = idempotency_key or uuid.uuid4().hex
        headers = self.headers | {
            "Idempotency-Key": key,
            "Content-Type": "application/octet-stream",
            "Content-Length": str(envelope.stat().st_size),
        }
        last: Exception | None = None
        for _ in range(RETRIES):
            try:
                response = self.http.post(path, content=_file_chunks(envelope), headers=headers)
            except httpx.TransportError as exc:
                last = exc
                continue
            if response.status_code >= 500:
                last = BidderError(f"{response.status_code} from the platform", status=response.status_code)
                continue
            receipt = self.verified(SignedReceipt.from_json(self._check(response)))
            expected = {
                "kind": kind,
                "lot_id": lot_id,
                "bid_version": header.bid_version,
                "envelope_sha256": _sha256(envelope),
            }
            wrong = {
                name: receipt.body.get(name) for name, value in expected.items() if receipt.body.get(name) != value
            }
            if wrong:
                raise ReceiptInvalid(f"the receipt does not acknowledge this envelope: {wrong}", field="receipt")
            return receipt
        raise BidderError(f"the platform could not be reached after {RETRIES} attempts: {last}") from last

    def status(self, lot_id: str) -> dict[str, Any]:
        return self._check(self.http.get(f"/api/v1/lots/{lot_id}/my-bid", headers=self.headers))  # type: ignore[no-any-return]

    def application_status(self, tender_id: str) -> dict[str, Any]:
        path = f"/api/v1/tenders/{tender_id}/prequalification/my-application"
        return self._check(self.http.get(path, headers=self.headers))  # type: ignore[no-any-return]

    def withdraw(self, lot_id: str, credentials: Credentials) -> SignedReceipt:
        """Withdraw the latest version of this organisation's bid with a freshly signed notice."""
        path = f"/api/v1/lots/{lot_id}/my-bid/withdrawal"
        return self._withdraw(self.status(lot_id), lot_id, path, "withdrawal", credentials)

    def withdraw_application(self, tender_id: str, credentials: Credentials) -> SignedReceipt:
        """Withdraw the latest version of this organisation's prequalification application (办法28)."""
        path = f"/api/v1/tenders/{tender_id}/prequalification/my-application/withdrawal"
        mine = self.application_status(tender_id)
        kind = "prequalification_application_withdrawal"
        return self._withdraw(mine, PREQUALIFICATION_LOT, path, kind, credentials)

    def _withdraw(
        self, mine: dict[str, Any], lot_id: str, path: str, kind: str, credentials: Credentials
    ) -> SignedReceipt:
        code = credentials.credit_code
        if code is None:
            raise BidderError("the signing certificate names no 统一社会信用代码")
        signed = sign_withdrawal(
            tender_id=mine["tender_id"],
            lot_id=lot_id,
            bidder=code,
            bid_id=mine["bid_id"],
            bid_version=mine["latest_version"],
            signing_key=credentials.signing_key,
            signer_certificate_der=credentials.signer_certificate_der,
        )
        response = self.http.post(path, json=signed.to_json(), headers=self.headers)
        receipt = self.verified(SignedReceipt.from_json(self._check(response)))
        if receipt.body.get("kind") != kind or receipt.body.get("bid_id") != mine["bid_id"]:
            raise ReceiptInvalid("the receipt does not acknowledge this withdrawal", field="receipt")
        return receipt

    def documents(self, tender_id: str, *, current: bool = False) -> list[dict[str, Any]]:
        """The tender's document files (招标文件, 资格预审文件, clarifications) with their SHA-256."""
        params = {"current": "true"} if current else {}
        return self._check(self.http.get(f"/api/v1/tenders/{tender_id}/documents", params=params, headers=self.headers))  # type: ignore[no-any-return]

    def download_document(self, tender_id: str, document_id: str, out_dir: Path) -> Path:
        """Download one document file into `out_dir` under its own file name (the platform logs the download for
        this organisation); the bytes must hash to the SHA-256 the platform lists, or nothing is kept."""
        listed = next((d for d in self.documents(tender_id) if d["id"] == document_id), None)
        if listed is None:
            raise BidderError(f"tender {tender_id} has no document {document_id}", status=404)
        target = out_dir / _safe_filename(listed["filename"], document_id)
        partial = target.with_name(target.name + ".part")
        digest = hashlib.sha256()
        url = f"/api/v1/tenders/{tender_id}/documents/{document_id}"
        with self.http.stream("GET", url, headers=self.headers) as response:
            if response.status_code >= 400:
                response.read()
                self._check(response)
            with partial.open("wb") as out:
                for block in response.iter_bytes():
                    digest.update(block)
                    out.write(block)
        if digest.hexdigest() != listed["sha256"]:
            partial.unlink()
            raise BidderError(
                f"the downloaded {listed['filename']} hashes to {digest.hexdigest()}, not to the listed "
                f"{listed['sha256']}: discarded"
            )
        partial.replace(target)
        return target

    def proof(self, entry_id: str) -> dict[str, Any]:
        return self._check(self.http.get(f"/api/v1/receipts/{entry_id}/proof", headers=self.headers))  # type: ignore[no-any-return]
