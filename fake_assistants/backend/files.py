"""File operations: upload, list, delete, and the expiry of files whose ``expires_at`` has passed."""

from __future__ import annotations

from ..errors import file_too_large
from .state import Backend
from .storage import StoredFile

BATCH_FILE_LIFETIME = 30 * 86_400  # "files with purpose=batch expire after 30 days" unless told otherwise


def upload_file(
    backend: Backend,
    now: int,
    *,
    filename: str,
    content: bytes,
    purpose: str,
    expires_after_seconds: int | None = None,
) -> StoredFile:
    storage = backend.storage
    if len(content) > storage.max_upload_bytes:
        raise file_too_large(len(content), storage.max_upload_bytes)
    if expires_after_seconds is None and purpose == "batch":
        expires_after_seconds = BATCH_FILE_LIFETIME
    stored = StoredFile(
        id=backend.ids.new("file"),
        created_at=now,
        filename=filename,
        purpose=purpose,
        content=content,
        expires_at=None if expires_after_seconds is None else now + expires_after_seconds,
    )
    storage.files[stored.id] = stored
    backend.ownership.claim(stored.id)
    return stored


def delete_file(backend: Backend, file_id: str) -> None:
    """Delete a file, and take it out of every vector store that holds it (their counts and usage follow)."""
    storage = backend.storage
    storage.file(file_id)
    for store in storage.stores_holding(file_id):
        del store.files[file_id]
    del storage.files[file_id]


def list_files(backend: Backend, purpose: str | None) -> list[StoredFile]:
    files = backend.storage.files.values()
    return [item for item in files if purpose is None or item.purpose == purpose]


def expire_files(backend: Backend, now: int) -> None:
    """Delete every file whose ``expires_at`` has come, as the real API does."""
    files = backend.storage.files.values()
    expired = [item.id for item in files if item.expires_at is not None and now >= item.expires_at]
    for file_id in expired:
        delete_file(backend, file_id)
