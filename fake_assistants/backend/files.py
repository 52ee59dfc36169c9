"""File operations: upload, list, delete, and the expiry of files whose ``expires_at`` has passed."""

from __future__ import annotations

from ..errors import file_too_large
from .index import Order
from .models import StoredFile
from .state import Backend

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
    most = backend.settings.max_upload_bytes
    if len(content) > most:
        raise file_too_large(len(content), most)
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
    backend.put_file(stored)
    backend.ownership.claim(stored.id)
    return stored


def delete_file(backend: Backend, file_id: str) -> None:
    """Delete a file, and take it out of every vector store that holds it (their counts and usage follow)."""
    backend.file(file_id)
    backend.drop_file(file_id)


def list_order(backend: Backend, purpose: str | None) -> Order:
    """The files to list, oldest first: all of them, or those of one purpose."""
    order = backend.file_order
    return order if purpose is None else order.tagged(purpose)


def expire_files(backend: Backend, now: int) -> None:
    """Delete every file whose ``expires_at`` has come, as the real API does."""
    for file_id in backend.pop_expired(now):
        delete_file(backend, file_id)
