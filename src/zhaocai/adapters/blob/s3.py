"""Blobs in any S3-compatible object store (AWS S3, MinIO, Ceph RGW, Aliyun OSS, Tencent COS, …).

Layout: content at `<prefix>blobs/ab/<key>` (the same tree as the local store, so `aws s3 sync` moves an
archive between the two), uploads in progress at `<prefix>tmp/<id>`.

Why a temporary key: the content key is the SHA-256 of the bytes, known only after the last byte is read, and a
stream must not be held in memory or spooled to disk. So
- a blob that fits in one part (`part_size`, 8 MiB by default) is hashed in memory and PUT straight to its key;
- a larger one is sent as a multipart upload to `tmp/<id>` while it is hashed, then copied server-side to its
  content key (no bytes travel back through us) and the temporary object is deleted.
Either way the content key appears only complete and already hashed; a failure (TooLarge included) aborts the
multipart upload or deletes the temporary object, and `remove_stale_uploads` sweeps what a killed process left.
Every request body carries Content-MD5, which every S3-compatible server checks; the newer flexible checksums are
only sent when an operation requires them, because several compatible stores still reject them.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from zhaocai.adapters.blob.base import BlobStoreBase
from zhaocai.adapters.blob.port import BlobNotFound, BlobRef, BlobSource, check_key, is_key
from zhaocai.adapters.blob.streaming import ContentDigest, iter_source
from zhaocai.core.ids import new_id

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # the S3 minimum for every part but the last
DEFAULT_PART_SIZE = 8 * MIB
_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})


def make_s3_client(
    *,
    endpoint_url: str | None,
    region: str,
    access_key_id: str | None,
    secret_access_key: str | None,
) -> Any:
    config = Config(
        signature_version="s3v4",
        retries={"max_attempts": 5, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=config,
    )


class S3BlobStore(BlobStoreBase):
    def __init__(self, client: Any, bucket: str, *, prefix: str = "", part_size: int = DEFAULT_PART_SIZE) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3 minimum)")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.part_size = part_size
        self.blob_prefix = f"{prefix}blobs/"
        self.temp_prefix = f"{prefix}tmp/"

    def object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.blob_prefix}{key[:2]}/{key}"

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (demo and tests; production buckets are provisioned by ops)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if _error_code(error) not in _NOT_FOUND | {"NoSuchBucket"}:
                raise
            self.client.create_bucket(Bucket=self.bucket)

    # writing

    def put_stream(self, source: BlobSource, *, max_bytes: int | None = None) -> BlobRef:
        digest = ContentDigest(max_bytes)
        buffer = bytearray()
        upload: _MultipartUpload | None = None
        try:
            for chunk in iter_source(source, min(self.part_size, MIB)):
                digest.update(chunk)
                buffer += chunk
                # Strictly more than one part buffered: a blob of exactly one part still goes the direct way.
                while len(buffer) > self.part_size:
                    upload = upload or _MultipartUpload.start(self.client, self.bucket, self._temp_key())
                    upload.send_part(bytes(memoryview(buffer)[: self.part_size]))
                    del buffer[: self.part_size]
            ref = digest.ref()
            if upload is None:
                if not self._has_object_of_size(ref):
                    self._put_object(self.object_key(ref.key), bytes(buffer))
                return ref
            upload.send_part(bytes(buffer))
            del buffer[:]
            upload.complete()
            if not self._has_object_of_size(ref):
                self._copy(upload.key, self.object_key(ref.key))
            self.client.delete_object(Bucket=self.bucket, Key=upload.key)
            return ref
        except BaseException:
            if upload is not None:
                upload.discard()
            raise

    def _temp_key(self) -> str:
        return f"{self.temp_prefix}{new_id()}"

    def _put_object(self, object_key: str, body: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=object_key, Body=body, ContentMD5=_content_md5(body))

    def _copy(self, source_key: str, object_key: str) -> None:
        # The managed copy goes multipart (UploadPartCopy) for big objects: a single CopyObject stops at 5 GB.
        self.client.copy(
            CopySource={"Bucket": self.bucket, "Key": source_key},
            Bucket=self.bucket,
            Key=object_key,
            Config=TransferConfig(multipart_threshold=1024 * MIB, multipart_chunksize=512 * MIB, use_threads=False),
        )

    def _has_object_of_size(self, ref: BlobRef) -> bool:
        head = self._head(ref.key)
        return head is not None and head["ContentLength"] == ref.size

    # reading

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                return None
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                raise BlobNotFound(f"blob {key} not found", field="key") from None
            raise
        return io.BufferedReader(_BodyReader(response["Body"]), buffer_size=MIB)  # type: ignore[return-value]

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise BlobNotFound(f"blob {key} not found", field="key")
        return int(head["ContentLength"])

    def delete(self, key: str) -> bool:
        existed = self.exists(key)
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        return existed

    def iter_keys(self) -> Iterator[str]:
        for item in self._list(self.blob_prefix):
            name = item["Key"].rsplit("/", 1)[-1]
            if is_key(name) and item["Key"] == self.object_key(name):
                yield name

    def _list(self, prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    # cleaning up

    def incomplete_uploads(self) -> list[dict[str, Any]]:
        """Multipart uploads in progress under the temp prefix."""
        paginator = self.client.get_paginator("list_multipart_uploads")
        uploads: list[dict[str, Any]] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.temp_prefix):
            uploads.extend(page.get("Uploads", []))
        return uploads

    def temp_objects(self) -> list[str]:
        return [item["Key"] for item in self._list(self.temp_prefix)]

    def remove_stale_uploads(self, *, older_than: timedelta = timedelta(hours=1)) -> int:
        cutoff = datetime.now(UTC) - older_than
        removed = 0
        for upload in self.incomplete_uploads():
            if upload["Initiated"] <= cutoff:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
                removed += 1
        for item in self._list(self.temp_prefix):
            if item["LastModified"] <= cutoff:
                self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                removed += 1
        return removed


class _MultipartUpload:
    def __init__(self, client: Any, bucket: str, key: str, upload_id: str) -> None:
        self.client = client
        self.bucket = bucket
        self.key = key
        self.upload_id = upload_id
        self.parts: list[dict[str, Any]] = []
        self.completed = False

    @classmethod
    def start(cls, client: Any, bucket: str, key: str) -> _MultipartUpload:
        response = client.create_multipart_upload(Bucket=bucket, Key=key)
        return cls(client, bucket, key, response["UploadId"])

    def send_part(self, body: bytes) -> None:
        number = len(self.parts) + 1
        response = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            PartNumber=number,
            Body=body,
            ContentMD5=_content_md5(body),
        )
        self.parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def complete(self) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self.parts}
        )
        self.completed = True

    def discard(self) -> None:
        """Best effort on the failure path: the original error matters more than a failed cleanup."""
        try:
            if self.completed:
                self.client.delete_object(Bucket=self.bucket, Key=self.key)
            else:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)
        except Exception:  # noqa: S110 - remove_stale_uploads sweeps whatever is left
            pass


class _BodyReader(io.RawIOBase):
    """botocore's StreamingBody as a raw binary stream, so callers get a real BinaryIO."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def _content_md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
