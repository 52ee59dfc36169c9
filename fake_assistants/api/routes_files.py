"""Route rows for /files and /vector_stores (joined into the route table in ``routes.py``)."""

from __future__ import annotations

from .route import Route

# Path parameters of these routes whose ids must carry a prefix (joined into ``routes.ID_PREFIXES``).
FILE_ID_PREFIXES: dict[str, str] = {}

FILE_ROUTES: tuple[Route, ...] = (
    Route("GET", "/files", "listFiles"),
    Route("POST", "/files", "createFile"),
    Route("DELETE", "/files/{file_id}", "deleteFile"),
    Route("GET", "/files/{file_id}", "retrieveFile"),
    Route("GET", "/files/{file_id}/content", "downloadFile"),
)

VECTOR_STORE_ROUTES: tuple[Route, ...] = (
    Route("GET", "/vector_stores", "listVectorStores"),
    Route("POST", "/vector_stores", "createVectorStore"),
    Route("GET", "/vector_stores/{vector_store_id}", "getVectorStore"),
    Route("POST", "/vector_stores/{vector_store_id}", "modifyVectorStore"),
    Route("DELETE", "/vector_stores/{vector_store_id}", "deleteVectorStore"),
    Route("POST", "/vector_stores/{vector_store_id}/file_batches", "createVectorStoreFileBatch"),
    Route("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}", "getVectorStoreFileBatch"),
    Route(
        "POST", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel", "cancelVectorStoreFileBatch"
    ),
    Route(
        "GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files", "listFilesInVectorStoreBatch"
    ),
    Route("GET", "/vector_stores/{vector_store_id}/files", "listVectorStoreFiles"),
    Route("POST", "/vector_stores/{vector_store_id}/files", "createVectorStoreFile"),
    Route("GET", "/vector_stores/{vector_store_id}/files/{file_id}", "getVectorStoreFile"),
    Route("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}", "deleteVectorStoreFile"),
    Route("POST", "/vector_stores/{vector_store_id}/files/{file_id}", "updateVectorStoreFileAttributes"),
    Route("GET", "/vector_stores/{vector_store_id}/files/{file_id}/content", "retrieveVectorStoreFileContent"),
    Route("POST", "/vector_stores/{vector_store_id}/search", "searchVectorStore"),
)
