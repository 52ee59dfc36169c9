"""Route rows for /files and /vector_stores (joined into the route table in ``routes.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..backend.files import expire_files
from .call import Call
from .handlers import files
from .handlers import vector_stores as stores
from .route import Route

# Path parameters of these routes whose ids must carry a prefix (joined into ``routes.ID_PREFIXES``).
# A file id is not checked: the files API answers any unknown id with its 404.
FILE_ID_PREFIXES: dict[str, str] = {"vector_store_id": "vs", "batch_id": "vsfb"}


Result = TypeVar("Result")


def _fresh(handler: Callable[[Call], Result]) -> Callable[[Call], Result]:
    """The handler, run once the files whose ``expires_at`` has come are gone."""

    def serve(call: Call) -> Result:
        expire_files(call.backend, call.now)
        return handler(call)

    return serve


FILE_ROUTES: tuple[Route, ...] = (
    Route("GET", "/files", "listFiles", _fresh(files.list_)),
    Route("POST", "/files", "createFile", _fresh(files.create)),
    Route("DELETE", "/files/{file_id}", "deleteFile", _fresh(files.delete)),
    Route("GET", "/files/{file_id}", "retrieveFile", _fresh(files.retrieve)),
    Route("GET", "/files/{file_id}/content", "downloadFile", _fresh(files.download)),
)

VECTOR_STORE_ROUTES: tuple[Route, ...] = (
    Route("GET", "/vector_stores", "listVectorStores", _fresh(stores.list_)),
    Route("POST", "/vector_stores", "createVectorStore", _fresh(stores.create)),
    Route("GET", "/vector_stores/{vector_store_id}", "getVectorStore", _fresh(stores.retrieve)),
    Route("POST", "/vector_stores/{vector_store_id}", "modifyVectorStore", _fresh(stores.modify)),
    Route("DELETE", "/vector_stores/{vector_store_id}", "deleteVectorStore", _fresh(stores.delete)),
    Route(
        "POST",
        "/vector_stores/{vector_store_id}/file_batches",
        "createVectorStoreFileBatch",
        _fresh(stores.create_batch),
    ),
    Route(
        "GET",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}",
        "getVectorStoreFileBatch",
        _fresh(stores.retrieve_batch),
    ),
    Route(
        "POST",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel",
        "cancelVectorStoreFileBatch",
        _fresh(stores.cancel_batch),
    ),
    Route(
        "GET",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
        "listFilesInVectorStoreBatch",
        _fresh(stores.list_batch_files),
    ),
    Route("GET", "/vector_stores/{vector_store_id}/files", "listVectorStoreFiles", _fresh(stores.list_files)),
    Route("POST", "/vector_stores/{vector_store_id}/files", "createVectorStoreFile", _fresh(stores.create_file)),
    Route(
        "GET", "/vector_stores/{vector_store_id}/files/{file_id}", "getVectorStoreFile", _fresh(stores.retrieve_file)
    ),
    Route(
        "DELETE",
        "/vector_stores/{vector_store_id}/files/{file_id}",
        "deleteVectorStoreFile",
        _fresh(stores.delete_file),
    ),
    Route(
        "POST",
        "/vector_stores/{vector_store_id}/files/{file_id}",
        "updateVectorStoreFileAttributes",
        _fresh(stores.update_file),
    ),
    Route(
        "GET",
        "/vector_stores/{vector_store_id}/files/{file_id}/content",
        "retrieveVectorStoreFileContent",
        _fresh(stores.file_content),
    ),
    Route("POST", "/vector_stores/{vector_store_id}/search", "searchVectorStore", _fresh(stores.search)),
)
