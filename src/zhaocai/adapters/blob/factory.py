"""Pick the blob store the settings name (DESIGN principle 9: a local directory by default, S3 by configuration)."""

from __future__ import annotations

from zhaocai.adapters.blob.local import LocalBlobStore
from zhaocai.adapters.blob.port import BlobStore
from zhaocai.adapters.blob.s3 import S3BlobStore, make_s3_client
from zhaocai.config import Settings


def blob_store_from_settings(settings: Settings) -> BlobStore:
    if settings.blob_backend == "local":
        return LocalBlobStore(settings.effective_blob_dir)
    secret = settings.s3_secret_access_key
    client = make_s3_client(
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=secret.get_secret_value() if secret is not None else None,
    )
    return S3BlobStore(client, settings.s3_bucket)
