"""Content-addressed blob stores: the port, a local-directory adapter and an S3 adapter."""

from zhaocai.adapters.blob.port import BlobNotFound, BlobRef, BlobStore, InvalidBlobKey, check_key

__all__ = ["BlobNotFound", "BlobRef", "BlobStore", "InvalidBlobKey", "check_key"]
